package lb.cli;

import static lb.cli.Schema.field;

import java.util.List;
import java.util.Map;

/**
 * The texts of {@code lb help formats} and {@code lb help examples}. Plain text, 80 columns.
 * Every line of EXAMPLES that starts with {@code lb } parses against the command tree (a test
 * checks), so the recipes cannot drift from the commands.
 */
final class HelpTopics {

    private HelpTopics() {
    }

    /** The message JSON envelope: tail, replay and get with -f json or jsonl. */
    static final Schema ENVELOPE = new Schema(
            "JSON ENVELOPE (lb tail, replay, get: -f json or jsonl; version 1)", false,
            List.of("{\"stream\":\"orders\",\"partition\":0,\"offset\":42,",
                " \"timestamp\":1740910447123,\"time\":\"2025-03-02T10:14:07.123Z\",",
                " \"subject\":\"orders\",",
                " \"key\":\"k1\",\"key_encoding\":\"utf8\",",
                " \"headers\":{\"trace\":\"abc\"},\"headers_encoding\":\"utf8\",",
                " \"value\":\"hello\",\"value_encoding\":\"utf8\",",
                " \"correlation_id\":null,\"reply_inbox\":null}"),
            List.of(field("stream", "string", "stream name"),
                field("partition", "integer", "partition number"),
                field("offset", "integer", "the message's offset in its partition"),
                field("timestamp", "integer", "time the broker received it, epoch milliseconds"),
                field("time", "string", "the same time, RFC 3339 UTC with milliseconds"),
                field("subject", "string", "NATS subject it was published on"),
                field("key", "string|null", "the key, encoded as key_encoding; null for a keyless message"),
                field("key_encoding", "string|null", "utf8, base64 or hex; null with a null key"),
                field("headers", "object", "header name -> value, encoded as headers_encoding"),
                field("headers.NAME", "string", "one header's value"),
                field("headers_encoding", "string", "utf8, or base64 when any header value is not UTF-8"),
                field("value", "any", "a string encoded as value_encoding, or any JSON value when "
                    + "value_encoding is json"),
                field("value_encoding", "string", "utf8, base64, hex or json"),
                field("correlation_id", "string|null", "correlation id given at publish"),
                field("reply_inbox", "string|null", "NATS reply subject of the message")),
            List.of("The shape never depends on other flags. lb publish --input jsonl reads",
                "these objects back: only value is required, a missing encoding means utf8."));

    static final Schema STREAM_LIST = new Schema("lb stream list: an array, one object per stream", true, List.of(),
            List.of(field("name", "string", "stream name"),
                field("subject", "string", "NATS subject of the stream"),
                field("partitions", "integer", "number of partitions"),
                field("created", "string", "creation time, RFC 3339 UTC")),
            List.of("--names prints names only, one per line, in every format."));

    static final Schema STREAM_DESCRIBE = new Schema("lb stream describe: one object", false, List.of(),
            List.of(field("name", "string", "stream name"),
                field("subject", "string", "NATS subject of the stream"),
                field("created", "string", "creation time, RFC 3339 UTC"),
                field("configs", "object", "with --configs or --all: the settings the metadata shows"),
                field("configs.KEY", "string", "one setting: subject, partitions, replication.factor, "
                    + "paused.partitions, readonly.partitions, created"),
                field("configs_not_exposed", "[string]", "with --configs or --all: settings the Liftbridge "
                    + "API does not return (retention, segments, ...)"),
                field("partitions", "[object]", "one per partition asked for (-p); absent with --configs alone"),
                field("partitions[].id", "integer", "partition number"),
                field("partitions[].leader", "string", "leader broker id, \"\" when there is none"),
                field("partitions[].replicas", "[string]", "ids of the brokers holding a replica"),
                field("partitions[].isr", "[string]", "ids of the in-sync replicas"),
                field("partitions[].high_watermark", "integer", "last committed offset (-1: none)"),
                field("partitions[].newest_offset", "integer", "newest offset written (-1: none)"),
                field("partitions[].paused", "boolean", "whether the partition is paused"),
                field("partitions[].readonly", "boolean", "whether the partition is read-only"),
                field("partitions[].last_received", "string|null", "time of the newest message, RFC 3339 "
                    + "UTC; null before the first")),
            List.of());

    static final Schema STREAM_OFFSETS = new Schema("lb stream offsets: one object", false, List.of(),
            List.of(field("stream", "string", "stream name"),
                field("position", "string|null", "POS as understood (earliest, end, last, N, -N, +N, @TIME in "
                    + "RFC 3339); null without POS"),
                field("partitions", "[object]", "one per partition asked for (-p)"),
                field("partitions[].partition", "integer", "partition number"),
                field("partitions[].offset", "integer|null", "with POS only: the offset POS resolves to "
                    + "(newest + 1 when no message is there yet); null when unknown"),
                field("partitions[].time", "string|null", "with POS only: the timestamp of the message at "
                    + "offset, RFC 3339 UTC; null when there is none"),
                field("partitions[].oldest", "integer|null", "first retained offset; null when empty or "
                    + "unknown"),
                field("partitions[].newest", "integer|null", "newest offset (-1: empty); null when unknown"),
                field("partitions[].high_watermark", "integer|null", "last committed offset; null when "
                    + "unknown"),
                field("partitions[].note", "string|null", "why the partition could not be read (paused, "
                    + "or the error); null when it was")),
            List.of());

    static final Schema CLUSTER_INFO = new Schema("lb cluster info: one object", false, List.of(),
            List.of(field("brokers", "[object]", "one per broker, by id"),
                field("brokers[].id", "string", "broker id"),
                field("brokers[].host", "string", "host clients connect to"),
                field("brokers[].port", "integer", "gRPC port"),
                field("brokers[].partitions", "integer", "partitions it holds a replica of"),
                field("brokers[].leaders", "integer", "partitions it leads"),
                field("streams", "integer", "number of streams, internal ones included"),
                field("partitions", "integer", "number of partitions of all streams")),
            List.of());

    static final Schema CLUSTER_HEALTH = new Schema("lb cluster health: one object (--watch: a JSON line "
            + "or YAML document per check)", false, List.of(),
            List.of(field("healthy", "boolean", "reachable, every partition led, every ISR full"),
                field("reachable", "boolean", "whether a broker answered"),
                field("brokers", "integer", "brokers in the cluster (0 when unreachable)"),
                field("partitions", "integer", "partitions of all streams"),
                field("leaderless", "integer", "partitions without a leader"),
                field("under_replicated", "integer", "partitions whose ISR is smaller than their replicas"),
                field("time", "string", "when the check ran (ISO-8601, UTC)"),
                field("error", "string", "why no broker answered (only when unreachable)")),
            List.of());

    static final Schema ACTIVITY_TAIL = new Schema("lb activity tail: one JSON line or YAML document per "
            + "event", false, List.of(),
            List.of(field("offset", "integer", "offset in the __activity stream"),
                field("time", "string", "when the broker stored the event (ISO-8601, UTC)"),
                field("id", "integer", "event id; -1 when the event could not be decoded"),
                field("op", "string", "operation, e.g. CREATE_STREAM; UNDECODABLE when it could not be "
                    + "decoded"),
                field("detail", "string", "the event's other fields in protobuf text format (or why it "
                    + "could not be decoded)")),
            List.of());

    static final Schema VERSION = new Schema("lb version: one object", false, List.of(),
            List.of(field("version", "string", "lb's version"),
                field("commit", "string", "git commit of the build, or unknown"),
                field("built", "string", "build time (ISO-8601, UTC)"),
                field("java", "string", "version of the running Java")),
            List.of());

    private static List<Schema.Field> cursorFields(String offsetMeaning) {
        return List.of(field("id", "string", "cursor id"),
                field("stream", "string", "stream the cursor is on"),
                field("partition", "integer", "partition number"),
                field("offset", "integer", offsetMeaning));
    }

    static final Schema CURSOR_GET = new Schema("lb cursor get: one object", false, List.of(),
            cursorFields("last processed offset (the consumer resumes after it); -1 when the cursor has none"),
            List.of("The text format prints the offset alone."));

    static final Schema CURSOR_LIST = new Schema("lb cursor list: an array, one object per cursor", true, List.of(),
            cursorFields("last processed offset (the consumer resumes after it)"), List.of());

    static final Schema BROKER_CONFIG_PRINT = new Schema("lb broker config print: one object (yaml is the default)",
            false, List.of(),
            List.of(field("KEY", "scalar|list", "every setting that has a value, by its dotted name (e.g. "
                    + "streams.retention.max.age); durations in Go syntax (168h0m0s)")),
            List.of("The YAML form is itself a valid configuration file; --format text adds",
                "each value's source."));

    static final Schema BROKER_CONFIG_VALIDATE = new Schema("lb broker config validate: one object", false, List.of(),
            List.of(field("file", "string", "the file checked"),
                field("valid", "boolean", "true when there is no problem (exit 0; else 2)"),
                field("errors", "[object]", "the problems, by line"),
                field("errors[].line", "integer|null", "line in the file; null when unknown"),
                field("errors[].key", "string|null", "the setting; null when the problem is not one setting's"),
                field("errors[].message", "string", "what is wrong and what would be right")),
            List.of());

    /** A context's fields: its name, {@code extra}, then each setting a context file may hold. */
    private static List<Schema.Field> contextFields(Schema.Field... extra) {
        List<Schema.Field> f = new java.util.ArrayList<>();
        f.add(field("name", "string", "context name"));
        f.addAll(List.of(extra));
        f.addAll(List.of(field("servers", "string", "brokers, HOST:PORT[,HOST:PORT...]"),
                field("timeout", "string", "deadline of each call, e.g. 5s (when set)"),
                field("description", "string", "what the context is for (when set)"),
                field("tls", "string", "\"true\" or \"false\" (when set)"),
                field("tls-ca", "string", "PEM CA certificates file (when set)"),
                field("tls-cert", "string", "PEM client certificate file (when set)"),
                field("tls-key", "string", "PEM private key file (when set)")));
        return List.copyOf(f);
    }

    static final Schema CONTEXT_LIST = new Schema("lb context list: an array, one object per context", true, List.of(),
            contextFields(field("selected", "boolean", "whether it is the selected context")), List.of());

    static final Schema CONTEXT_SHOW = new Schema("lb context show: one object, the context's settings", false,
            List.of(), contextFields(), List.of());

    static final Schema CONTEXT_SHOW_RESOLVED = new Schema(
            "lb context show --resolved: one object, every effective setting", false, List.of(),
            List.of(field("SETTING", "object", "context, servers, timeout, tls, tls-ca, tls-cert, tls-key"),
                field("SETTING.value", "string", "the value in effect (\"\" when unset)"),
                field("SETTING.source", "string", "where it comes from: flag, env NAME, context NAME, file, "
                    + "default")),
            List.of());

    static final Schema GROUP_LIST = new Schema("lb group list: an array, one object per group", true, List.of(),
            List.of(field("group", "string", "group id"),
                field("active", "boolean", "whether it has members now"),
                field("coordinator", "string|null", "broker coordinating it; null when inactive"),
                field("epoch", "integer", "its current epoch"),
                field("members", "integer|null", "member count; null when unknown (activity stream off)"),
                field("lag", "integer", "total lag over its partitions")),
            List.of());

    static final Schema GROUP_DESCRIBE = new Schema("lb group describe: one object", false, List.of(),
            List.of(field("group", "string", "group id"),
                field("active", "boolean", "whether it has members now"),
                field("coordinator", "string|null", "broker coordinating it; null when inactive"),
                field("epoch", "integer|null", "its current epoch; null when inactive"),
                field("members", "object|null", "member id -> streams; null when unknown (activity stream off)"),
                field("members.ID", "[string]", "the streams that member consumes"),
                field("lag", "integer", "total lag over the partitions shown"),
                field("partitions", "[object]", "one per partition (with --lag-only: those with lag)"),
                field("partitions[].stream", "string", "stream name"),
                field("partitions[].partition", "integer", "partition number"),
                field("partitions[].member", "string|null", "member holding it; null when unknown"),
                field("partitions[].committed", "integer", "last checkpointed offset (-1: none)"),
                field("partitions[].highWatermark", "integer", "partition's high watermark (-1: empty)"),
                field("partitions[].lag", "integer", "messages after the checkpoint")),
            List.of());

    static final Schema GROUP_SEEK = new Schema("lb group seek: an array, the plan, one object per partition", true,
            List.of(),
            List.of(field("stream", "string", "stream name"),
                field("partition", "integer", "partition number"),
                field("current", "integer", "checkpoint now, the last processed offset (-1: none)"),
                field("new", "integer", "checkpoint to store (written only with --execute)"),
                field("resumeAt", "integer", "offset members resume at: new + 1")),
            List.of());

    static final Schema BENCH = new Schema("lb bench pub|sub|e2e|rtt: one object, the run's summary", false,
            List.of(),
            List.of(field("workload", "string", "pub, sub, e2e or rtt"),
                field("target", "string", "lb, or jetstream with --jetstream"),
                field("path", "string", "grpc or nats (lb pub and e2e); \"\" otherwise"),
                field("stream", "string", "stream used"),
                field("clients", "integer", "publishers (sub: readers, one per partition)"),
                field("partitions", "integer", "partitions used"),
                field("size", "integer", "message value size, bytes"),
                field("window", "integer", "publishes outstanding per client (sub: flow-control window)"),
                field("ack", "string", "leader, all or none (lb); \"\" for JetStream"),
                field("rate", "number", "total messages per second asked for with --rate; 0 without"),
                field("messages", "integer", "messages measured: acknowledged, read, delivered or round trips"),
                field("seconds", "number", "measured time"),
                field("msgs_per_sec", "number", "messages per second"),
                field("mb_per_sec", "number", "value megabytes (10^6 bytes) per second"),
                field("client_cpu_us_per_msg", "number", "CPU time of the bench process per message "
                    + "(user + system, every thread, JIT and GC included) over the measured run; -1 when "
                    + "the JVM does not tell"),
                field("latency_us", "object", "latency in microseconds; empty when none was measured"),
                field("latency_us.STAT", "number", "min, avg, stddev, p50, p90, p95, p99, p99.9, p99.99, max"),
                field("latency_from_scheduled_send", "boolean", "true with --rate: latency counts from the "
                    + "scheduled send time (no coordinated omission)"),
                field("per_client_msgs_per_sec", "[number]", "each client's messages per second"),
                field("sent", "integer", "messages sent"),
                field("missing", "integer", "sent but never acknowledged or received, plus gaps in offsets; "
                    + "-1 when not checked"),
                field("duplicates", "integer", "messages or offsets seen more than once"),
                field("errors", "integer", "failed sends or reads"),
                field("first_error", "string", "the first failure (only when errors > 0)"),
                field("complete", "boolean", "every message accounted for exactly once (exit 5 when false)"),
                field("verified", "boolean", "whether completeness could be checked (not for pub with --ack "
                    + "none)")),
            List.of("--csv FILE appends the main figures as a CSV row (latency_us.p50 as",
                "lat_p50_us, and so on)."));

    /**
     * The machine output of each command with {@code --format}, by command path without the
     * leading {@code lb} ({@code "stream list"}); what {@code --format help} prints.
     */
    static final Map<String, List<Schema>> SCHEMAS = Map.ofEntries(
            Map.entry("tail", List.of(ENVELOPE)),
            Map.entry("replay", List.of(ENVELOPE)),
            Map.entry("get", List.of(ENVELOPE)),
            Map.entry("stream list", List.of(STREAM_LIST)),
            Map.entry("stream describe", List.of(STREAM_DESCRIBE)),
            Map.entry("stream offsets", List.of(STREAM_OFFSETS)),
            Map.entry("cluster info", List.of(CLUSTER_INFO)),
            Map.entry("cluster health", List.of(CLUSTER_HEALTH)),
            Map.entry("activity tail", List.of(ACTIVITY_TAIL)),
            Map.entry("version", List.of(VERSION)),
            Map.entry("cursor get", List.of(CURSOR_GET)),
            Map.entry("cursor list", List.of(CURSOR_LIST)),
            Map.entry("broker config print", List.of(BROKER_CONFIG_PRINT)),
            Map.entry("broker config validate", List.of(BROKER_CONFIG_VALIDATE)),
            Map.entry("context list", List.of(CONTEXT_LIST)),
            Map.entry("context show", List.of(CONTEXT_SHOW, CONTEXT_SHOW_RESOLVED)),
            Map.entry("group list", List.of(GROUP_LIST)),
            Map.entry("group describe", List.of(GROUP_DESCRIBE)),
            Map.entry("group seek", List.of(GROUP_SEEK)),
            Map.entry("bench pub", List.of(BENCH)),
            Map.entry("bench sub", List.of(BENCH)),
            Map.entry("bench e2e", List.of(BENCH)),
            Map.entry("bench rtt", List.of(BENCH)));

    /** The order the other commands' shapes appear in {@code lb help formats}. */
    private static final List<Schema> OTHERS = List.of(STREAM_LIST, STREAM_DESCRIBE, STREAM_OFFSETS, CLUSTER_INFO,
            CLUSTER_HEALTH, CURSOR_GET, CURSOR_LIST, BROKER_CONFIG_PRINT, BROKER_CONFIG_VALIDATE, CONTEXT_LIST,
            CONTEXT_SHOW, CONTEXT_SHOW_RESOLVED, GROUP_LIST, GROUP_DESCRIBE, GROUP_SEEK, ACTIVITY_TAIL, BENCH,
            VERSION);

    private static final String MESSAGE_FORMATS = """
            MESSAGE FORMATS (lb tail, lb replay, lb get: -f/--format)

              pretty   one line per message (default on a terminal):
                       orders[0]@42  2025-03-02T10:14:07.123Z  key=k1  hello
                       -v adds the headers below it.
              raw      the value's bytes and "\\n" (default when piped); -D DELIM changes
                       the "\\n", -K DELIM prints the key and DELIM before the value.
              json     one indented JSON envelope per message (below).
              jsonl    one JSON envelope per line; lb publish --input jsonl reads it back.
              TEMPLATE anything containing %: the tokens below, e.g. -f '%p@%o %k=%v\\n'

            TEMPLATE TOKENS (rpk style; kcat's differ, see the table after)

              %s  stream            %p  partition         %o  offset
              %k  key               %K  key length        %v  value
              %V  value length      %S  NATS subject      %c  correlation id
              %H  header count      %n  message number (from 1 in this run)
              %d  timestamp, epoch milliseconds
                  %d{ms}  epoch ms    %d{ns}  epoch ns    %d{iso}  RFC 3339 (UTC)
                  %d{strftime:%F %T}  strftime-style pattern (UTC)
              %h{...}  the inner template once per header, with %k its name and %v
                       its value, e.g. %h{%k=%v;}
              %k, %v take a modifier: %v{hex}, %v{base64}, %v{json} (JSON text as is,
                       anything else as a JSON string)
              %%  a percent sign
              escapes: \\n \\r \\t \\\\ \\xNN

            FROM KCAT (-f) TO LB

              kcat      lb              meaning
              %t        %s              topic / stream
              %p        %p              partition
              %o        %o              offset
              %k        %k              key
              %K        %K              key length (kcat -1 for no key, lb 0)
              %s        %v              payload / value
              %S        %V              payload / value length
              %T        %d              timestamp, epoch ms (also %d{ms})
              %h        %h{%k=%v,}      headers (kcat: n=v, comma-separated)
              %R        (none)          binary length prefix: use jsonl for framing
              \\n \\t \\xNN  the same     escapes

            VALUE ENCODINGS (--key-encoding, --value-encoding; json, jsonl, templates)

              auto     UTF-8 text, or base64 when the bytes are not valid UTF-8 (default)
              utf8     text; bytes that are not UTF-8 fall back to base64
              base64   always base64
              hex      lower-case hex
              json     values only: embed a JSON value as is (not as a string); values
                       that are not JSON are written as text
              The JSON envelope names the encoding used for every field, so binary data
              round-trips byte for byte.

            """;

    static final String FORMATS = MESSAGE_FORMATS + ENVELOPE.render() + "\n"
            + "OTHER COMMANDS' JSON (--json or --format json; --format yaml: the same tree)\n\n"
            + String.join("\n", OTHERS.stream().map(Schema::render).toList())
            + "\nlb COMMAND --format help prints the shape of that command's output.\n";

    static final String EXAMPLES = """
            EXAMPLES (lb help formats for output formats; lb COMMAND --help for all flags)

            Start a local broker and point lb at it
              lb broker start --dev
              lb cluster health --watch --exit-when-healthy

            Create streams
              lb stream create orders -p 3
              lb stream create audit --retention-age 30d --retention-bytes 10GiB
              lb stream create events --if-not-exists

            Look at streams
              lb stream list
              lb stream describe orders
              lb stream describe orders --json

            Publish
              lb publish orders 'hello'
              lb publish orders -k user-7 -H trace=abc --ack all 'order placed'
              lb publish orders -p 2 'to partition 2'
              lb publish orders --partition-by key -k user-7 'routed by key'
              lb publish orders -K ':' < keyed.txt
              lb publish orders --input raw < blob.bin
              lb publish orders --file a.json --file b.json
              lb publish orders --count 1000 'msg {{n}} at {{time}}'

            Read
              lb tail orders
              lb tail orders -n 10
              lb tail orders --from earliest
              lb replay orders
              lb replay orders -o @-1h:end
              lb replay orders -o 100:200 -p 0
              lb get orders 42 -p 1

            Dump a stream and load it elsewhere
              lb replay orders --format jsonl > orders.jsonl
              lb publish orders-copy --create --input jsonl < orders.jsonl

            Pipe values to other tools
              lb replay orders --format raw | wc -l
              lb replay orders -f '%p@%o %k=%v\\n'

            Consumer groups
              lb tail orders --group billing
              lb group list
              lb group describe billing
              lb group seek billing --to earliest
              lb group seek billing --to earliest --execute

            Cursors
              lb cursor get --id worker-1 orders -p 0
              lb cursor set --id worker-1 orders -p 0 --offset 41
              lb cursor list

            Contexts (saved connection settings)
              lb context add prod -s b1:9292,b2:9292 --timeout 3s --select
              lb context list
              lb context use prod
              lb context show --resolved
              lb context rm prod

            Scripting
              lb replay orders --exit-empty 7
              lb cluster health --check
              lb -q stream delete old-orders -y

            Shell and completion
              lb shell
              lb completion bash
              lb completion fish
            """;
}
