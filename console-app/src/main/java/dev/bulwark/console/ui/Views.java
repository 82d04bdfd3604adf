package dev.bulwark.console.ui;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/** Small builders the views share, so ids, classes and tooltips are set the same way everywhere. */
public final class Views {
    private Views() {}

    public static <T extends Node> T id(T node, String id) {
        node.setId(id);
        return node;
    }

    public static Label label(String id, String styleClass) {
        Label label = new Label();
        label.setId(id);
        if (styleClass != null) {
            label.getStyleClass().add(styleClass);
        }
        return label;
    }

    public static Label text(String text, String styleClass) {
        Label label = new Label(text);
        if (styleClass != null) {
            label.getStyleClass().add(styleClass);
        }
        return label;
    }

    public static Button button(String id, String text, String tooltip) {
        Button button = new Button(text);
        button.setId(id);
        if (tooltip != null) {
            button.setTooltip(tooltip(tooltip));
        }
        return button;
    }

    public static Tooltip tooltip(String text) {
        Tooltip tooltip = new Tooltip(text);
        tooltip.setShowDelay(Duration.millis(300));
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(420);
        return tooltip;
    }

    public static Region spacer() {
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return spacer;
    }

    public static HBox toolbar(Node... nodes) {
        HBox box = new HBox(8, nodes);
        box.getStyleClass().add(Css.TOOLBAR);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }

    /** A tooltip whose text follows a property (an empty text shows the fallback). */
    public static void bindTooltip(javafx.scene.control.Control control, javafx.beans.value.ObservableStringValue text,
            String fallback) {
        Tooltip tooltip = tooltip(fallback);
        control.setTooltip(tooltip);
        tooltip.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> text.get() == null || text.get().isEmpty() ? fallback : text.get(), text));
    }
}
