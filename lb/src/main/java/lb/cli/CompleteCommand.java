package lb.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lb __complete streams|partitions STREAM|contexts|groups} (hidden): live names for the
 * shell completion scripts, one per line, from a {@link CompletionCache}. Never hangs a shell
 * on a dead broker (the redpanda#16713 lesson):
 * <ol>
 *   <li>contexts come from the local context files, no network;</li>
 *   <li>a cache younger than {@code LB_COMPLETE_TTL} seconds (default 10) is answered as is;</li>
 *   <li>otherwise the metadata is fetched on a daemon thread ("lb-complete-fetch") for at most
 *       {@link LiveNames#BUDGET_MS} ms; an answer (or a refusal: "unreachable" is cached too, so a dead
 *       broker is not asked again within the TTL) is written to the cache and printed;</li>
 *   <li>when the fetch takes longer, or group ids are stale (reading them replays internal
 *       streams, too slow for a key press), the cached names are printed as they are and a
 *       detached {@code lb __complete --refresh} process updates the cache for the next Tab
 *       (at most one every TTL; {@code LB_COMPLETE_NO_SPAWN=1} turns this off).</li>
 * </ol>
 * Errors print nothing on stdout and exit 0: a completion must not spill messages into the line.
 * The work is {@link LiveNames}'s, which {@link Main} also runs without this tree (fast start).
 */
@Command(name = "__complete", hidden = true,
        description = "Live names for shell completion: streams, partitions STREAM, contexts, groups.")
final class CompleteCommand extends BaseCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "streams, partitions, contexts or groups.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "STREAM", description = "The stream of 'partitions'.")
    String stream;

    @Option(names = "--refresh", description = "Fetch now (streams and groups) and write the cache; print nothing.")
    boolean refresh;

    @Override
    int execute() {
        return new LiveNames(io(), root().connection, out(), err(), kind).answer(stream, refresh);
    }
}
