package dev.bulwark.console.sessions;

import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.client.LiveListener;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.StatementSummary;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The live sessions: one row per open session, updated in place from the event stream; the
 * selected session's statements as they run; and kill. Runs on the UI thread.
 */
public final class SessionsViewModel implements LiveListener {
    /** The detail pane keeps the last statements only, so a busy session cannot grow it without end. */
    static final int MAX_STATEMENTS = 500;

    private final ConsoleClient client;
    private final UiScheduler ui;
    private final ZoneId zone;
    private final ObservableList<SessionRow> rows = FXCollections.observableArrayList();
    private final FilteredList<SessionRow> visibleRows = new FilteredList<>(rows);
    private final Map<String, SessionRow> byId = new HashMap<>();
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final ObjectProperty<SessionRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObservableList<StatementRow> statements = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper detailTitle = new ReadOnlyStringWrapper(this, "detailTitle", "");
    private final ReadOnlyStringWrapper detailInfo = new ReadOnlyStringWrapper(this, "detailInfo", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ObjectProperty<Operator> operator = new SimpleObjectProperty<>(this, "operator");
    private final ReadOnlyStringWrapper killBlockedReason = new ReadOnlyStringWrapper(this, "killBlockedReason", "");
    private final ReadOnlyBooleanWrapper canKill = new ReadOnlyBooleanWrapper(this, "canKill");
    private UiScheduler.Cancellable ticker = UiScheduler.Cancellable.NONE;

    public SessionsViewModel(ConsoleClient client, UiScheduler ui, ZoneId zone) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.zone = requireNonNull(zone, "zone is null");
        visibleRows.predicateProperty().bind(Bindings.createObjectBinding(() -> {
            String wanted = filter.get() == null ? "" : filter.get().strip().toLowerCase(Locale.ROOT);
            return wanted.isEmpty() ? row -> true : row -> matches(row, wanted);
        }, filter));
        selected.addListener((observable, old, row) -> loadDetail(row));
        operator.addListener(observable -> updateKillPermission());
        selected.addListener(observable -> updateKillPermission());
        updateKillPermission();
    }

    /** Starts the clock that keeps the "since" column current. */
    public void start() {
        ticker.cancel();
        ticker = ui.repeat(Duration.ofSeconds(1), this::tick);
    }

    public void stop() {
        ticker.cancel();
    }

    // --- live state ------------------------------------------------------------------------------

    @Override
    public void connected(Operator newOperator) {
        operator.set(newOperator);
        message.set("");
    }

    @Override
    public void snapshot(EventSnapshot snapshot) {
        Set<String> live = new HashSet<>();
        for (SessionSummary session : snapshot.sessions()) {
            live.add(session.id());
            upsert(session);
        }
        // Rows updated in place and only the gone ones removed: a reconnect does not blink the table.
        rows.removeIf(row -> !live.contains(row.id()));
        byId.keySet().retainAll(live);
        afterChange();
    }

    @Override
    public void events(List<Event> events) {
        for (Event event : events) {
            switch (event) {
                case Event.SessionStarted started -> upsert(started.session());
                case Event.SessionChanged changed -> upsert(changed.session());
                case Event.SessionEnded ended -> remove(ended.session(), ended.reason());
                case Event.StatementExecuted statement -> statementSeen(statement);
                case Event.ApprovalRequested requested -> { }
                case Event.ApprovalChanged changed -> { }
                case Event.RuleChanged changed -> { }
                case Event.RuleDeleted deleted -> { }
            }
        }
        afterChange();
    }

    @Override
    public void disconnected() {
        message.set("Disconnected: the table shows the last known state until the engine is back");
    }

    private void upsert(SessionSummary session) {
        SessionRow row = byId.get(session.id());
        if (row == null) {
            row = new SessionRow(session);
            row.tick(ui.now());
            byId.put(session.id(), row);
            rows.add(row);
        } else {
            row.update(session);
        }
        if (row == selected.get()) {
            detailTitle.set(title(row.summary()));
        }
    }

    private void remove(String sessionId, String reason) {
        SessionRow row = byId.remove(sessionId);
        if (row == null) {
            return;
        }
        if (row == selected.get()) {
            selected.set(null);
            message.set(Format.safe("Session " + sessionId + " of " + row.summary().subject() + " ended: " + reason));
        }
        rows.remove(row);
    }

    private void statementSeen(Event.StatementExecuted statement) {
        SessionRow row = byId.get(statement.session());
        if (row == null) {
            return;
        }
        row.statementSeen(statement.text());
        if (row == selected.get()) {
            addStatement(new StatementRow(statement.at(), statement.text(), statement.verdict(), statement.rule()));
        }
    }

    private void addStatement(StatementRow statement) {
        statements.add(statement);
        if (statements.size() > MAX_STATEMENTS) {
            statements.remove(0, statements.size() - MAX_STATEMENTS);
        }
    }

    private void afterChange() {
        long inTransaction = 0;
        long held = 0;
        long running = 0;
        for (SessionRow row : rows) {
            SessionState state = row.stateProperty().get();
            if (state == SessionState.IN_TRANSACTION) {
                inTransaction++;
            } else if (state == SessionState.WAITING_APPROVAL) {
                held++;
            } else if (state == SessionState.ACTIVE) {
                running++;
            }
        }
        summary.set(Format.count(rows.size()) + (rows.size() == 1 ? " session" : " sessions")
                + " · " + running + " running · " + inTransaction + " in transaction · " + held + " held");
    }

    void tick() {
        Instant now = ui.now();
        for (SessionRow row : rows) {
            row.tick(now);
        }
    }

    private static boolean matches(SessionRow row, String wanted) {
        SessionSummary session = row.summary();
        return contains(session.subject(), wanted) || contains(session.target(), wanted)
                || contains(session.role(), wanted) || contains(session.clientAddress(), wanted)
                || contains(session.applicationName(), wanted) || contains(session.id(), wanted)
                || contains(SessionRow.stateText(session.state()), wanted)
                || contains(row.lastStatementProperty().get(), wanted)
                || session.groups().stream().anyMatch(group -> contains(group, wanted));
    }

    private static boolean contains(String text, String wanted) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(wanted);
    }

    // --- detail ------------------------------------------------------------------------------------

    private void loadDetail(SessionRow row) {
        statements.clear();
        detailInfo.set("");
        if (row == null) {
            detailTitle.set("");
            return;
        }
        detailTitle.set(title(row.summary()));
        String sessionId = row.id();
        client.session(sessionId).whenComplete((detail, failure) -> ui.execute(() -> {
            SessionRow current = selected.get();
            if (current == null || !current.id().equals(sessionId)) {
                return;
            }
            if (failure != null) {
                detailInfo.set("Could not load the session: " + Failures.message(failure));
                return;
            }
            showDetail(detail);
        }));
    }

    private void showDetail(SessionDetail detail) {
        SessionSummary session = detail.session();
        detailInfo.set(Format.safe("Identity from " + detail.issuer() + " · token expires " + Format.dateTime(detail.expiresAt(), zone)
                + " · groups " + (session.groups().isEmpty() ? "none" : String.join(", ", session.groups()))
                + " · upstream role " + session.role()
                + (detail.pendingApprovals().isEmpty() ? "" : " · waiting for approval " + String.join(", ", detail.pendingApprovals()))));
        // Statements that arrived as events while the detail was loading are newer: keep them after.
        List<StatementRow> live = List.copyOf(statements);
        statements.clear();
        Instant lastRecent = Instant.MIN;
        for (StatementSummary statement : detail.recentStatements()) {
            addStatement(new StatementRow(statement.at(), statement.text(), statement.verdict(), statement.rule()));
            lastRecent = statement.at().isAfter(lastRecent) ? statement.at() : lastRecent;
        }
        for (StatementRow statement : live) {
            if (statement.at().isAfter(lastRecent)) {
                addStatement(statement);
            }
        }
        if (!detail.recentStatements().isEmpty() && byId.get(session.id()) != null) {
            SessionRow row = byId.get(session.id());
            if (row.lastStatementProperty().get().isEmpty()) {
                row.statementSeen(statements.get(statements.size() - 1).text());
            }
        }
    }

    private String title(SessionSummary session) {
        return Format.safe(session.subject()) + " on " + Format.safe(session.target()) + " · " + SessionRow.stateText(session.state())
                + " · since " + Format.time(session.startedAt(), zone) + " · " + session.id();
    }

    // --- kill -------------------------------------------------------------------------------------

    private void updateKillPermission() {
        String reason = killBlocked(operator.get(), selected.get());
        killBlockedReason.set(reason == null ? "" : reason);
        canKill.set(reason == null);
    }

    /** Why the user cannot kill the selected session, or null when they can. */
    static String killBlocked(Operator who, SessionRow row) {
        if (who == null) {
            return "Not connected";
        }
        if (!who.role().includes(OperatorRole.ADMIN)) {
            return "Only admins can end sessions (you are " + Format.words(who.role()) + ")";
        }
        if (row == null) {
            return "Select a session to end it";
        }
        return null;
    }

    /** Ends the selected session (the view has asked for confirmation and a reason). */
    public void killSelected(String reason) {
        SessionRow row = selected.get();
        if (row == null || !canKill.get()) {
            return;
        }
        String sessionId = row.id();
        String subject = Format.safe(row.summary().subject());
        message.set("Ending session " + sessionId + "…");
        client.kill(sessionId, reason == null || reason.isBlank() ? null : reason.strip())
                .whenComplete((done, failure) -> ui.execute(() -> message.set(failure == null
                        ? "Ended session " + sessionId + " of " + subject
                        : "Could not end session " + sessionId + ": " + Failures.message(failure))));
    }

    // --- properties -------------------------------------------------------------------------------

    /** Every live session, in the order they started. */
    public ObservableList<SessionRow> rows() {
        return rows;
    }

    /** The sessions the filter lets through. */
    public ObservableList<SessionRow> visibleRows() {
        return visibleRows;
    }

    public SessionRow row(String sessionId) {
        return byId.get(sessionId);
    }

    public StringProperty filterProperty() {
        return filter;
    }

    public ObjectProperty<SessionRow> selectedProperty() {
        return selected;
    }

    public ObservableList<StatementRow> statements() {
        return statements;
    }

    public ReadOnlyStringProperty detailTitleProperty() {
        return detailTitle.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailInfoProperty() {
        return detailInfo.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canKillProperty() {
        return canKill.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty killBlockedReasonProperty() {
        return killBlockedReason.getReadOnlyProperty();
    }

    public ZoneId zone() {
        return zone;
    }
}
