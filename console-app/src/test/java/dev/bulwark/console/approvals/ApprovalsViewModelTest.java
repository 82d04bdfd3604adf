package dev.bulwark.console.approvals;

import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApprovalsViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final List<String> notifications = new ArrayList<>();
    private final ApprovalsViewModel viewModel = new ApprovalsViewModel(engine, ui,
            (title, text) -> notifications.add(title + ": " + text), ZoneOffset.UTC);
    private long seq = 100;

    private void connect(Operator operator) {
        Samples.populate(engine, NOW);
        engine.operator(operator);
        viewModel.connected(operator);
        viewModel.snapshot(new EventSnapshot(seq, List.of(), Samples.approvals(NOW).stream()
                .filter(approval -> approval.state() == ApprovalState.PENDING).toList(), List.of()));
    }

    private ApprovalRow select(String id) {
        ApprovalRow row = viewModel.pending().stream().filter(candidate -> candidate.id().equals(id)).findFirst()
                .orElseThrow();
        viewModel.selectedProperty().set(row);
        return row;
    }

    @Test
    void pendingRequestsQueueOldestFirstAndDecidedOnesFillTheHistory() {
        connect(new Operator("carol", OperatorRole.REVIEWER));

        assertEquals(List.of("a-1042", "a-1043"), viewModel.pending().stream().map(ApprovalRow::id).toList());
        assertEquals(2, viewModel.pendingCountProperty().get());
        assertEquals(3, viewModel.history().size());
        assertEquals("1 of 2", viewModel.pending().get(1).progressProperty().get());
        assertTrue(viewModel.history().stream().anyMatch(row -> row.outcomeProperty().get()
                .equals("denied: carol denied (would wipe every e-mail; use the GDPR erase procedure)")));
        assertEquals("a-1042", viewModel.selectedProperty().get().id(), "the first request is selected");
        assertTrue(notifications.isEmpty(), "requests already waiting are not announced");
    }

    @Test
    void theWaitTicks() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        viewModel.start();
        ui.advance(Duration.ofSeconds(30));
        assertEquals("2m 05s", viewModel.pending().get(0).waitingProperty().get());
    }

    @Test
    void aReviewerApprovesWithAReasonAndTheRequestMovesToTheHistory() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        select("a-1042");
        assertTrue(viewModel.canApproveProperty().get());
        assertEquals("Type a reason to deny", viewModel.denyBlockedReasonProperty().get());
        viewModel.reasonProperty().set("checked the ticket");

        viewModel.approve();

        assertTrue(engine.calls().contains("approvals.approve"));
        assertEquals(ApprovalState.APPROVED, engine.approval("a-1042").state());
        assertEquals("checked the ticket", engine.approval("a-1042").decisions().get(0).reason());
        assertEquals(List.of("a-1043"), viewModel.pending().stream().map(ApprovalRow::id).toList());
        assertEquals("a-1042", viewModel.history().get(0).id());
        assertEquals("a-1043", viewModel.selectedProperty().get().id(), "moves on to the next request");
        assertEquals("Approved a-1042", viewModel.messageProperty().get());
    }

    @Test
    void denyingNeedsAReason() {
        connect(new Operator("carol", OperatorRole.ADMIN));
        select("a-1042");
        assertFalse(viewModel.canDenyProperty().get());
        viewModel.deny();
        assertFalse(engine.calls().contains("approvals.deny"));

        viewModel.reasonProperty().set("no WHERE clause, use the batch job");
        assertTrue(viewModel.canDenyProperty().get());
        viewModel.deny();

        assertEquals(ApprovalState.DENIED, engine.approval("a-1042").state());
    }

    @Test
    void aReviewerCannotDecideTheirOwnRequest() {
        connect(new Operator("bob", OperatorRole.REVIEWER));
        select("a-1042");

        assertFalse(viewModel.canApproveProperty().get());
        assertEquals("You cannot decide your own request (bob asked for it)", viewModel.approveBlockedReasonProperty().get());
        viewModel.approve();
        assertFalse(engine.calls().contains("approvals.approve"));
    }

    @Test
    void aViewerCannotDecideAtAll() {
        connect(new Operator("vic", OperatorRole.VIEWER));
        select("a-1042");
        viewModel.reasonProperty().set("anything");

        assertFalse(viewModel.canApproveProperty().get());
        assertFalse(viewModel.canDenyProperty().get());
        assertEquals("Your role (viewer) cannot approve or deny; reviewers and admins can",
                viewModel.approveBlockedReasonProperty().get());
    }

    @Test
    void aQuorumNeedsDifferentReviewers() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        ApprovalRow row = select("a-1043");
        assertTrue(viewModel.canApproveProperty().get());

        viewModel.approve();

        assertEquals(List.of("a-1042"), viewModel.pending().stream().map(ApprovalRow::id).toList(),
                "second approval of two completes it");
        // A fresh request with quorum 2 that carol already approved once.
        ApprovalSummary half = new ApprovalSummary("a-2000", "s-8c21", "bob", "billing", "bulwark_rw", "hold",
                "DELETE FROM t", "sha256:2", NOW, 1, 2, ApprovalState.PENDING,
                List.of(new dev.bulwark.model.ApprovalDecision("carol", NOW, Decision.APPROVE, "ok")));
        viewModel.events(List.of(new Event.ApprovalRequested(++seq, NOW, half)));
        select("a-2000");
        assertEquals("You already approved this request; another reviewer must decide",
                viewModel.approveBlockedReasonProperty().get());
        assertEquals(ApprovalState.APPROVED, row.summary().state());
    }

    @Test
    void aNewRequestIsAnnouncedAndCounted() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        ApprovalSummary fresh = new ApprovalSummary("a-3000", "s-7f3a", "alice", "orders", "bulwark_rw",
                "hold-unfiltered-writes", "DELETE FROM orders", "sha256:3", NOW, 0, 1, ApprovalState.PENDING, List.of());

        viewModel.events(List.of(new Event.ApprovalRequested(++seq, NOW, fresh)));

        assertEquals(3, viewModel.pendingCountProperty().get());
        assertEquals(List.of("Approval requested: alice on orders (rule hold-unfiltered-writes):\nDELETE FROM orders"),
                notifications);
    }

    @Test
    void someoneElsesDecisionMovesTheRequestToTheHistory() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        ApprovalSummary current = engine.approval("a-1042");
        ApprovalSummary decided = new ApprovalSummary(current.id(), current.sessionId(), current.requester(),
                current.target(), current.role(), current.rule(), current.statement(), current.statementHash(),
                current.requestedAt(), 1, 1, ApprovalState.APPROVED,
                List.of(new dev.bulwark.model.ApprovalDecision("henrik", NOW, Decision.APPROVE, "fine")));

        viewModel.events(List.of(new Event.ApprovalChanged(++seq, NOW, decided)));

        assertEquals(1, viewModel.pendingCountProperty().get());
        assertEquals("approved: henrik approved (fine)", viewModel.history().get(0).outcomeProperty().get());
        assertEquals("Already approved", viewModel.approveBlockedReasonProperty().get(),
                "the selected request stays selected, now decided");
    }

    @Test
    void aRefusedDecisionIsReported() {
        connect(new Operator("carol", OperatorRole.REVIEWER));
        select("a-1042");
        engine.failCalls("approvals.approve", dev.bulwark.model.ManagementException.conflict("approval a-1042 expired"));

        viewModel.approve();

        assertEquals("Could not approve a-1042: Changed meanwhile: approval a-1042 expired", viewModel.messageProperty().get());
        assertFalse(viewModel.busyProperty().get());
    }

    @Test
    void withoutAConnectionNothingCanBeDecided() {
        assertNull(viewModel.operatorProperty().get());
        assertEquals("Not connected", viewModel.approveBlockedReasonProperty().get());
    }
}
