package dev.bulwark.console.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableMap;
import javafx.geometry.HPos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import org.controlsfx.control.CheckComboBox;

import java.util.ArrayList;
import java.util.List;

/**
 * A two-column form (label, field) where each field may show a validation message under it, taken
 * from a map of problems by field key. Fields with a problem get the {@code :invalid} pseudo-class.
 */
public final class FormRows {
    private final GridPane grid = new GridPane();
    private final ObservableMap<String, String> errors;
    private int row;

    public FormRows(ObservableMap<String, String> errors) {
        this.errors = errors;
        grid.setHgap(10);
        grid.setVgap(4);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(120);
        labels.setHalignment(HPos.RIGHT);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, fields);
    }

    public GridPane grid() {
        return grid;
    }

    /** A section heading across both columns. */
    public Label section(String title) {
        Label label = Views.text(title, Css.SECTION_TITLE);
        GridPane.setHalignment(label, HPos.LEFT);
        label.setPadding(new javafx.geometry.Insets(8, 0, 0, 0));
        grid.add(label, 0, row++, 2, 1);
        return label;
    }

    /**
     * Adds a field; {@code errorKey} (may be null) names its entry in the problems map, and
     * {@code hint} (may be null) is shown under it while it has no problem.
     */
    public Node[] add(String title, Control field, String errorKey, String hint) {
        Label label = Views.text(title, Css.FIELD_LABEL);
        label.setLabelFor(field);
        // Beside a one-line field the label centres; beside a text area it sits at the top.
        GridPane.setValignment(label, field instanceof javafx.scene.control.TextArea ? VPos.TOP : VPos.CENTER);
        field.setMaxWidth(Double.MAX_VALUE);
        grid.add(label, 0, row);
        grid.add(field, 1, row++);
        List<Node> nodes = new ArrayList<>(List.of(label, field));
        if (errorKey != null || hint != null) {
            Label note = new Label();
            note.setWrapText(true);
            if (field.getId() != null) {
                note.setId(field.getId() + "Error");
            }
            if (errorKey != null) {
                var error = Bindings.stringValueAt(errors, errorKey);
                note.textProperty().bind(Bindings.when(error.isNull().or(error.isEmpty()))
                        .then(hint == null ? "" : hint).otherwise(error));
                Runnable restyle = () -> {
                    boolean invalid = errors.get(errorKey) != null;
                    field.pseudoClassStateChanged(Css.INVALID, invalid);
                    note.getStyleClass().setAll("label", invalid ? Css.FIELD_ERROR : Css.HINT);
                };
                error.addListener((observable, old, value) -> restyle.run());
                restyle.run();
            } else {
                note.setText(hint);
                note.getStyleClass().add(Css.HINT);
            }
            note.managedProperty().bind(note.textProperty().isNotEmpty().and(field.managedProperty()));
            note.visibleProperty().bind(note.managedProperty());
            grid.add(note, 1, row++);
            nodes.add(note);
        }
        return nodes.toArray(Node[]::new);
    }

    /**
     * Keeps a check combo box and comma-separated text in step, both ways; the box shows what is
     * checked, or {@code noneTitle} when nothing is.
     */
    public static void bindChecks(CheckComboBox<String> box, StringProperty text, String noneTitle) {
        boolean[] syncing = {false};
        Runnable retitle = () -> {
            List<String> checked = new ArrayList<>(box.getCheckModel().getCheckedItems());
            box.setTitle(checked.isEmpty() ? noneTitle : String.join(", ", checked));
        };
        Runnable fromText = () -> {
            syncing[0] = true;
            try {
                box.getCheckModel().clearChecks();
                if (text.get() != null) {
                    for (String part : text.get().split(",")) {
                        String item = part.strip();
                        for (String candidate : box.getItems()) {
                            if (candidate.equalsIgnoreCase(item)) {
                                box.getCheckModel().check(candidate);
                            }
                        }
                    }
                }
            } finally {
                syncing[0] = false;
            }
            retitle.run();
        };
        fromText.run();
        text.addListener((observable, old, value) -> {
            if (!syncing[0]) {
                fromText.run();
            }
        });
        box.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) change -> {
            if (!syncing[0]) {
                syncing[0] = true;
                try {
                    List<String> checked = new ArrayList<>();
                    for (String item : box.getItems()) {
                        if (box.getCheckModel().isChecked(item)) {
                            checked.add(item);
                        }
                    }
                    text.set(String.join(", ", checked));
                } finally {
                    syncing[0] = false;
                }
                retitle.run();
            }
        });
    }
}
