package dev.bulwark.engine;

import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.session.LiveSession;
import dev.bulwark.session.SessionObserver;
import dev.bulwark.session.StatementGate;
import dev.bulwark.store.AdminRecord;
import dev.bulwark.testing.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real client sessions through a real listener in front of PostgreSQL, published by {@link SessionEvents}
 * from a session observer (as the engine may wire it), listed, inspected and killed through the backend.
 */
class LiveSessionsIT {
    @TempDir
    Path dataDir;

    private EngineFixture engine;
    private TestEngine proxy;
    private ManagementBackend backend;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        engine = new EngineFixture(dataDir);
        engine.hub.subscribe(Set.of(EventTopic.SESSIONS), events::add);
        proxy = TestEngine.start(StatementGate.ALLOW_ALL, this::observe);
        backend = engine.backend(engine.vault, List.of(EngineFixture.SHOP), List.of(), proxy.registry);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        engine.close();
    }

    /** What the engine's session wiring does: started at open, each statement, the end. */
    private SessionObserver observe(LiveSession session) {
        SessionEvents live = engine.sessionEvents;
        live.started(session);
        return new SessionObserver() {
            @Override
            public CompletableFuture<Void> statement(long sequence, StatementGate.Statement statement,
                    StatementGate.Decision decision) {
                switch (decision) {
                    case StatementGate.Decision.Allow allow -> live.statement(session, statement.sql(), VerdictAction.ALLOW, null);
                    case StatementGate.Decision.Deny deny -> live.statement(session, statement.sql(), VerdictAction.DENY, deny.rule());
                    case StatementGate.Decision.Pending pending -> live.statement(session, statement.sql(), VerdictAction.HOLD, null);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void ended(String reason) {
                live.ended(session, reason);
            }
        };
    }

    @Test
    void anOperatorSeesAndKillsALiveSession() throws Exception {
        try (Connection alice = proxy.connect("alice-token"); Statement statement = alice.createStatement()) {
            statement.execute("SELECT 41 + 1");
            List<SessionSummary> sessions = EngineFixture.eventually(() -> backend.sessions().list().join(),
                    list -> list.size() == 1);
            SessionSummary summary = sessions.getFirst();
            assertEquals("alice", summary.subject());
            assertEquals(List.of("analysts"), summary.groups());
            assertEquals("shop", summary.target());

            SessionDetail detail = backend.sessions().get(summary.id()).get(10, TimeUnit.SECONDS);
            assertEquals("test", detail.issuer());
            assertTrue(detail.recentStatements().stream().anyMatch(recent -> recent.text().equals("SELECT 41 + 1")),
                    detail.recentStatements()::toString);
            assertTrue(detail.pendingApprovals().isEmpty());

            backend.sessions().kill(summary.id(), new Operator("bob", OperatorRole.ADMIN), Optional.of("runaway report"))
                    .get(10, TimeUnit.SECONDS);
            EngineFixture.eventually(() -> backend.sessions().list().join(), List::isEmpty);
            SQLException killed = assertThrows(SQLException.class, () -> statement.execute("SELECT 1"));
            assertTrue(killed.getSQLState().startsWith("57P01") || killed.getSQLState().startsWith("08"),
                    killed.getSQLState() + " " + killed.getMessage());
            assertFalse(alice.isValid(1));

            Event.SessionEnded ended = events.stream().filter(Event.SessionEnded.class::isInstance)
                    .map(Event.SessionEnded.class::cast).findFirst().orElseThrow();
            assertEquals("killed by bob: runaway report", ended.reason());
            AdminRecord kill = engine.adminActions(AdminAction.SESSION_KILL, 1).getFirst();
            assertEquals("bob", kill.actor());
            assertEquals(summary.id(), kill.target());
            assertTrue(kill.details().contains("runaway report"), kill.details());
        }
    }
}
