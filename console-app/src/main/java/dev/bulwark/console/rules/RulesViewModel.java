package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.client.LiveListener;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Policy and masking rules: the list (live from the rules topic), the editor for the selected or a
 * new rule, enable/disable, delete, reorder, the versions seen, and the test pane. Admins only: the
 * engine refuses rules requests from other roles, so the view says so instead of failing.
 */
public final class RulesViewModel implements LiveListener {
    private final ConsoleClient client;
    private final UiScheduler ui;
    private final ZoneId zone;
    private final ObservableList<RuleRow> rows = FXCollections.observableArrayList();
    private final FilteredList<RuleRow> visibleRows = new FilteredList<>(rows);
    private final ObjectProperty<RuleKind> kindFilter = new SimpleObjectProperty<>(this, "kindFilter");
    private final ObjectProperty<RuleRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final RuleEditorViewModel editor = new RuleEditorViewModel();
    private final RuleTestViewModel test;
    private final RuleHistory history = new RuleHistory();
    private final ObservableList<RuleHistory.Version> versions = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper admin = new ReadOnlyBooleanWrapper(this, "admin");
    private final ReadOnlyStringWrapper accessMessage = new ReadOnlyStringWrapper(this, "accessMessage", "Not connected");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper(this, "saving");

    public RulesViewModel(ConsoleClient client, UiScheduler ui, ZoneId zone) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.zone = requireNonNull(zone, "zone is null");
        this.test = new RuleTestViewModel(client, ui);
        visibleRows.predicateProperty().bind(Bindings.createObjectBinding(
                () -> kindFilter.get() == null ? row -> true : row -> row.kind() == kindFilter.get(), kindFilter));
        selected.addListener((observable, old, row) -> {
            if (row == null) {
                if (!editor.newProperty().get()) {
                    editor.clear();
                }
                versions.clear();
            } else {
                editor.load(row.document());
                showVersions(row);
            }
        });
    }

    // --- live state ------------------------------------------------------------------------------

    @Override
    public void connected(Operator operator) {
        boolean isAdmin = operator.role().includes(OperatorRole.ADMIN);
        admin.set(isAdmin);
        if (!isAdmin) {
            // No rules topic for this operator: what an earlier admin connection showed must go.
            selected.set(null);
            editor.clear();
            rows.clear();
        }
        accessMessage.set(isAdmin ? "" : "Rules are for admins; you are connected as " + operator.name()
                + " (" + Format.words(operator.role()) + ")");
        message.set("");
    }

    @Override
    public void disconnected() {
        message.set("Disconnected: saving is not possible until the engine is back");
    }

    @Override
    public void snapshot(EventSnapshot snapshot) {
        if (!admin.get()) {
            return;
        }
        Set<String> live = new HashSet<>();
        List<RuleRow> ordered = new ArrayList<>();
        for (RuleDocument document : snapshot.rules()) {
            live.add(key(document.kind(), document.id()));
            history.add(document);
            RuleRow row = row(document.kind(), document.id());
            if (row == null) {
                row = new RuleRow(document, zone);
            } else {
                row.update(document);
            }
            ordered.add(row);
        }
        RuleRow keep = selected.get();
        rows.setAll(ordered);
        if (keep != null && !live.contains(key(keep.kind(), keep.id()))) {
            selected.set(null);
        } else if (keep != null) {
            refreshSelected(keep);
        }
    }

    @Override
    public void events(List<Event> events) {
        for (Event event : events) {
            switch (event) {
                case Event.RuleChanged changed -> stored(changed.rule());
                case Event.RuleDeleted deleted -> {
                    history.deleted(deleted.kind(), deleted.rule(), deleted.version(), deleted.by(), deleted.at());
                    RuleRow row = row(deleted.kind(), deleted.rule());
                    if (row != null) {
                        if (row == selected.get()) {
                            selected.set(null);
                            message.set("Rule " + deleted.rule() + " was deleted by " + deleted.by());
                        }
                        rows.remove(row);
                    }
                }
                case Event.SessionStarted started -> { }
                case Event.SessionChanged changed -> { }
                case Event.SessionEnded ended -> { }
                case Event.StatementExecuted statement -> { }
                case Event.ApprovalRequested requested -> { }
                case Event.ApprovalChanged changed -> { }
            }
        }
    }

    /** A version stored by anyone: update the row (or add it) and, if it is being viewed, the editor. */
    private void stored(RuleDocument document) {
        history.add(document);
        RuleRow row = row(document.kind(), document.id());
        if (row == null) {
            row = new RuleRow(document, zone);
            rows.add(lastIndexOfKind(document.kind()) + 1, row);
        } else {
            row.update(document);
        }
        refreshSelected(row);
    }

    private void refreshSelected(RuleRow row) {
        if (row != selected.get()) {
            return;
        }
        showVersions(row);
        if (!editor.dirtyProperty().get()) {
            editor.load(row.document());
        } else if (row.document().version() > editor.expectedVersion()) {
            message.set("Someone else saved version " + row.document().version() + " of " + row.id()
                    + " while you were editing; saving now would be refused. Revert to see it.");
        }
    }

    private int lastIndexOfKind(RuleKind kind) {
        int last = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).kind().ordinal() <= kind.ordinal()) {
                last = i;
            }
        }
        return last;
    }

    private void showVersions(RuleRow row) {
        versions.setAll(history.versions(row.kind(), row.id()));
    }

    private RuleRow row(RuleKind kind, String id) {
        for (RuleRow row : rows) {
            if (row.kind() == kind && row.id().equals(id)) {
                return row;
            }
        }
        return null;
    }

    private static String key(RuleKind kind, String id) {
        return kind.name() + "/" + id;
    }

    // --- editing ---------------------------------------------------------------------------------

    public void newRule(RuleKind kind) {
        selected.set(null);
        editor.newRule(kind);
        versions.clear();
        message.set("");
    }

    /** Throws away unsaved edits. */
    public void revert() {
        RuleRow row = selected.get();
        if (row != null) {
            editor.load(row.document());
            message.set("");
        } else if (editor.editingProperty().get()) {
            editor.newRule(editor.kindProperty().get());
        }
    }

    public void save() {
        if (!admin.get() || !editor.validProperty().get() || saving.get()) {
            return;
        }
        RuleKind kind = editor.kindProperty().get();
        String id = editor.ruleIdProperty().get().strip();
        ObjectNode body = editor.body();
        long expected = editor.expectedVersion();
        if (expected == 0 && row(kind, id) != null) {
            editor.saveFailed("A " + Format.words(kind) + " rule with id " + id + " exists already; pick another id");
            return;
        }
        saving.set(true);
        client.putRule(kind, id, body, expected).whenComplete((document, failure) -> ui.execute(() -> {
            saving.set(false);
            if (failure != null) {
                editor.saveFailed(Failures.message(failure));
                return;
            }
            stored(document);
            RuleRow row = row(document.kind(), document.id());
            selected.set(row);
            editor.load(document);
            message.set("Saved " + document.id() + " as version " + document.version());
        }));
    }

    /** Turns a rule on or off (a new version with {@code enabled} changed). */
    public void setEnabled(RuleRow row, boolean enabled) {
        if (!admin.get() || row.enabledProperty().get() == enabled) {
            return;
        }
        ObjectNode body = ((ObjectNode) row.document().body()).deepCopy();
        body.put("enabled", enabled);
        client.putRule(row.kind(), row.id(), body, row.document().version())
                .whenComplete((document, failure) -> ui.execute(() -> {
                    if (failure != null) {
                        message.set("Could not " + (enabled ? "enable " : "disable ") + row.id() + ": "
                                + Failures.message(failure));
                        // The row still shows the stored state; nudge the check box back.
                        row.update(row.document());
                        return;
                    }
                    stored(document);
                    message.set((enabled ? "Enabled " : "Disabled ") + row.id() + " (version " + document.version() + ")");
                }));
    }

    public void deleteSelected() {
        RuleRow row = selected.get();
        if (!admin.get() || row == null) {
            return;
        }
        client.deleteRule(row.kind(), row.id(), row.document().version())
                .whenComplete((done, failure) -> ui.execute(() -> {
                    if (failure != null) {
                        message.set("Could not delete " + row.id() + ": " + Failures.message(failure));
                        return;
                    }
                    history.deleted(row.kind(), row.id(), row.document().version(), "you", ui.now());
                    if (selected.get() == row) {
                        selected.set(null);
                    }
                    rows.remove(row);
                    message.set("Deleted " + row.id());
                }));
    }

    public void moveSelectedUp() {
        move(-1);
    }

    public void moveSelectedDown() {
        move(1);
    }

    /** Moves the selected rule among the rules of its kind (evaluation order is per kind). */
    private void move(int by) {
        RuleRow row = selected.get();
        if (!admin.get() || row == null) {
            return;
        }
        List<RuleRow> sameKind = rows.stream().filter(candidate -> candidate.kind() == row.kind()).toList();
        int from = sameKind.indexOf(row);
        int to = from + by;
        if (to < 0 || to >= sameKind.size()) {
            return;
        }
        List<RuleRow> reordered = new ArrayList<>(sameKind);
        reordered.remove(from);
        reordered.add(to, row);
        List<String> ids = reordered.stream().map(RuleRow::id).toList();
        client.reorderRules(row.kind(), ids).whenComplete((done, failure) -> ui.execute(() -> {
            if (failure != null) {
                message.set("Could not reorder: " + Failures.message(failure));
                return;
            }
            int firstIndex = rows.indexOf(sameKind.get(0));
            rows.removeAll(sameKind);
            rows.addAll(firstIndex, reordered);
            selected.set(row);
            message.set("Moved " + row.id() + (by < 0 ? " up" : " down"));
        }));
    }

    // --- properties -------------------------------------------------------------------------------

    public ObservableList<RuleRow> rows() {
        return rows;
    }

    public ObservableList<RuleRow> visibleRows() {
        return visibleRows;
    }

    public ObjectProperty<RuleKind> kindFilterProperty() {
        return kindFilter;
    }

    public ObjectProperty<RuleRow> selectedProperty() {
        return selected;
    }

    public RuleEditorViewModel editor() {
        return editor;
    }

    public RuleTestViewModel test() {
        return test;
    }

    public ObservableList<RuleHistory.Version> versions() {
        return versions;
    }

    public ReadOnlyBooleanProperty adminProperty() {
        return admin.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty accessMessageProperty() {
        return accessMessage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty savingProperty() {
        return saving.getReadOnlyProperty();
    }

    public ZoneId zone() {
        return zone;
    }
}
