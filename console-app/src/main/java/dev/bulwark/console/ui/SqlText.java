package dev.bulwark.console.ui;

import dev.bulwark.model.SafeText;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL from clients shown with highlighting, as a {@link TextFlow} of styled {@link Text} runs,
 * through the one renderer of untrusted text ({@link SafeText}): controls, bidi and invisible
 * characters appear as escapes such as {@code «U+202E»} in their own style ({@link Css#SQL_ESCAPE}).
 *
 * <p>A statement is shown whole, however long (the view scrolls): what a reviewer approves is what
 * runs, so nothing is elided. To keep layout cheap for huge texts, only the first
 * {@link #HIGHLIGHTED_RUNS} runs are highlighted as SQL; after that the text is split only where
 * escapes are (so they keep their style), and after {@link #MAX_RUNS} runs the rest is one run, its
 * escapes still written out.
 */
public final class SqlText {
    public static final int HIGHLIGHTED_RUNS = 3_000;
    /** Past this many runs the rest is one run: its escapes are written out but not styled. */
    public static final int MAX_RUNS = 6_000;

    private SqlText() {}

    /** A new flow showing {@code sql}. */
    public static TextFlow flow(String sql) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().addAll(Css.SQL, Css.MONO);
        show(flow, sql);
        return flow;
    }

    /** Replaces what {@code flow} shows with all of {@code sql}, line breaks kept (null or empty shows nothing). */
    public static void show(TextFlow flow, String sql) {
        flow.getChildren().setAll(texts(sql, SafeText.Layout.BLOCK, 0));
    }

    /**
     * One line for lists: runs of white space as one space, at most {@code max} characters shown,
     * and a cut said explicitly ({@code …«+1234 chars»}).
     */
    public static void showLine(TextFlow flow, String sql, int max) {
        String flat = sql == null ? "" : sql.replaceAll("[ \\t\\n]+", " ").strip();
        flow.getChildren().setAll(texts(flat, SafeText.Layout.LINE, max));
    }

    /** The runs; {@code max} code points shown at most (0: all). */
    static List<Text> texts(String sql, SafeText.Layout layout, int max) {
        Runs runs = new Runs(sql == null ? "" : sql, layout, max);
        runs.build();
        return runs.texts;
    }

    /** Builds the runs of one text, walking it code point by code point so a cut knows what is left. */
    private static final class Runs {
        final List<Text> texts = new ArrayList<>();
        private final String sql;
        private final SafeText.Layout layout;
        private final int max;
        private final StringBuilder pending = new StringBuilder();
        private String pendingStyle;
        private int shown;

        Runs(String sql, SafeText.Layout layout, int max) {
            this.sql = sql;
            this.layout = layout;
            this.max = max;
        }

        void build() {
            if (sql.isEmpty()) {
                return;
            }
            int index = 0;
            for (SqlHighlighter.Token token : SqlHighlighter.tokenize(sql)) {
                String style = texts.size() >= HIGHLIGHTED_RUNS ? Css.SQL_PLAIN : token.kind().styleClass();
                String text = token.text();
                for (int i = 0; i < text.length(); ) {
                    if (texts.size() >= MAX_RUNS - 2) {
                        // The rest as one run: its escapes written out, not styled (layout stays bounded).
                        flush();
                        String rest = sql.substring(index + i);
                        texts.add(text(max > 0 ? SafeText.excerpt(rest, Math.max(1, max - shown)) : SafeText.render(rest, layout),
                                Css.SQL_PLAIN));
                        return;
                    }
                    int codePoint = text.codePointAt(i);
                    boolean escape = SafeText.needsEscape(codePoint, layout);
                    String piece = escape ? SafeText.escape(codePoint) : new String(Character.toChars(codePoint));
                    int length = escape ? piece.length() : 1;
                    if (max > 0 && shown + length > max) {
                        flush();
                        texts.add(text("…" + SafeText.OPEN + "+" + sql.codePointCount(index + i, sql.length()) + " chars"
                                + SafeText.CLOSE, Css.SQL_CUT));
                        return;
                    }
                    append(piece, escape ? Css.SQL_ESCAPE : style);
                    shown += length;
                    i += Character.charCount(codePoint);
                }
                index += text.length();
                flush();
            }
            flush();
        }

        private void append(String piece, String style) {
            if (!style.equals(pendingStyle)) {
                flush();
                pendingStyle = style;
            }
            pending.append(piece);
        }

        private void flush() {
            if (!pending.isEmpty()) {
                texts.add(text(pending.toString(), pendingStyle));
                pending.setLength(0);
            }
            pendingStyle = null;
        }
    }

    /** A run of one line of a statement: its text (escapes written out) and its style class. */
    public record StyledRun(String text, String styleClass) {}

    /** Past this many runs on one line, the rest of the line is one run (escapes written out, not styled). */
    static final int MAX_RUNS_PER_LINE = 2_000;

    /**
     * A statement view for texts of any length: a list of its lines, laid out only where visible,
     * so a 100 KiB statement shows at once and scrolls, whole, with every escape styled.
     */
    public static ListView<List<StyledRun>> view() {
        ListView<List<StyledRun>> view = new ListView<>();
        view.getStyleClass().addAll(Css.SQL, Css.MONO, Css.SQL_LINES);
        view.setFocusTraversable(false);
        view.setCellFactory(list -> new LineCell(list));
        return view;
    }

    /** Shows all of {@code sql} in a {@link #view()}, line breaks kept (null or empty shows nothing). */
    public static void show(ListView<List<StyledRun>> view, String sql) {
        view.getItems().setAll(lines(sql));
        view.scrollTo(0);
    }

    /** The text a view holds, its lines joined: what the reviewer can scroll through. */
    public static String shownText(ListView<List<StyledRun>> view) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < view.getItems().size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            view.getItems().get(i).forEach(run -> text.append(run.text()));
        }
        return text.toString();
    }

    /** The statement's lines as styled runs: SQL highlighting across lines, escapes in their own style. */
    static List<List<StyledRun>> lines(String sql) {
        List<List<StyledRun>> lines = new ArrayList<>();
        if (sql == null || sql.isEmpty()) {
            return lines;
        }
        List<StyledRun> line = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        String pendingStyle = null;
        for (SqlHighlighter.Token token : SqlHighlighter.tokenize(sql)) {
            String text = token.text();
            for (int i = 0; i < text.length(); ) {
                int codePoint = text.codePointAt(i);
                i += Character.charCount(codePoint);
                if (codePoint == '\n') {
                    if (!pending.isEmpty()) {
                        line.add(new StyledRun(pending.toString(), pendingStyle));
                        pending.setLength(0);
                    }
                    lines.add(capped(line));
                    line = new ArrayList<>();
                    continue;
                }
                boolean escape = SafeText.needsEscape(codePoint, SafeText.Layout.BLOCK);
                String style = escape ? Css.SQL_ESCAPE : token.kind().styleClass();
                if (!style.equals(pendingStyle) && !pending.isEmpty()) {
                    line.add(new StyledRun(pending.toString(), pendingStyle));
                    pending.setLength(0);
                }
                pendingStyle = style;
                if (escape) {
                    pending.append(SafeText.escape(codePoint));
                } else {
                    pending.appendCodePoint(codePoint);
                }
            }
            if (!pending.isEmpty()) {
                line.add(new StyledRun(pending.toString(), pendingStyle));
                pending.setLength(0);
            }
        }
        lines.add(capped(line));
        return lines;
    }

    private static List<StyledRun> capped(List<StyledRun> line) {
        if (line.size() <= MAX_RUNS_PER_LINE) {
            return List.copyOf(line);
        }
        List<StyledRun> capped = new ArrayList<>(line.subList(0, MAX_RUNS_PER_LINE - 1));
        StringBuilder rest = new StringBuilder();
        line.subList(MAX_RUNS_PER_LINE - 1, line.size()).forEach(run -> rest.append(run.text()));
        capped.add(new StyledRun(rest.toString(), Css.SQL_PLAIN));
        return List.copyOf(capped);
    }

    /** One line of a statement, wrapped to the view's width. */
    private static final class LineCell extends ListCell<List<StyledRun>> {
        private final TextFlow flow = new TextFlow();

        LineCell(ListView<List<StyledRun>> list) {
            flow.getStyleClass().add(Css.SQL);
            flow.prefWidthProperty().bind(list.widthProperty().subtract(28));
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(List<StyledRun> runs, boolean empty) {
            super.updateItem(runs, empty);
            if (empty || runs == null) {
                setGraphic(null);
                return;
            }
            List<Text> texts = new ArrayList<>(runs.size() + 1);
            for (StyledRun run : runs) {
                texts.add(text(run.text(), run.styleClass()));
            }
            if (texts.isEmpty()) {
                texts.add(text(" ", Css.SQL_PLAIN)); // an empty line keeps its height
            }
            flow.getChildren().setAll(texts);
            setGraphic(flow);
        }
    }

    private static Text text(String text, String styleClass) {
        Text node = new Text(text);
        node.getStyleClass().add(styleClass);
        return node;
    }
}
