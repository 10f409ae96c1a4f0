package lb.cli;

import io.liftbridge.proto.Api;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import lb.cli.format.JsonEnvelope;
import lb.cli.format.PublishRecord;
import lb.client.LiftbridgeException;
import lb.client.MessageOptions;
import lb.client.Partitioner;
import lb.client.StreamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lb publish}: one message from the argument, one per stdin line (default), the whole of
 * stdin, one per file, or JSON envelopes (CLI.md "Publish input"). Prints a summary line on
 * stderr; a progress bar when publishing a file of known size and stderr is a terminal.
 */
@Command(name = "publish", aliases = {"pub", "produce"}, mixinStandardHelpOptions = true,
        description = {"Publish messages to a stream (rw).",
            "Input: VALUE, else --file FILE..., else stdin: one message per line (--input lines, the default), "
                + "the whole of stdin (--input raw) or JSON envelopes as written by 'lb replay --format jsonl' "
                + "(--input jsonl: key, headers, partition and binary values round-trip)."},
        footerHeading = "%nExamples:%n",
        footer = {"  lb publish orders 'hello'",
            "  seq 1000 | lb publish orders",
            "  lb publish orders -K : < keyed.txt                 # key:value lines",
            "  lb publish orders --file a.json --file b.json      # one message per file",
            "  lb replay orders --format jsonl | lb publish copy --input jsonl",
            "  lb publish orders -k user-7 -H trace=abc --ack all -p 2 'hi'"})
final class PublishCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to publish to.")
    String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "The message (else files or stdin).")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "Publish the file's bytes as one message (repeatable).")
    List<Path> files;

    @Option(names = {"-i", "--input"}, paramLabel = "MODE", description = "stdin as: lines (default), raw, jsonl.")
    String input = "lines";

    @Option(names = "-K", paramLabel = "DELIM", description = "lines: split each line at the first DELIM into key and value.")
    String keyDelimiter;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY", description = "Message key.")
    String key;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "A header (NAME=VALUE or NAME:VALUE; repeatable).")
    List<String> headers;

    @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Publish to this partition.")
    Integer partition;

    @Option(names = "--partition-by", paramLabel = "HOW", description = "key or round-robin (default: partition 0).")
    String partitionBy;

    @Option(names = {"-a", "--ack"}, paramLabel = "POLICY", description = "leader (default), all, none.")
    String ack = "leader";

    @Option(names = "--expected-offset", paramLabel = "N", description = "Fail unless the message gets this offset (optimistic concurrency).")
    Long expectedOffset;

    @Option(names = "--correlation-id", paramLabel = "ID", description = "Correlation id of the message.")
    String correlationId;

    @Option(names = "--create", description = "Create the stream (1 partition, subject = name) if it does not exist.")
    boolean create;

    @Option(names = "--async", description = "Do not wait for each ack before sending the next message.")
    boolean async;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "--async: at most N unacknowledged messages (default 1024).")
    int maxInFlightOption = 1024;

    @Option(names = "--count", paramLabel = "N", description = "With VALUE: publish it N times; {{n}} and {{time}} in VALUE are replaced.")
    Long repeat;

    @Option(names = "--print", paramLabel = "TEMPLATE", description = "Print each ack on stdout: %%s stream, %%p partition, %%o offset (e.g. '%%p@%%o\\n').")
    String print;

    @Option(names = "--[no-]progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Progress bar on a terminal for file input (default on).")
    boolean progress;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ConcurrentLinkedQueue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();
    private long bytes;
    private LiftbridgeException lastError;

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
        if (!List.of("lines", "raw", "jsonl").contains(input)) {
            throw new UsageException("unknown input '" + input + "': expected lines, raw or jsonl");
        }
        if (value != null && files != null) {
            throw new UsageException("give either VALUE or --file, not both");
        }
        Map<String, byte[]> hdrs = new LinkedHashMap<>();
        if (headers != null) {
            for (String h : headers) {
                int i = h.indexOf('=');
                int c = h.indexOf(':');
                int at = i < 0 ? c : c < 0 ? i : Math.min(i, c);
                if (at <= 0) {
                    throw new UsageException("header '" + h + "' must be NAME=VALUE or NAME:VALUE");
                }
                hdrs.put(h.substring(0, at), h.substring(at + 1).getBytes(StandardCharsets.UTF_8));
            }
        }
        if (async) {
            maxInFlight = maxInFlightOption;
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
        } else {
            Streams.require(client(), stream);
        }
        Template t = new Template(policy, partitioner, hdrs);
        long t0 = System.nanoTime();
        Io io = io();
        if (value != null) {
            long n = repeat == null ? 1 : repeat;
            for (long i = 1; i <= n && !io.cancelled(); i++) {
                String v = repeat == null ? value : value.replace("{{n}}", Long.toString(i))
                        .replace("{{time}}", Instant.now().toString());
                send(t, key == null ? null : utf8(key), utf8(v), null, null);
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
                byte[] b;
                try {
                    b = Files.readAllBytes(f);
                } catch (NoSuchFileException e) {
                    err().println("lb: no such file: " + f);
                    return ExitCodes.NOT_FOUND;
                }
                send(t, key == null ? null : utf8(key), b, null, null);
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
            readStdin(t, io.in, pr);
            pr.finish();
        }
        for (CompletableFuture<?> f : pending) {
            try {
                f.join();
            } catch (RuntimeException e) {
                // counted by the future's own handler
            }
        }
        io.out.flush();
        double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        long n = published.get();
        if (!quiet()) {
            err().printf("lb: published %d message%s (%s) to %s in %.2f s, %.0f msg/s, %d error%s%n", n,
                    n == 1 ? "" : "s", Sizes.human(bytes), stream, secs, n / secs, errors.get(),
                    errors.get() == 1 ? "" : "s");
        }
        if (errors.get() == 0) {
            return io.cancelled() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
        }
        return n == 0 ? Errors.exitCode(lastError) : ExitCodes.PARTIAL;
    }

    private void readStdin(Template t, InputStream in, Progress pr) throws IOException {
        InputStream bin = new BufferedInputStream(in, 1 << 16);
        if (input.equals("raw")) {
            byte[] b = bin.readAllBytes();
            send(t, key == null ? null : utf8(key), b, null, null);
            pr.advance(b.length);
            return;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long lineNo = 0;
        while (!io().cancelled()) {
            line.reset();
            int c;
            while ((c = bin.read()) >= 0 && c != '\n') {
                line.write(c);
            }
            if (c < 0 && line.size() == 0) {
                break;
            }
            lineNo++;
            byte[] l = line.toByteArray();
            pr.advance(l.length + 1);
            if (l.length > 0 && l[l.length - 1] == '\r') {
                l = java.util.Arrays.copyOf(l, l.length - 1);
            }
            if (input.equals("jsonl")) {
                String text = new String(l, StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    continue;
                }
                PublishRecord r;
                try {
                    r = JsonEnvelope.read(text);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("stdin line " + lineNo + ": " + e.getMessage());
                }
                send(t, r.key() != null ? r.key() : key == null ? null : utf8(key), r.value(), r, r.partition());
            } else if (keyDelimiter != null) {
                byte[] d = utf8(MessageFormatOptions.unescape(keyDelimiter));
                int at = indexOf(l, d);
                if (at < 0) {
                    send(t, null, l, null, null);
                } else {
                    send(t, java.util.Arrays.copyOfRange(l, 0, at), java.util.Arrays.copyOfRange(l, at + d.length, l.length),
                            null, null);
                }
            } else {
                send(t, key == null ? null : utf8(key), l, null, null);
            }
            if (c < 0) {
                break;
            }
        }
    }

    private static int indexOf(byte[] a, byte[] d) {
        outer:
        for (int i = 0; i + d.length <= a.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (a[i + j] != d[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** What every message of this run shares. */
    private record Template(Api.AckPolicy policy, Partitioner partitioner, Map<String, byte[]> headers) {
    }

    private void send(Template t, byte[] k, byte[] v, PublishRecord r, Integer recordPartition) {
        MessageOptions o = MessageOptions.create().ackPolicy(t.policy());
        if (k != null) {
            o.key(k);
        }
        Map<String, byte[]> h = new LinkedHashMap<>();
        if (r != null) {
            h.putAll(r.headers());
            // The broker sets these itself on every message (to the stream's subject and reply inbox).
            h.remove("subject");
            h.remove("reply");
        }
        h.putAll(t.headers());
        if (!h.isEmpty()) {
            o.headers(h);
        }
        Integer p = partition != null ? partition : recordPartition;
        if (p != null) {
            o.partition(p);
        } else if (t.partitioner() != null) {
            o.partitioner(t.partitioner());
        }
        String cid = correlationId != null ? correlationId : r != null ? r.correlationId() : null;
        if (cid != null) {
            o.correlationId(cid);
        }
        if (expectedOffset != null) {
            o.expectedOffset(expectedOffset + published.get() + errors.get());
        }
        bytes += v.length;
        if (async) {
            CompletableFuture<Api.Ack> f = client().publishAsync(stream, v, o);
            pending.add(f.whenComplete((a, e) -> {
                if (e != null) {
                    failed(e instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e);
                } else {
                    acked(a);
                }
            }));
            pending.removeIf(CompletableFuture::isDone);
            return;
        }
        try {
            acked(client().publish(stream, v, o));
        } catch (LiftbridgeException e) {
            failed(e);
            if (e.kind() == LiftbridgeException.Kind.NO_SUCH_STREAM || e.kind() == LiftbridgeException.Kind.UNAVAILABLE
                    || e.kind() == LiftbridgeException.Kind.NO_SUCH_PARTITION) {
                throw e;
            }
        }
    }

    private void acked(Api.Ack a) {
        published.incrementAndGet();
        if (print != null && a != null) {
            String s = MessageFormatOptions.unescape(print).replace("%s", a.getStream())
                    .replace("%p", partitionOf(a)).replace("%o", Long.toString(a.getOffset()));
            synchronized (this) {
                io().out.print(s);
            }
        }
    }

    private static String partitionOf(Api.Ack a) {
        String subj = a.getPartitionSubject();
        int dot = subj.lastIndexOf('.');
        if (dot > 0) {
            String tail = subj.substring(dot + 1);
            if (tail.chars().allMatch(Character::isDigit)) {
                return tail;
            }
        }
        return "0";
    }

    private synchronized void failed(Throwable e) {
        errors.incrementAndGet();
        lastError = e instanceof LiftbridgeException le ? le
                : new LiftbridgeException(LiftbridgeException.Kind.UNKNOWN, null, String.valueOf(e.getMessage()), e);
        err().println("lb: publish failed: " + e.getMessage());
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
