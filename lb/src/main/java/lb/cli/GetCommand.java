package lb.cli;

import io.liftbridge.proto.Api;
import java.time.Duration;
import lb.cli.format.MessageView;
import lb.client.LiftbridgeException;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lb get STREAM OFFSET [-p P]}: print one message. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print the message at one offset of one partition (ro). Not found (exit 3) when the "
                + "offset is past the end or no longer retained.")
final class GetCommand extends BaseCommand {

    @Parameters(index = "1", paramLabel = "OFFSET", description = "Offset of the message.")
    long at;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to read.")
    String stream;

    @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Partition (default 0).")
    int partition;

    @Mixin
    MessageFormatOptions messageFormat;

    @Override
    int execute() throws Exception {
        if (at < 0) {
            throw new UsageException("OFFSET must be 0 or more");
        }
        int p = partition;
        var fmt = messageFormat.formatter(io(), root());
        Streams.select(Streams.require(client(), stream), new int[] {p});
        Api.PartitionMetadata pm = client().fetchPartitionMetadata(stream, p);
        if (at > pm.getNewestOffset()) {
            err().printf("lb: no message at %s[%d]@%d (newest offset %d)%n", stream, p, at, pm.getNewestOffset());
            return ExitCodes.NOT_FOUND;
        }
        try (Subscription s = client().subscribe(stream,
                SubscriptionOptions.create().partition(p).startAtOffset(at).stopAtOffset(at))) {
            Api.Message m = s.poll(root().connection.resolve(io()).timeoutDuration());
            if (m == null || m.getOffset() != at) {
                err().printf("lb: no message at %s[%d]@%d (not retained, or compacted away)%n", stream, p, at);
                return ExitCodes.NOT_FOUND;
            }
            fmt.write(MessageView.of(m), 1, io().out);
            io().out.flush();
            return ExitCodes.OK;
        } catch (LiftbridgeException e) {
            if (e.getMessage() != null && e.getMessage().contains("Stop offset is before start offset")) {
                err().printf("lb: no message at %s[%d]@%d%n", stream, p, at);
                return ExitCodes.NOT_FOUND;
            }
            throw e;
        }
    }
}
