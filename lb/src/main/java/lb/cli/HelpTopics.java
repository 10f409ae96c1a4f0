package lb.cli;

/**
 * The texts of {@code lb help formats} and {@code lb help examples}. Plain text, 80 columns.
 * Every line of EXAMPLES that starts with {@code lb } parses against the command tree (a test
 * checks), so the recipes cannot drift from the commands.
 */
final class HelpTopics {

    private HelpTopics() {
    }

    static final String FORMATS = """
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

            JSON ENVELOPE (json, jsonl; version 1; the shape never depends on other flags)

              {"stream":"orders","partition":0,"offset":42,
               "timestamp":1740910447123,"time":"2025-03-02T10:14:07.123Z",
               "subject":"orders",
               "key":"k1","key_encoding":"utf8",
               "headers":{"trace":"abc"},"headers_encoding":"utf8",
               "value":"hello","value_encoding":"utf8",
               "correlation_id":null,"reply_inbox":null}

              stream, subject          string
              partition, offset        integer
              timestamp                integer, epoch milliseconds
              time                     string, RFC 3339 UTC with milliseconds
              key                      string, or null for a keyless message
              key_encoding             utf8 | base64 | hex, or null with a null key
              headers                  object: name -> value encoded as headers_encoding
              headers_encoding         utf8 | base64 (base64 when any value is not UTF-8)
              value                    string, or any JSON value when value_encoding is json
              value_encoding           utf8 | base64 | hex | json
              correlation_id           string or null
              reply_inbox              string or null
              lb publish --input jsonl reads these objects; only value is required, and
              a missing encoding means utf8.

            OTHER COMMANDS' JSON (--json or --format json)

              lb stream list: an array of
                {"name":string,"subject":string,"partitions":integer,
                 "created":RFC 3339 string}
              lb stream describe: one object
                {"name":string,"subject":string,"created":RFC 3339 string,
                 "partitions":[{"id":integer,"leader":string,"replicas":[string],
                   "isr":[string],"high_watermark":integer,"newest_offset":integer,
                   "paused":boolean,"readonly":boolean,
                   "last_received":RFC 3339 string or null}]}
              lb context list: an array of {"name","selected",...the context's settings}
            """;

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
