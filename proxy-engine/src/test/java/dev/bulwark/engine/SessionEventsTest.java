package dev.bulwark.engine;

import dev.bulwark.management.EventHub;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.StatementSummary;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.session.LiveSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionEventsTest {
    private static final Duration THROTTLE = Duration.ofMillis(100);

    private final EventHub hub = new EventHub();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong nanos = new AtomicLong();
    private final SessionEvents sessionEvents = new SessionEvents(hub, timer, nanos::get, THROTTLE);

    {
        hub.subscribe(Set.of(EventTopic.SESSIONS, EventTopic.STATEMENTS), events::add);
    }

    @AfterEach
    void stop() {
        sessionEvents.close();
        timer.shutdownNow();
    }

    @Test
    void aStartedSessionIsPublishedWithEverythingTheListShows() {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice", "analysts", "a-team");
        sessionEvents.started(session);
        SessionSummary summary = assertInstanceOf(Event.SessionStarted.class, events.getFirst()).session();
        assertEquals(new SessionSummary("s-1", "alice", List.of("a-team", "analysts"), "shop", "shop", "analyst",
                "10.0.0.7:51234", "psql", FakeLiveSession.STARTED, SessionState.IDLE, 0, null), summary);
        assertEquals(List.of(summary), hub.snapshot(Set.of(EventTopic.SESSIONS)).sessions());

        sessionEvents.started(session);
        assertEquals(1, events.size(), "a second start of the same session is ignored");
        assertEquals(1, sessionEvents.sessionsStarted());
    }

    @Test
    void aSessionWithoutIdentityIsNotPublished() {
        FakeLiveSession starting = new FakeLiveSession("s-0", null);
        sessionEvents.started(starting);
        sessionEvents.changed(starting);
        assertTrue(events.isEmpty());
    }

    @Test
    void changesAreThrottledAndTheLastOneStillArrives() {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice");
        sessionEvents.started(session);
        for (int i = 1; i <= 5; i++) {
            session.statements = i;
            session.state = i % 2 == 0 ? LiveSession.State.IDLE : LiveSession.State.RUNNING;
            nanos.addAndGet(Duration.ofMillis(5).toNanos());
            sessionEvents.changed(session);
        }
        assertEquals(1, events.size(), "within the interval nothing is published at once");
        // The interval's end publishes the latest state, from the timer.
        Event.SessionChanged flushed = (Event.SessionChanged) EngineFixture.eventually(() -> events.size() > 1 ? events.get(1) : null,
                event -> event != null);
        assertEquals(5, flushed.session().statements());
        assertEquals(SessionState.ACTIVE, flushed.session().state());

        nanos.addAndGet(THROTTLE.toNanos());
        session.statements = 6;
        sessionEvents.changed(session);
        assertEquals(3, events.size(), "after the interval a change is published at once");
        assertEquals(6, ((Event.SessionChanged) events.getLast()).session().statements());
    }

    @Test
    void waitingForApprovalAndClosingArePublishedAtOnce() {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice");
        sessionEvents.started(session);
        session.state = LiveSession.State.HELD;
        sessionEvents.changed(session);
        session.state = LiveSession.State.RUNNING;
        sessionEvents.changed(session);
        session.state = LiveSession.State.CLOSED;
        sessionEvents.changed(session);
        assertEquals(List.of(SessionState.WAITING_APPROVAL, SessionState.ACTIVE, SessionState.CLOSING), events.stream()
                .skip(1).map(event -> ((Event.SessionChanged) event).session().state()).toList());
    }

    @Test
    void statementsAreCountedKeptAndPublished() {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice");
        sessionEvents.started(session);
        for (int i = 0; i < 25; i++) {
            sessionEvents.statement(session, "SELECT " + i, i % 5 == 0 ? VerdictAction.DENY : VerdictAction.ALLOW,
                    i % 5 == 0 ? "no-ddl" : null);
        }
        sessionEvents.statement(session, "x".repeat(5000), VerdictAction.MASK, null);

        List<StatementSummary> recent = sessionEvents.recentStatements("s-1");
        assertEquals(SessionEvents.RECENT_STATEMENTS, recent.size());
        assertEquals("SELECT 6", recent.getFirst().text());
        assertEquals(SessionEvents.RECENT_TEXT_CHARS, recent.getLast().text().length());
        assertEquals(26, sessionEvents.statements());
        assertEquals(5, sessionEvents.statements(VerdictAction.DENY));
        assertEquals(20, sessionEvents.statements(VerdictAction.ALLOW));
        assertEquals(1, sessionEvents.statements(VerdictAction.MASK));

        List<Event.StatementExecuted> statements = events.stream()
                .filter(Event.StatementExecuted.class::isInstance).map(Event.StatementExecuted.class::cast).toList();
        assertEquals(26, statements.size());
        assertEquals("no-ddl", statements.getFirst().rule());
        assertEquals("alice", statements.getFirst().subject());
        assertEquals(VerdictAction.DENY, statements.getFirst().verdict());
        assertTrue(sessionEvents.summary(session).orElseThrow().lastActivityAt() != null);
    }

    @Test
    void anEndIsPublishedOnceWithTheOperatorsReasonWhenKilled() {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice");
        sessionEvents.started(session);
        sessionEvents.endingBecause("s-1", "killed by bob: runaway query");
        assertEquals(java.util.Optional.of("killed by bob: runaway query"), sessionEvents.killReason("s-1"),
                "the session's own end (its recording) can say so too");
        sessionEvents.ended(session, "terminated");
        sessionEvents.ended(session, "terminated");
        List<Event.SessionEnded> ended = events.stream()
                .filter(Event.SessionEnded.class::isInstance).map(Event.SessionEnded.class::cast).toList();
        assertEquals(1, ended.size());
        assertEquals("killed by bob: runaway query", ended.getFirst().reason());
        assertTrue(hub.snapshot(Set.of(EventTopic.SESSIONS)).sessions().isEmpty());
        assertTrue(sessionEvents.recentStatements("s-1").isEmpty());

        sessionEvents.changed(session);
        assertEquals(2, events.size(), "an ended session publishes nothing more");
    }

    @Test
    void everySessionStateHasAProtocolState() {
        assertEquals(SessionState.IDLE, SessionEvents.state(LiveSession.State.STARTING));
        assertEquals(SessionState.IDLE, SessionEvents.state(LiveSession.State.IDLE));
        assertEquals(SessionState.IN_TRANSACTION, SessionEvents.state(LiveSession.State.IN_TRANSACTION));
        assertEquals(SessionState.ACTIVE, SessionEvents.state(LiveSession.State.RUNNING));
        assertEquals(SessionState.WAITING_APPROVAL, SessionEvents.state(LiveSession.State.HELD));
        assertEquals(SessionState.CLOSING, SessionEvents.state(LiveSession.State.CLOSED));
        assertNull(new FakeLiveSession("s", null).identity().orElse(null));
    }
}
