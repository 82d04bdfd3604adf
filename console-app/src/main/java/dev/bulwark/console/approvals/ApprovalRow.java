package dev.bulwark.console.approvals;

import dev.bulwark.console.ui.Format;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Classification;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** One held statement, in the queue or in the history; updated in place as it changes. */
public final class ApprovalRow {
    private final String id;
    private final ObjectProperty<ApprovalSummary> summary = new SimpleObjectProperty<>(this, "summary");
    private final StringProperty requester = new SimpleStringProperty(this, "requester");
    private final StringProperty target = new SimpleStringProperty(this, "target");
    private final StringProperty rule = new SimpleStringProperty(this, "rule");
    private final StringProperty statement = new SimpleStringProperty(this, "statement");
    private final StringProperty waiting = new SimpleStringProperty(this, "waiting", "");
    private final StringProperty progress = new SimpleStringProperty(this, "progress");
    private final StringProperty outcome = new SimpleStringProperty(this, "outcome", "");
    /** When it left the queue, as far as the console saw. */
    private Instant decidedAt;

    ApprovalRow(ApprovalSummary summary) {
        this.id = summary.id();
        update(summary);
    }

    void update(ApprovalSummary newSummary) {
        requireNonNull(newSummary, "newSummary is null");
        summary.set(newSummary);
        requester.set(Format.safe(newSummary.requester()));
        target.set(Format.safe(newSummary.target() + (newSummary.role().isEmpty() ? "" : " as " + newSummary.role())));
        rule.set(Format.safe(newSummary.rule()));
        // What it does first (from the engine's reading), so a leading comment cannot fill the line.
        statement.set(doesText(newSummary) + " · " + Format.statementLine(newSummary.statement(), 160));
        progress.set(newSummary.approvals() + " of " + newSummary.quorum());
        outcome.set(outcomeText(newSummary));
        if (newSummary.state().isFinal() && decidedAt == null) {
            decidedAt = newSummary.decisions().isEmpty()
                    ? null : newSummary.decisions().get(newSummary.decisions().size() - 1).at();
        }
    }

    void tick(Instant now) {
        waiting.set(Format.since(summary.get().requestedAt(), now));
    }

    /** "UPDATE, SELECT on accounts": the verbs and tables the engine found, or that it does not know. */
    static String doesText(ApprovalSummary approval) {
        Classification classification = approval.classification();
        if (classification == null) {
            return "unclassified";
        }
        return (classification.verbs().isEmpty() ? "?" : Format.safe(String.join(", ", classification.verbs())))
                + (classification.tables().isEmpty() ? "" : " on " + Format.safe(String.join(", ", classification.tables())));
    }

    /** The classification in full, for the detail pane. */
    static String classificationText(ApprovalSummary approval) {
        Classification classification = approval.classification();
        return classification == null ? "Not classified"
                : "Does " + doesText(approval) + " · kind " + Format.safe(classification.kind());
    }

    static String outcomeText(ApprovalSummary approval) {
        String state = approval.state().name().toLowerCase(Locale.ROOT);
        if (approval.decisions().isEmpty()) {
            return state;
        }
        return state + ": " + approval.decisions().stream()
                .map(ApprovalRow::decisionText)
                .collect(Collectors.joining("; "));
    }

    private static String decisionText(ApprovalDecision decision) {
        return Format.safe(decision.by()) + " " + (decision.decision() == dev.bulwark.model.Decision.APPROVE ? "approved" : "denied")
                + (decision.reason().isBlank() ? "" : " (" + Format.safe(decision.reason()) + ")");
    }

    public String id() {
        return id;
    }

    public ApprovalSummary summary() {
        return summary.get();
    }

    public ReadOnlyObjectProperty<ApprovalSummary> summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty requesterProperty() {
        return requester;
    }

    public ReadOnlyStringProperty targetProperty() {
        return target;
    }

    public ReadOnlyStringProperty ruleProperty() {
        return rule;
    }

    public ReadOnlyStringProperty statementProperty() {
        return statement;
    }

    public ReadOnlyStringProperty waitingProperty() {
        return waiting;
    }

    public ReadOnlyStringProperty progressProperty() {
        return progress;
    }

    public ReadOnlyStringProperty outcomeProperty() {
        return outcome;
    }

    /** "14:02:11" when it was decided, as the history shows it. */
    public String decidedAtText(ZoneId zone) {
        return decidedAt == null ? "—" : Format.time(decidedAt, zone);
    }

    @Override
    public String toString() {
        return "ApprovalRow[" + id + "]";
    }
}
