package lb.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.Widget;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

/**
 * Option hints as you type: after every edit or cursor move, the {@link Hints} for the word under
 * the cursor are shown in the terminal's status pane: two rows at the bottom of the screen,
 * reserved from installation until {@link #close()} (commands' output scrolls above them).
 *
 * <p>Why not JLine's TailTipWidgets: it takes over the reader's single autosuggestion slot
 * (TAIL_TIP or COMPLETER), which turns off the history suggestions of AutosuggestionWidgets, and
 * replaces the completion widgets. This class leaves both alone: it wraps the editing and
 * movement widgets (calling the wrapped widget first, so the history suggestion and tab
 * completion behave as before) and only writes to the status pane, which the line reader
 * already knows how to redraw around.
 *
 * <p>Threads: every method runs on JLine's reading thread (widgets) or on the shell's thread
 * between lines; not thread-safe otherwise.
 */
public final class HintPane {

    /** The widgets after which the word under the cursor may have changed. */
    private static final List<String> WRAPPED = List.of(
            LineReader.SELF_INSERT, LineReader.BACKWARD_DELETE_CHAR, LineReader.DELETE_CHAR,
            LineReader.BACKWARD_KILL_WORD, LineReader.KILL_WORD, LineReader.KILL_LINE, LineReader.BACKWARD_KILL_LINE,
            LineReader.KILL_WHOLE_LINE, LineReader.EXPAND_OR_COMPLETE, LineReader.COMPLETE_WORD,
            LineReader.MENU_COMPLETE, LineReader.FORWARD_CHAR, LineReader.BACKWARD_CHAR, LineReader.FORWARD_WORD,
            LineReader.BACKWARD_WORD, LineReader.BEGINNING_OF_LINE, LineReader.END_OF_LINE,
            LineReader.UP_LINE_OR_HISTORY, LineReader.DOWN_LINE_OR_HISTORY, LineReader.YANK);

    private static final AttributedStyle STYLE = AttributedStyle.DEFAULT.faint().italic();
    /** The pane's height: the hint and the command's synopsis. */
    private static final int ROWS = 2;

    private final LineReader reader;
    private final Hints hints;
    private final Status status;
    /** What the pane shows; null before the first draw. */
    private List<String> shown;

    private HintPane(LineReader reader, Hints hints, Status status) {
        this.reader = reader;
        this.hints = hints;
        this.status = status;
    }

    /**
     * Installs the hints on {@code reader}; call after other widget sets (e.g. autosuggestions)
     * so their widgets are wrapped too. On a terminal without scroll regions JLine's Status draws
     * nothing, and the shell works as without hints.
     */
    public static HintPane install(LineReader reader, Hints hints) {
        Status status = Status.getStatus(reader.getTerminal());
        HintPane pane = new HintPane(reader, hints, status);
        pane.clear(); // reserve the rows now, before the first prompt is drawn
        Map<String, Widget> widgets = reader.getWidgets();
        for (String name : WRAPPED) {
            Widget inner = widgets.get(name);
            if (inner == null) {
                continue;
            }
            widgets.put(name, () -> {
                boolean r = inner.apply();
                pane.update();
                return r;
            });
        }
        return pane;
    }

    /** Recomputes the hint from the buffer and the cursor; redraws the pane when it changed. */
    void update() {
        List<String> lines;
        String buffer = reader.getBuffer().toString();
        int cursor = reader.getBuffer().cursor();
        try {
            ParsedLine pl = reader.getParser().parse(buffer.substring(0, cursor), cursor, Parser.ParseContext.COMPLETE);
            List<String> words = pl.words().subList(0, Math.min(pl.wordIndex(), pl.words().size()));
            String current = pl.word() == null ? "" : pl.word().substring(0, Math.min(pl.wordCursor(), pl.word().length()));
            lines = hints.hint(words, current);
        } catch (SyntaxError e) {
            // An open quote while typing is normal, not an error: keep the last hint until it closes.
            return;
        }
        show(lines);
    }

    /** Blanks the pane (before a command runs); it keeps its two rows, so the prompt never jumps. */
    public void clear() {
        show(List.of());
    }

    /** Removes the pane and gives its rows back to the terminal (when the shell ends). */
    public void close() {
        status.update(List.of());
        status.close();
        reader.getTerminal().flush();
    }

    /**
     * Draws {@code lines} in the pane, which always has {@link #ROWS} rows once shown: reserving
     * rows scrolls the screen, so growing and shrinking with every hint would move the prompt.
     */
    private void show(List<String> lines) {
        if (lines.equals(shown)) {
            return;
        }
        shown = lines;
        int width = Math.max(10, reader.getTerminal().getWidth() - 1);
        List<AttributedString> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String l = i < lines.size() ? lines.get(i) : "";
            rows.add(new AttributedString(l.length() > width ? l.substring(0, width - 1) + "…" : l, STYLE));
        }
        status.update(rows);
        reader.getTerminal().flush();
    }
}
