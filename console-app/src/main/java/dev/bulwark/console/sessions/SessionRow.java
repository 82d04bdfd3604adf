package dev.bulwark.console.sessions;

import dev.bulwark.console.ui.Format;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One live session in the table. Rows are updated in place as events arrive (keyed by the session
 * id), so the table never rebuilds and the selection survives updates.
 */
public final class SessionRow {
    private final String id;
    private final ObjectProperty<SessionSummary> summary = new SimpleObjectProperty<>(this, "summary");
    private final StringProperty subject = new SimpleStringProperty(this, "subject");
    private final StringProperty target = new SimpleStringProperty(this, "target");
    private final StringProperty role = new SimpleStringProperty(this, "role");
    private final StringProperty client = new SimpleStringProperty(this, "client");
    private final ObjectProperty<SessionState> state = new SimpleObjectProperty<>(this, "state");
    private final LongProperty statements = new SimpleLongProperty(this, "statements");
    private final StringProperty lastStatement = new SimpleStringProperty(this, "lastStatement", "");
    private final StringProperty since = new SimpleStringProperty(this, "since", "");

    SessionRow(SessionSummary summary) {
        this.id = summary.id();
        update(summary);
    }

    void update(SessionSummary newSummary) {
        requireNonNull(newSummary, "newSummary is null");
        summary.set(newSummary);
        subject.set(Format.safe(newSummary.subject()));
        target.set(Format.safe(newSummary.target() + (newSummary.database().isEmpty() || newSummary.database().equals(newSummary.target())
                ? "" : " / " + newSummary.database())));
        role.set(Format.safe(newSummary.role()));
        // The application name is the client's to choose: shown through the renderer like a statement.
        client.set(Format.safe(newSummary.clientAddress()
                + (newSummary.applicationName() == null ? "" : " (" + newSummary.applicationName() + ")")));
        state.set(newSummary.state());
        statements.set(newSummary.statements());
    }

    void statementSeen(String text) {
        lastStatement.set(Format.statementLine(text, 200));
    }

    void tick(Instant now) {
        since.set(Format.since(summary.get().startedAt(), now));
    }

    public String id() {
        return id;
    }

    public SessionSummary summary() {
        return summary.get();
    }

    public ReadOnlyObjectProperty<SessionSummary> summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty subjectProperty() {
        return subject;
    }

    public ReadOnlyStringProperty targetProperty() {
        return target;
    }

    public ReadOnlyStringProperty roleProperty() {
        return role;
    }

    public ReadOnlyStringProperty clientProperty() {
        return client;
    }

    public ReadOnlyObjectProperty<SessionState> stateProperty() {
        return state;
    }

    public ReadOnlyLongProperty statementsProperty() {
        return statements;
    }

    public ReadOnlyStringProperty lastStatementProperty() {
        return lastStatement;
    }

    public ReadOnlyStringProperty sinceProperty() {
        return since;
    }

    /** Words for a state, as the table shows them. */
    public static String stateText(SessionState state) {
        return switch (state) {
            case IDLE -> "idle";
            case ACTIVE -> "running";
            case IN_TRANSACTION -> "in transaction";
            case WAITING_APPROVAL -> "held";
            case CLOSING -> "closing";
        };
    }

    @Override
    public String toString() {
        return "SessionRow[" + id + "]";
    }
}
