package dev.bulwark.console.rules;

import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.VerdictSummary;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import static java.util.Objects.requireNonNull;

/**
 * "What would the rules do with this?": a statement, an identity (subject and groups) and a target
 * go to the engine's rules.test, which classifies and decides without running anything.
 */
public final class RuleTestViewModel {
    private final ConsoleClient client;
    private final UiScheduler ui;
    private final StringProperty statement = new SimpleStringProperty(this, "statement", "");
    private final StringProperty subject = new SimpleStringProperty(this, "subject", "");
    private final StringProperty groups = new SimpleStringProperty(this, "groups", "");
    private final StringProperty target = new SimpleStringProperty(this, "target", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyStringWrapper classification = new ReadOnlyStringWrapper(this, "classification", "");
    private final ReadOnlyObjectWrapper<VerdictAction> verdict = new ReadOnlyObjectWrapper<>(this, "verdict");
    private final ReadOnlyStringWrapper verdictText = new ReadOnlyStringWrapper(this, "verdictText", "");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ObservableList<MaskedColumn> maskedColumns = FXCollections.observableArrayList();
    private final BooleanBinding canRun;

    public RuleTestViewModel(ConsoleClient client, UiScheduler ui) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        canRun = Bindings.createBooleanBinding(() -> !statement.get().isBlank() && !subject.get().isBlank() && !running.get(),
                statement, subject, running);
    }

    public void run() {
        if (!canRun.get()) {
            return;
        }
        TestIdentity identity = new TestIdentity(subject.get().strip(), JsonLists.split(groups.get()));
        running.set(true);
        error.set("");
        client.testRule(statement.get(), identity, target.get().isBlank() ? null : target.get().strip())
                .whenComplete((result, failure) -> ui.execute(() -> {
                    running.set(false);
                    if (failure != null) {
                        clearResult();
                        error.set("Test failed: " + Failures.message(failure));
                    } else {
                        show(result);
                    }
                }));
    }

    private void clearResult() {
        classification.set("");
        verdict.set(null);
        verdictText.set("");
        maskedColumns.clear();
    }

    private void show(RuleTestResult result) {
        classification.set(result.classification().kind()
                + (result.classification().verbs().isEmpty() ? "" : " · " + String.join(", ", result.classification().verbs()))
                + (result.classification().tables().isEmpty() ? "" : " · tables " + String.join(", ", result.classification().tables())));
        VerdictSummary summary = result.verdict();
        verdict.set(summary.action());
        verdictText.set(switch (summary.action()) {
                    case ALLOW -> "Allowed";
                    case MASK -> "Allowed, with masking";
                    case DENY -> "Denied";
                    case HOLD -> "Held for approval";
                    case LOG -> "Allowed, and logged";
                }
                + (summary.ruleId() == null ? " by the default" : " by rule " + summary.ruleId()
                        + (summary.ruleName() == null ? "" : " (" + summary.ruleName() + ")"))
                + (summary.message() == null ? "" : ": " + summary.message()));
        maskedColumns.setAll(result.maskedColumns());
    }

    public StringProperty statementProperty() {
        return statement;
    }

    public StringProperty subjectProperty() {
        return subject;
    }

    public StringProperty groupsProperty() {
        return groups;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public BooleanBinding canRunBinding() {
        return canRun;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty classificationProperty() {
        return classification.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<VerdictAction> verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty verdictTextProperty() {
        return verdictText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ObservableList<MaskedColumn> maskedColumns() {
        return maskedColumns;
    }
}
