package lb.cli;

import io.liftbridge.proto.Api;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import lb.cli.format.PublishRecord;
import lb.cli.publish.AckWindow;
import lb.cli.publish.InputTemplate;
import lb.cli.publish.Rate;
import lb.cli.publish.StdinInput;
import lb.cli.publish.ValueTemplate;
import lb.client.LiftbridgeException;
import lb.client.MessageOptions;
import lb.client.Partitioner;
import lb.client.StreamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lb publish}: one message from the argument (optionally N times at a rate, with
 * nats-style templates), one per stdin line (default), the whole of stdin, one per file, JSON
 * envelopes or records cut by an rpk-style parse template (CLI.md "Publish input").
 *
 * <p>Messages are pipelined: up to {@code --max-in-flight} (default 1024) are on the wire at
 * once over the client's PublishAsync stream, and their acks are handled in send order by an
 * {@link AckWindow}, so {@code --print}, {@code --tee} and per-message errors come out in input
 * order. {@code --sync} waits for each ack before sending the next (the unary Publish call).
 * Prints a summary line on stderr; a progress bar when publishing a file of known size and
 * stderr is a terminal. Runs on the caller's thread.
 */
@Command(name = "publish", aliases = {"pub", "produce"}, mixinStandardHelpOptions = true,
        description = {"Publish messages to a stream (rw).",
            "Input: VALUE (--count N times), else --file FILE..., else stdin: one message per line (--input lines, "
                + "the default), the whole of stdin (--input raw), JSON envelopes as written by "
                + "'lb replay --format jsonl' (--input jsonl: key, headers, partition and binary values round-trip), "
                + "or records cut by a parse template (--input '%%k\\t%%v\\n').",
            "Up to --max-in-flight messages are sent before their acks arrive; acks, --print and --tee output "
                + "and errors stay in input order. --sync sends one at a time.",
            "",
            "Placeholders in VALUE, -k and -H values (nats style):",
            "  {{n}}              message number, from 1 (also {{count}})",
            "  {{time}}           now, RFC 3339 in UTC with ms (2025-03-02T10:14:07.123Z)",
            "  {{unix}}           now in epoch seconds; {{unix_ms}}, {{unix_nano}}: ms, ns",
            "  {{random}}         random integer in [0, 2147483647]",
            "  {{random 1 6}}     random integer in [1, 6]",
            "  {{uuid}}           random UUID",
            "",
            "Parse templates (--input): %%k key, %%v value, %%p partition, %%h headers (a=1,b=2), %%%% a percent "
                + "sign; escapes \\n \\t \\r \\0 \\\\ \\xNN. The literal text after a field ends it; a "
                + "template ending in a field ends with \\n. Examples:",
            "  '%%k\\t%%v\\n'   '%%p:%%k=%%v\\n'   '%%h|%%v\\n'"},
        footerHeading = "%nExamples:%n",
        footer = {"  lb publish orders 'hello'",
            "  seq 1000 | lb publish orders",
            "  lb publish orders -K : < keyed.txt                 # key:value lines",
            "  lb publish orders --input '%%k\\t%%v\\n' < tsv.txt    # key TAB value lines",
            "  lb publish orders --file a.json --file b.json      # one message per file",
            "  lb publish orders --count 1000 --rate 200/s 'msg {{n}} at {{time}}'",
            "  lb replay orders --format jsonl | lb publish copy --input jsonl",
            "  lb publish orders -k user-7 -H trace=abc --ack all -p 2 'hi'"})
final class PublishCommand extends BaseCommand {

    static final int DEFAULT_MAX_IN_FLIGHT = 1024;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to publish to.")
    String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The message (else files or stdin); {{placeholders}} are filled in per message.")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "Publish the file's bytes as one message (repeatable).")
    List<Path> files;

    @Option(names = {"-i", "--input"}, paramLabel = "MODE",
            description = "stdin as: lines (default), raw, jsonl, or a parse TEMPLATE with %%k, %%v, %%p, %%h (see above).")
    String input = "lines";

    @Option(names = "-K", paramLabel = "DELIM", description = "lines: split each line at the first DELIM into key and value.")
    String keyDelimiter;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY", description = "Message key.")
    String key;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "A header (NAME=VALUE or NAME:VALUE; repeatable).")
    List<String> headers;

    @Option(names = {"-p", "--partition"}, paramLabel = "P",
            description = "Publish to this partition (default 0, or as --partition-by picks).")
    Integer partition;

    @Option(names = "--partition-by", paramLabel = "HOW", description = "key or round-robin (default: partition 0).")
    String partitionBy;

    @Option(names = {"-a", "--ack"}, paramLabel = "POLICY", description = "leader (default), all, none.")
    String ack = "leader";

    @Option(names = "--expected-offset", paramLabel = "N",
            description = "Fail unless the (first) message gets this offset, the next N+1 and so on (optimistic concurrency).")
    Long expectedOffset;

    @Option(names = "--correlation-id", paramLabel = "ID", description = "Correlation id of the message.")
    String correlationId;

    @Option(names = "--create", description = "Create the stream (1 partition, subject = name) if it does not exist.")
    boolean create;

    @Option(names = "--sync", description = "Wait for each ack before sending the next message (slow: one round trip each).")
    boolean sync;

    @Option(names = "--async", hidden = true, description = "Pipelined publishing (the default; kept for old scripts).")
    boolean async;

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "At most N messages awaiting their acks (default " + DEFAULT_MAX_IN_FLIGHT + ").")
    int maxInFlightOption = DEFAULT_MAX_IN_FLIGHT;

    @Option(names = {"-c", "--count"}, paramLabel = "N",
            description = "With VALUE: publish it N times; otherwise stop after N messages of input.")
    Long count;

    @Option(names = "--rate", paramLabel = "N/UNIT", description = "At most this many messages per s, ms, m or h, e.g. 200/s (default: no limit).")
    String rate;

    @Option(names = "--print", paramLabel = "TEMPLATE", description = "Print each ack on stdout with this template: %%s stream, %%p partition, "
            + "%%o offset, e.g. '%%p@%%o\\n' (default: a summary on stderr only).")
    String print;

    @Option(names = {"-T", "--tee"}, description = "Echo each published message's value (and a newline) to stdout, like kcat -T.")
    boolean tee;

    @Option(names = "--[no-]progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Progress bar on a terminal for file input (default on).")
    boolean progress;

    private long sent;
    private long published;
    private long errors;
    private long bytes;
    private LiftbridgeException lastError;
    private String lastErrorText;
    private long repeatedErrors;
    /** A failure that makes further publishes pointless (no stream, no partition, no broker). */
    private LiftbridgeException fatal;
    private AckWindow<Sent> window;
    private final AckListener listener = new AckListener();
    private Rate pacer;
    private Template template;
    private int partitions;

    /** A message awaiting its ack: its partition (for --print) and its value when --tee echoes it. */
    private record Sent(int partition, byte[] echo) {
    }

    @Override
    int execute() throws Exception {
        Api.AckPolicy policy = switch (ack.toLowerCase()) {
            case "leader" -> Api.AckPolicy.LEADER;
            case "all" -> Api.AckPolicy.ALL;
            case "none" -> Api.AckPolicy.NONE;
            default -> throw new UsageException("unknown ack policy '" + ack + "': expected leader, all or none");
        };
        Partitioner partitioner = null;
        if (partitionBy != null) {
            partitioner = switch (partitionBy) {
                case "key" -> Partitioner.byKey();
                case "round-robin", "roundrobin" -> Partitioner.roundRobin();
                default -> throw new UsageException("unknown partitioner '" + partitionBy + "': expected key or round-robin");
            };
            if (partition != null) {
                throw new UsageException("use either -p or --partition-by, not both");
            }
        }
        InputTemplate parseTemplate = null;
        if (InputTemplate.isTemplate(input)) {
            try {
                parseTemplate = InputTemplate.parse(input);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } else if (!List.of("lines", "raw", "jsonl").contains(input)) {
            throw new UsageException("unknown input '" + input + "': expected lines, raw, jsonl or a template with %v");
        }
        if (value != null && files != null) {
            throw new UsageException("give either VALUE or --file, not both");
        }
        if (count != null && count < 0) {
            throw new UsageException("--count must be 0 or more, got " + count);
        }
        if (maxInFlightOption < 1) {
            throw new UsageException("--max-in-flight must be at least 1, got " + maxInFlightOption);
        }
        if (sync && async) {
            throw new UsageException("use either --sync or --async, not both");
        }
        try {
            pacer = rate == null ? null : Rate.parse(rate);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Map<String, ValueTemplate> hdrs = new LinkedHashMap<>();
        ValueTemplate keyTemplate;
        ValueTemplate valueTemplate;
        try {
            if (headers != null) {
                for (String h : headers) {
                    int i = h.indexOf('=');
                    int c = h.indexOf(':');
                    int at = i < 0 ? c : c < 0 ? i : Math.min(i, c);
                    if (at <= 0) {
                        throw new UsageException("header '" + h + "' must be NAME=VALUE or NAME:VALUE");
                    }
                    hdrs.put(h.substring(0, at), ValueTemplate.parse(h.substring(at + 1)));
                }
            }
            keyTemplate = key == null ? null : ValueTemplate.parse(key);
            valueTemplate = value == null ? null : ValueTemplate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!sync) {
            maxInFlight = maxInFlightOption;
            window = new AckWindow<>(maxInFlightOption, listener);
        }
        if (create) {
            try {
                client().createStream(stream, stream, StreamOptions.defaults());
                status("created stream %s", stream);
            } catch (LiftbridgeException e) {
                if (e.kind() != LiftbridgeException.Kind.STREAM_EXISTS) {
                    throw e;
                }
            }
        }
        Api.StreamMetadata md = Streams.require(client(), stream);
        partitions = md.getPartitionsCount();
        if (partition != null) {
            Streams.select(md, new int[] {partition});
        }
        template = new Template(policy, partitioner, hdrs, keyTemplate);
        if (root().connection.verbosity() >= 1) {
            status("publishing to %s (%d partition%s): %s, ack %s%s", stream, partitions, partitions == 1 ? "" : "s",
                    sync ? "one at a time" : "up to " + maxInFlightOption + " in flight", policy.name().toLowerCase(),
                    pacer == null ? "" : String.format(", at most %.0f/s", pacer.perSecond()));
        }
        long t0 = System.nanoTime();
        Io io = io();
        try {
            if (valueTemplate != null) {
                long n = count == null ? 1 : count;
                for (long i = 1; i <= n && !stopped(); i++) {
                        send(StdinInput.record(null, utf8(valueTemplate.expand(i, Instant.now()))));
                }
            } else if (files != null) {
                long total = 0;
                for (Path f : files) {
                    if (!Files.isRegularFile(f)) {
                        err().println("lb: no such file: " + f);
                        return ExitCodes.NOT_FOUND;
                    }
                    total += Files.size(f);
                }
                Progress pr = new Progress(io.err, progress && io.errTty && !quiet() && files.size() > 1, "publishing", total, true);
                for (Path f : files) {
                    if (stopped()) {
                        break;
                    }
                    byte[] b;
                    try {
                        b = Files.readAllBytes(f);
                    } catch (NoSuchFileException e) {
                        if (window != null) {
                            window.drain();
                        }
                        err().println("lb: no such file: " + f);
                        return ExitCodes.NOT_FOUND;
                    }
                    send(StdinInput.record(null, b));
                    pr.advance(b.length);
                }
                pr.finish();
            } else {
                if (io.inTty && !quiet()) {
                    err().println("lb: reading messages from the terminal, " + (input.equals("raw")
                            ? "all of it as one message" : "one per line") + "; Ctrl-D ends");
                }
                long size = Stdin.regularFileSize();
                Progress pr = new Progress(io.err, progress && io.errTty && !quiet() && size > 0, "publishing", size, true);
                byte[] d = keyDelimiter == null ? null : utf8(MessageFormatOptions.unescape(keyDelimiter));
                StdinInput.read(new BufferedInputStream(io.in, 1 << 16), input, d, parseTemplate, this::send,
                        this::stopped, pr::advance);
                pr.finish();
            }
        } catch (RuntimeException e) {
            // Bad input (e.g. a jsonl line that does not parse) ends the run; the messages
            // before it are still acknowledged and reported first, in order.
            if (window != null) {
                window.drain();
            }
            throw e instanceof StdinInput.BadInputException ? new UsageException(e.getMessage()) : e;
        }
        if (window != null) {
            window.drain();
        }
        io.out.flush();
        double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        flushRepeatedErrors();
        if (!quiet()) {
            err().printf("lb: published %d message%s (%s) to %s in %.2f s, %.0f msg/s, %d error%s%n", published,
                    published == 1 ? "" : "s", Sizes.human(bytes), stream, secs, published / secs, errors,
                    errors == 1 ? "" : "s");
        }
        if (errors == 0) {
            return io.cancelled() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
        }
        return published == 0 ? Errors.exitCode(lastError) : ExitCodes.PARTIAL;
    }

    /** Cancelled, a fatal failure, or --count messages sent. */
    private boolean stopped() {
        return io().cancelled() || fatal != null || (count != null && sent >= count);
    }

    /** What every message of this run shares. */
    private record Template(Api.AckPolicy policy, Partitioner partitioner, Map<String, ValueTemplate> headers,
                            ValueTemplate key) {
    }

    /**
     * Publishes one message: the record's key (an empty array: the input said "no key"; null:
     * use {@code -k}), value, partition, headers and correlation id, under the flags.
     */
    private void send(PublishRecord r) throws IOException {
        byte[] k = r.key();
        byte[] v = r.value();
        Integer recordPartition = r.partition();
        if (pacer != null && !pacer.await(() -> io().cancelled())) {
            return;
        }
        long seq = ++sent;
        Instant now = template.key() != null || !template.headers().isEmpty() ? Instant.now() : null;
        MessageOptions o = MessageOptions.create().ackPolicy(template.policy());
        if (k == null && template.key() != null) {
            k = utf8(template.key().expand(seq, now));
        }
        if (k != null && k.length > 0) {
            o.key(k);
        }
        Map<String, byte[]> h = new LinkedHashMap<>(r.headers());
        // The broker sets these itself on every message (to the stream's subject and reply inbox).
        h.remove("subject");
        h.remove("reply");
        template.headers().forEach((name, t) -> h.put(name, utf8(t.expand(seq, now))));
        if (!h.isEmpty()) {
            o.headers(h);
        }
        // The partition is chosen here rather than by the client so that --print can name it
        // (the ack's partition subject is not reliable for that).
        Integer p = partition != null ? partition : recordPartition;
        if (p == null) {
            p = template.partitioner() == null ? 0 : template.partitioner().partition(stream, k, v, partitions);
        }
        o.partition(p);
        String cid = correlationId != null ? correlationId : r.correlationId();
        if (cid != null && !cid.isEmpty()) {
            o.correlationId(cid);
        } else {
            cid = null;
        }
        if (expectedOffset != null) {
            o.expectedOffset(expectedOffset + seq - 1);
        }
        bytes += v.length;
        Sent echo = new Sent(p, tee ? v : null);
        if (window != null) {
            try {
                window.reserve(cid);
                CompletableFuture<Api.Ack> f;
                try {
                    f = client().publishAsync(stream, v, o);
                } catch (LiftbridgeException e) {
                    window.drain(); // the messages before this one are reported first
                    listener.failed(seq, echo, e);
                    return;
                }
                window.add(seq, echo, cid, f);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                io().cancel();
            }
            return;
        }
        try {
            listener.acked(seq, echo, client().publish(stream, v, o));
        } catch (LiftbridgeException e) {
            listener.failed(seq, echo, e);
        }
    }

    /** Handles each message's outcome, in send order, on the publishing thread. */
    private final class AckListener implements AckWindow.Listener<Sent> {
        @Override
        public void acked(long seq, Sent sent, Api.Ack a) {
            published++;
            if (print != null && a != null) {
                io().out.print(MessageFormatOptions.unescape(print).replace("%s", a.getStream())
                        .replace("%p", Integer.toString(sent.partition())).replace("%o", Long.toString(a.getOffset())));
            }
            if (sent.echo() != null) {
                io().out.write(sent.echo(), 0, sent.echo().length);
                io().out.write('\n');
            }
        }

        @Override
        public void failed(long seq, Sent sent, LiftbridgeException e) {
            errors++;
            lastError = e;
            if (e.kind() == LiftbridgeException.Kind.NO_SUCH_STREAM || e.kind() == LiftbridgeException.Kind.UNAVAILABLE
                    || e.kind() == LiftbridgeException.Kind.NO_SUCH_PARTITION
                    || e.kind() == LiftbridgeException.Kind.STREAM_DELETED) {
                fatal = e;
            }
            String text = String.valueOf(e.getMessage()).strip().replace("\n", "; ");
            if (text.equals(lastErrorText)) {
                repeatedErrors++; // a thousand identical lines would hide the summary
                return;
            }
            flushRepeatedErrors();
            lastErrorText = text;
            err().println("lb: message " + seq + ": publish failed: " + text);
            err().flush();
        }
    }

    /** Reports how many failures repeated the last one printed, if any. */
    private void flushRepeatedErrors() {
        if (repeatedErrors > 0) {
            err().println("lb: ... and " + repeatedErrors + " more failure" + (repeatedErrors == 1 ? "" : "s")
                    + " like it");
            repeatedErrors = 0;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Facts about the process's stdin. */
    static final class Stdin {
        private Stdin() {
        }

        /** Size of stdin when it is redirected from a regular file, else -1. */
        static long regularFileSize() {
            try {
                Path p = Path.of("/proc/self/fd/0").toRealPath();
                return Files.isRegularFile(p) ? Files.size(p) : -1;
            } catch (IOException | RuntimeException e) {
                return -1; // not Linux, or stdin is a pipe or terminal
            }
        }
    }
}
