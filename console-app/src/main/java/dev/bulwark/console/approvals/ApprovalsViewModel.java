package dev.bulwark.console.approvals;

import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.client.LiveListener;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.Notifier;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The approval queue: pending requests (oldest first) with a ticking wait, the selected request's
 * decision with a reason, who may decide (and why not), notifications for new requests, and the
 * history of decided ones. Runs on the UI thread.
 */
public final class ApprovalsViewModel implements LiveListener {
    static final int MAX_HISTORY = 200;

    private final ConsoleClient client;
    private final UiScheduler ui;
    private final Notifier notifier;
    private final ZoneId zone;
    private final ObservableList<ApprovalRow> pending = FXCollections.observableArrayList();
    private final ObservableList<ApprovalRow> history = FXCollections.observableArrayList();
    private final Map<String, ApprovalRow> byId = new HashMap<>();
    private final ObjectProperty<ApprovalRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringProperty reason = new SimpleStringProperty(this, "reason", "");
    private final ReadOnlyObjectWrapper<Operator> operator = new ReadOnlyObjectWrapper<>(this, "operator");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyBooleanWrapper canApprove = new ReadOnlyBooleanWrapper(this, "canApprove");
    private final ReadOnlyBooleanWrapper canDeny = new ReadOnlyBooleanWrapper(this, "canDeny");
    private final ReadOnlyStringWrapper approveBlockedReason = new ReadOnlyStringWrapper(this, "approveBlockedReason", "");
    private final ReadOnlyStringWrapper denyBlockedReason = new ReadOnlyStringWrapper(this, "denyBlockedReason", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper selectedInfo = new ReadOnlyStringWrapper(this, "selectedInfo", "");
    private final ReadOnlyIntegerWrapper pendingCount = new ReadOnlyIntegerWrapper(this, "pendingCount");
    private UiScheduler.Cancellable ticker = UiScheduler.Cancellable.NONE;

    public ApprovalsViewModel(ConsoleClient client, UiScheduler ui, Notifier notifier, ZoneId zone) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.zone = requireNonNull(zone, "zone is null");
        pendingCount.bind(Bindings.size(pending));
        selected.addListener((observable, old, row) -> {
            reason.set("");
            updatePermissions();
        });
        reason.addListener(observable -> updatePermissions());
        operator.addListener(observable -> updatePermissions());
        busy.addListener(observable -> updatePermissions());
        updatePermissions();
    }

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
        // The snapshot lists only pending requests; the history comes from the engine's memory.
        client.approvals(null).whenComplete((all, failure) -> ui.execute(() -> {
            if (failure == null) {
                loadHistory(all);
            }
        }));
    }

    @Override
    public void snapshot(EventSnapshot snapshot) {
        Set<String> live = new HashSet<>();
        for (ApprovalSummary approval : snapshot.approvals()) {
            live.add(approval.id());
            upsert(approval, false);
        }
        for (ApprovalRow row : List.copyOf(pending)) {
            if (!live.contains(row.id())) {
                // Decided while the console was away; its final state comes with the history.
                pending.remove(row);
                byId.remove(row.id());
            }
        }
        refreshSelection();
    }

    @Override
    public void events(List<Event> events) {
        for (Event event : events) {
            switch (event) {
                case Event.ApprovalRequested requested -> upsert(requested.approval(), true);
                case Event.ApprovalChanged changed -> upsert(changed.approval(), false);
                case Event.SessionStarted started -> { }
                case Event.SessionChanged changed -> { }
                case Event.SessionEnded ended -> { }
                case Event.StatementExecuted statement -> { }
                case Event.RuleChanged changed -> { }
                case Event.RuleDeleted deleted -> { }
            }
        }
        refreshSelection();
    }

    private void loadHistory(List<ApprovalSummary> all) {
        for (ApprovalSummary approval : all) {
            if (approval.state().isFinal() && !byId.containsKey(approval.id())) {
                ApprovalRow row = new ApprovalRow(approval);
                byId.put(approval.id(), row);
                history.add(0, row);
            }
        }
        trimHistory();
    }

    private void upsert(ApprovalSummary approval, boolean announce) {
        ApprovalRow row = byId.get(approval.id());
        boolean isNew = row == null;
        if (isNew) {
            row = new ApprovalRow(approval);
            row.tick(ui.now());
            byId.put(approval.id(), row);
        } else {
            row.update(approval);
        }
        if (approval.state().isFinal()) {
            if (pending.remove(row) || isNew) {
                history.remove(row);
                history.add(0, row);
                trimHistory();
            }
        } else if (!pending.contains(row)) {
            pending.add(row);
            if (announce) {
                notifier.notify("Approval requested",
                        Format.safe(approval.requester()) + " on " + Format.safe(approval.target()) + " (rule "
                                + Format.safe(approval.rule()) + "):"
                                + (approval.classification() == null ? "" : " " + ApprovalRow.doesText(approval)) + "\n"
                                + Format.statementLine(approval.statement(), 140));
            }
        }
        if (pending.size() == 1 && selected.get() == null && !approval.state().isFinal()) {
            selected.set(row);
        }
    }

    private void trimHistory() {
        if (history.size() > MAX_HISTORY) {
            for (ApprovalRow dropped : history.subList(MAX_HISTORY, history.size())) {
                byId.remove(dropped.id());
            }
            history.remove(MAX_HISTORY, history.size());
        }
    }

    private void refreshSelection() {
        ApprovalRow row = selected.get();
        if (row != null && !pending.contains(row) && !history.contains(row)) {
            selected.set(null);
        }
        updatePermissions();
    }

    void tick() {
        Instant now = ui.now();
        for (ApprovalRow row : pending) {
            row.tick(now);
        }
    }

    // --- decisions -------------------------------------------------------------------------------

    private void updatePermissions() {
        ApprovalRow row = selected.get();
        ApprovalSummary approval = row == null ? null : row.summary();
        String approveBlocked = blocked(operator.get(), approval, Decision.APPROVE, reason.get(), busy.get());
        String denyBlocked = blocked(operator.get(), approval, Decision.DENY, reason.get(), busy.get());
        approveBlockedReason.set(approveBlocked == null ? "" : approveBlocked);
        denyBlockedReason.set(denyBlocked == null ? "" : denyBlocked);
        canApprove.set(approveBlocked == null);
        canDeny.set(denyBlocked == null);
        selectedInfo.set(approval == null ? "" : info(approval));
    }

    private String info(ApprovalSummary approval) {
        return "Requested by " + Format.safe(approval.requester()) + " at " + Format.time(approval.requestedAt(), zone)
                + " · session " + Format.safe(approval.sessionId()) + " · target " + Format.safe(approval.target())
                + (approval.role().isEmpty() ? "" : " as " + Format.safe(approval.role()))
                + " · rule " + Format.safe(approval.rule()) + " · " + approval.approvals() + " of " + approval.quorum()
                + (approval.quorum() == 1 ? " approval" : " approvals") + " · " + Format.safe(approval.statementHash());
    }

    /**
     * Why the operator cannot take this decision, or null when they can. The engine checks the same
     * and has the last word; the console says it first so the button never lies.
     */
    static String blocked(Operator who, ApprovalSummary approval, Decision decision, String reason, boolean busy) {
        if (who == null) {
            return "Not connected";
        }
        if (!who.role().includes(OperatorRole.REVIEWER)) {
            return "Your role (" + Format.words(who.role()) + ") cannot approve or deny; reviewers and admins can";
        }
        if (approval == null) {
            return "Select a request";
        }
        if (approval.state() != ApprovalState.PENDING) {
            return "Already " + Format.words(approval.state());
        }
        if (who.name().equals(approval.requester())) {
            return "You cannot decide your own request (" + who.name() + " asked for it)";
        }
        for (ApprovalDecision earlier : approval.decisions()) {
            if (earlier.by().equals(who.name())) {
                return "You already " + (earlier.decision() == Decision.APPROVE ? "approved" : "denied")
                        + " this request; another reviewer must decide";
            }
        }
        if (decision == Decision.DENY && (reason == null || reason.isBlank())) {
            return "Type a reason to deny";
        }
        if (busy) {
            return "Sending the decision…";
        }
        return null;
    }

    public void approve() {
        decide(Decision.APPROVE);
    }

    public void deny() {
        decide(Decision.DENY);
    }

    private void decide(Decision decision) {
        if (!(decision == Decision.APPROVE ? canApprove.get() : canDeny.get())) {
            return;
        }
        ApprovalRow row = selected.get();
        String id = row.id();
        String text = reason.get() == null || reason.get().isBlank()
                ? "approved in the console" : reason.get().strip();
        busy.set(true);
        message.set("");
        client.decide(id, decision, text).whenComplete((approval, failure) -> ui.execute(() -> {
            busy.set(false);
            if (failure != null) {
                message.set("Could not " + (decision == Decision.APPROVE ? "approve " : "deny ") + id + ": "
                        + Failures.message(failure));
                return;
            }
            upsert(approval, false);
            message.set((decision == Decision.APPROVE ? "Approved " : "Denied ") + id
                    + (approval.state() == ApprovalState.PENDING
                            ? " (" + approval.approvals() + " of " + approval.quorum() + " approvals)" : ""));
            if (!pending.contains(selected.get())) {
                selected.set(pending.isEmpty() ? null : pending.get(0));
            }
            refreshSelection();
        }));
    }

    // --- properties -------------------------------------------------------------------------------

    public ObservableList<ApprovalRow> pending() {
        return pending;
    }

    public ObservableList<ApprovalRow> history() {
        return history;
    }

    public ObjectProperty<ApprovalRow> selectedProperty() {
        return selected;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    public ReadOnlyObjectProperty<Operator> operatorProperty() {
        return operator.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canApproveProperty() {
        return canApprove.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canDenyProperty() {
        return canDeny.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty approveBlockedReasonProperty() {
        return approveBlockedReason.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty denyBlockedReasonProperty() {
        return denyBlockedReason.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty selectedInfoProperty() {
        return selectedInfo.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty pendingCountProperty() {
        return pendingCount.getReadOnlyProperty();
    }

    public ZoneId zone() {
        return zone;
    }
}
