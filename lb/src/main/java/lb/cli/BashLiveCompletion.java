package lb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of the bash (and zsh, through bashcompinit) completion script that picocli's
 * generator cannot write: live stream, partition, context and group names from
 * {@code lb __complete}. Appended after picocli's script; it registers {@code _lb_complete_live}
 * for {@code lb}, which walks the words itself (tables from a {@link CompletionTree}) and,
 * when the word being completed is a slot with live values, answers from {@code lb __complete};
 * otherwise it hands over to picocli's {@code _complete_lb}. Stateless.
 */
final class BashLiveCompletion {

    private BashLiveCompletion() {
    }

    /** The script text for {@code tree}, calling picocli's {@code _complete_<name>} as the fallback. */
    static String script(String name, CompletionTree tree) {
        String fn = "_" + name.replace('-', '_');
        StringBuilder sb = new StringBuilder();
        sb.append("\n# --- Live names: added by lb to picocli's script (generated too; do not edit). ---\n");
        sb.append("# Stream, partition, context and group values come from '").append(name)
                .append(" __complete', which answers from a local cache within about 200 ms or prints nothing.\n\n");
        // The subcommand a word names under a path, in _lb_r ("" for none); no subshells, so a
        // key press costs no forks until the one call of lb __complete.
        sb.append("function ").append(fn).append("_child() {\n  case \"$1/$2\" in\n");
        tree.children.forEach((k, v) -> sb.append("    ").append(quote(k)).append(") ").append(fn)
                .append("_r=").append(quote(v)).append(" ;;\n"));
        sb.append("    *) ").append(fn).append("_r=\"\" ;;\n  esac\n}\n\n");
        sb.append("function ").append(fn).append("_valued() {\n  case \"$1/$2\" in\n");
        List<String> valued = tree.valued.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(o -> quote(e.getKey() + "/" + o))).toList();
        if (!valued.isEmpty()) {
            sb.append("    ").append(String.join("|", valued)).append(") return 0 ;;\n");
        }
        sb.append("  esac\n  return 1\n}\n\n");
        Map<String, StringBuilder> byKind = new LinkedHashMap<>();
        tree.live.forEach((slot, kind) -> {
            StringBuilder b = byKind.computeIfAbsent(kind, k -> new StringBuilder());
            b.append(b.isEmpty() ? "" : "|").append(quote(slot));
        });
        sb.append("function ").append(fn).append("_live_kind() {\n  case \"$1|$2\" in\n");
        byKind.forEach((kind, slots) -> sb.append("    ").append(slots).append(") ").append(fn).append("_r=")
                .append(kind).append(" ;;\n"));
        sb.append("    *) ").append(fn).append("_r=\"\" ;;\n  esac\n}\n\n");
        sb.append("""
                function FN_complete_live() {
                  # Not "path": in zsh (bashcompinit) that is PATH as an array.
                  local cur=${COMP_WORDS[COMP_CWORD]}
                  local cmdpath="" skip=0 npos=0 pos0="" w i
                  for (( i=1; i<COMP_CWORD; i++ )); do
                    w=${COMP_WORDS[i]}
                    if (( skip )); then
                      skip=0
                      continue
                    fi
                    if [[ $w == : ]]; then
                      skip=1 # HOST:PORT is split at ':' by COMP_WORDBREAKS: skip ':' and the port
                      continue
                    fi
                    if [[ $w == -* ]]; then
                      if [[ $w != *=* ]] && FN_valued "$cmdpath" "$w"; then
                        skip=1
                      fi
                      continue
                    fi
                    if (( npos == 0 )); then
                      FN_child "$cmdpath" "$w"
                      if [[ -n $FN_r ]]; then
                        cmdpath=$FN_r
                        continue
                      fi
                      pos0=$w
                    fi
                    (( npos++ ))
                  done
                  local slot=""
                  if (( skip )); then
                    slot="opt:${COMP_WORDS[COMP_CWORD-1]}"
                  elif [[ $cur != -* ]]; then
                    slot="pos:$npos"
                  fi
                  FN_live_kind "$cmdpath" "$slot"
                  if [[ -n $FN_r ]]; then
                    local names=""
                    if [[ $FN_r != partitions ]]; then
                      names=$("${COMP_WORDS[0]}" __complete "$FN_r" 2>/dev/null)
                    elif [[ -n $pos0 ]]; then
                      names=$("${COMP_WORDS[0]}" __complete partitions "$pos0" 2>/dev/null)
                    fi
                    local IFS=$'\\n'
                    COMPREPLY=( $(compgen -W "$names" -- "$cur") )
                    return 0
                  fi
                  _complete_CMD "$@"
                }

                complete -F FN_complete_live -o default CMD
                """.replace("FN", fn).replace("CMD", name));
        return sb.toString();
    }

    /** A bash single-quoted word. */
    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
