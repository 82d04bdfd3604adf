package dev.bulwark.console.ui;

import dev.bulwark.model.VerdictAction;
import javafx.scene.control.Label;

import java.util.Locale;

/** Small coloured labels for states and verdicts; the colours live in the stylesheets. */
public final class Pills {
    private Pills() {}

    /** A label styled as a pill of {@code prefix + value}. */
    public static Label pill(String prefix, String value, String text) {
        Label label = new Label();
        label.getStyleClass().add(Css.PILL);
        set(label, prefix, value, text);
        return label;
    }

    /** Restyles a pill (cells reuse their labels), replacing the previous {@code prefix*} class. */
    public static void set(Label label, String prefix, String value, String text) {
        label.getStyleClass().removeIf(styleClass -> styleClass.startsWith(prefix));
        if (value != null) {
            label.getStyleClass().add(prefix + value.toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        label.setText(text);
    }

    public static Label verdict(VerdictAction verdict) {
        return pill(Css.VERDICT_PREFIX, verdict.name(), verdictText(verdict));
    }

    public static void setVerdict(Label label, VerdictAction verdict) {
        set(label, Css.VERDICT_PREFIX, verdict == null ? null : verdict.name(), verdict == null ? "" : verdictText(verdict));
    }

    public static String verdictText(VerdictAction verdict) {
        return switch (verdict) {
            case ALLOW -> "allowed";
            case MASK -> "masked";
            case DENY -> "denied";
            case HOLD -> "held";
            case LOG -> "logged";
        };
    }
}
