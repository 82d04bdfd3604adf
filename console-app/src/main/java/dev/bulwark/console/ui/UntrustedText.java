package dev.bulwark.console.ui;

import dev.bulwark.model.SafeText;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * Text from clients outside SQL (bind values, result values, names) as a {@link TextFlow} whose
 * escapes ({@code «U+202E»}) are styled apart from the text, rendered by the one renderer
 * ({@link SafeText}). One line: line feeds are escaped too.
 */
public final class UntrustedText {
    static final int MAX_RUNS = 2_000;

    private UntrustedText() {}

    /** A bind value: NULL unquoted, a text quoted with its quotes doubled, so 'NULL' and NULL differ. */
    public static TextFlow value(String value) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().addAll(Css.SQL, Css.MONO, Css.UNTRUSTED);
        if (value == null) {
            flow.getChildren().add(text("NULL", Css.SQL_KEYWORD));
            return flow;
        }
        java.util.List<SafeText.Run> runs = SafeText.runs(value, SafeText.Layout.LINE);
        if (runs.size() > MAX_RUNS) {
            // Layout stays cheap; the escapes are still written out, only not styled.
            flow.getChildren().add(text(SafeText.value(value), Css.SQL_STRING));
            return flow;
        }
        flow.getChildren().add(text("'", Css.SQL_STRING));
        for (SafeText.Run run : runs) {
            flow.getChildren().add(run.escape() ? text(run.text(), Css.SQL_ESCAPE)
                    : text(run.text().replace("'", "''"), Css.SQL_STRING));
        }
        flow.getChildren().add(text("'", Css.SQL_STRING));
        return flow;
    }

    private static Text text(String text, String styleClass) {
        Text node = new Text(text);
        node.getStyleClass().add(styleClass);
        return node;
    }
}
