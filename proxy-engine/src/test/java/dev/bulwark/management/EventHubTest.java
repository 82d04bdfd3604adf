package dev.bulwark.management;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.VerdictAction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventHubTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private final EventHub hub = new EventHub(InstantSource.fixed(NOW));

    private static ApprovalSummary approval(String id, ApprovalState state) {
        return new ApprovalSummary(id, "s-1", "alice", "orders", "rw", "rule", "DELETE FROM t", "h", NOW, 0, 1,
                state, List.of());
    }

    @Test
    void theSnapshotIsTheStateTheEventsAddUpTo() {
        hub.sessionStarted(FakeBackend.session("s-1", "alice"));
        hub.sessionStarted(FakeBackend.session("s-2", "bob"));
        hub.sessionChanged(FakeBackend.session("s-2", "bob").withState(SessionState.ACTIVE));
        hub.sessionEnded("s-1", "bye");
        hub.approvalRequested(approval("a-1", ApprovalState.PENDING));
        hub.approvalRequested(approval("a-2", ApprovalState.PENDING));
        hub.approvalChanged(approval("a-1", ApprovalState.APPROVED));
        RuleDocument rule = new RuleDocument(RuleKind.MASKING, "pii", 1, "carol", NOW, JsonNodeFactory.instance.objectNode());
        hub.ruleChanged(rule);
        hub.ruleChanged(new RuleDocument(RuleKind.POLICY, "gone", 1, "carol", NOW, JsonNodeFactory.instance.objectNode()));
        hub.ruleDeleted(RuleKind.POLICY, "gone", 1, "carol");

        EventSnapshot snapshot = hub.snapshot(Set.of());
        assertEquals(10, snapshot.seq());
        assertEquals(List.of(FakeBackend.session("s-2", "bob").withState(SessionState.ACTIVE)), snapshot.sessions());
        assertEquals(List.of("a-2"), snapshot.approvals().stream().map(ApprovalSummary::id).toList());
        assertEquals(List.of(rule), snapshot.rules());
        assertEquals(List.of(), hub.snapshot(Set.of(EventTopic.STATEMENTS)).sessions(), "only the topics asked for");
    }

    @Test
    void subscribersGetLaterEventsOfTheirTopicsInOrder() {
        hub.sessionStarted(FakeBackend.session("s-1", "alice"));
        List<Event> sessions = new ArrayList<>();
        List<Event> everything = new ArrayList<>();
        EventHub.Registration first = hub.subscribe(EnumSet.of(EventTopic.SESSIONS), sessions::add);
        EventHub.Registration second = hub.subscribe(Set.of(), everything::add);
        assertEquals(1, first.snapshot().seq());
        assertEquals(1, first.snapshot().sessions().size());

        hub.statementExecuted("s-1", "alice", "SELECT 1", VerdictAction.ALLOW, null);
        hub.sessionEnded("s-1", "bye");
        hub.sessionEnded("s-1", "bye again");
        assertEquals(List.of(3L), sessions.stream().map(Event::seq).toList(), "a second end is no event");
        assertEquals(List.of(2L, 3L), everything.stream().map(Event::seq).toList());
        assertEquals(NOW, everything.get(0).at());

        first.close();
        first.close();
        hub.sessionStarted(FakeBackend.session("s-3", "carol"));
        assertEquals(1, sessions.size(), "nothing after close");
        assertEquals(3, everything.size());
        second.close();
    }

    @Test
    void statementsCostNothingWithoutSubscribersAndLongTextsAreCut() {
        hub.statementExecuted("s-1", "alice", "SELECT 1", VerdictAction.ALLOW, null);
        assertEquals(0, hub.lastSeq(), "no statement subscriber, no event");
        List<Event> seen = new ArrayList<>();
        EventHub.Registration registration = hub.subscribe(EnumSet.of(EventTopic.STATEMENTS), seen::add);
        hub.statementExecuted("s-1", "alice", "x".repeat(EventHub.MAX_STATEMENT_TEXT + 10), VerdictAction.DENY, "r");
        Event.StatementExecuted statement = assertInstanceOf(Event.StatementExecuted.class, seen.get(0));
        assertTrue(statement.truncated());
        assertEquals(EventHub.MAX_STATEMENT_TEXT, statement.text().length());
        registration.close();
        hub.statementExecuted("s-1", "alice", "SELECT 2", VerdictAction.ALLOW, null);
        assertEquals(1, hub.lastSeq());
    }

    @Test
    void aFailingSinkLosesItsSubscriptionAndHarmsNoOther() {
        List<Event> healthy = new ArrayList<>();
        hub.subscribe(Set.of(), event -> {
            throw new IllegalStateException("broken sink");
        });
        hub.subscribe(Set.of(), healthy::add);
        hub.sessionStarted(FakeBackend.session("s-1", "alice"));
        hub.sessionEnded("s-1", "bye");
        assertEquals(2, healthy.size());
    }
}
