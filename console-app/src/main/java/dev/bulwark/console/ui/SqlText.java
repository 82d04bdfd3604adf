package dev.bulwark.console.ui;

import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.ArrayList;
import java.util.List;

/** SQL shown with highlighting, as a {@link TextFlow} of styled {@link Text} runs. */
public final class SqlText {
    /** Long statements are shown cut, so one pasted dump cannot stall the UI thread with layout. */
    static final int MAX_CHARS = 20_000;

    private SqlText() {}

    /** A new flow showing {@code sql}. */
    public static TextFlow flow(String sql) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().addAll(Css.SQL, Css.MONO);
        show(flow, sql);
        return flow;
    }

    /** Replaces what {@code flow} shows with {@code sql} (null or empty shows nothing). */
    public static void show(TextFlow flow, String sql) {
        flow.getChildren().setAll(texts(sql));
    }

    static List<Text> texts(String sql) {
        List<Text> texts = new ArrayList<>();
        if (sql == null || sql.isEmpty()) {
            return texts;
        }
        boolean cut = sql.length() > MAX_CHARS;
        for (SqlHighlighter.Token token : SqlHighlighter.tokenize(cut ? sql.substring(0, MAX_CHARS) : sql)) {
            Text text = new Text(token.text());
            text.getStyleClass().add(token.kind().styleClass());
            texts.add(text);
        }
        if (cut) {
            Text more = new Text("\n… " + (sql.length() - MAX_CHARS) + " more characters not shown");
            more.getStyleClass().add(Css.SQL_COMMENT);
            texts.add(more);
        }
        return texts;
    }
}
