package dev.bulwark.console.client;

import dev.bulwark.console.fake.FakeConnector;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.SessionState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionManagerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private static final ConnectTarget TARGET = ConnectTarget.of(new EngineAddress.Local(Path.of("/tmp/test.sock")));

    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final FakeConnector connector = new FakeConnector(engine);
    private final ConnectionManager manager = new ConnectionManager(connector, ui, Runnable::run);
    private final Recorder recorder = new Recorder();

    /** What the listeners were told, in order. */
    static final class Recorder implements LiveListener {
        final List<String> log = new ArrayList<>();
        final List<List<Event>> batches = new ArrayList<>();
        EventSnapshot lastSnapshot;

        @Override
        public void connected(Operator operator) {
            log.add("connected " + operator.name());
        }

        @Override
        public void snapshot(EventSnapshot snapshot) {
            log.add("snapshot " + snapshot.sessions().size());
            lastSnapshot = snapshot;
        }

        @Override
        public void events(List<Event> events) {
            log.add("events " + events.size());
            batches.add(events);
        }

        @Override
        public void disconnected() {
            log.add("disconnected");
        }
    }

    @BeforeEach
    void setUp() {
        engine.putSession(FakeEngine.session("s-1", "alice", "orders", SessionState.IDLE, NOW), List.of());
        manager.addLiveListener(recorder);
    }

    @Test
    void connectsSubscribesAndHandsOverTheSnapshot() {
        manager.connect(TARGET);

        ConnectionState.Connected connected = assertInstanceOf(ConnectionState.Connected.class, manager.getState());
        assertEquals("carol", connected.operator().name());
        assertEquals(List.of("connected carol", "snapshot 1"), recorder.log);
        assertTrue(engine.calls().contains("events.subscribe"));
    }

    @Test
    void subscribesToRulesOnlyAsAdmin() {
        assertEquals(List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS, EventTopic.RULES),
                ConnectionManager.topicsFor(OperatorRole.ADMIN));
        assertEquals(List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS),
                ConnectionManager.topicsFor(OperatorRole.REVIEWER));
        // A reviewer's subscription is accepted (the fake refuses rules for non-admins, as the engine does).
        engine.operator(new Operator("rita", OperatorRole.REVIEWER));
        manager.connect(TARGET);
        assertInstanceOf(ConnectionState.Connected.class, manager.getState());
        assertEquals(List.of("connected rita", "snapshot 1"), recorder.log);
    }

    @Test
    void batchesEventsIntoOneUpdatePerDelay() {
        manager.connect(TARGET);
        for (int i = 0; i < 300; i++) {
            engine.statement("s-1", "SELECT " + i, dev.bulwark.model.VerdictAction.ALLOW, null);
        }
        assertTrue(recorder.batches.isEmpty(), "nothing before the delay");

        ui.advance(EventBatcher.DELAY);

        assertEquals(1, recorder.batches.size());
        assertEquals(300, recorder.batches.get(0).size());
        engine.statement("s-1", "SELECT again", dev.bulwark.model.VerdictAction.ALLOW, null);
        ui.advance(Duration.ofMillis(149));
        assertEquals(1, recorder.batches.size());
        ui.advance(Duration.ofMillis(1));
        assertEquals(2, recorder.batches.size());
    }

    @Test
    void reconnectsWithBackoffAfterTheConnectionIsLost() {
        manager.connect(TARGET);
        connector.failNext(2);

        engine.breakConnection();

        ConnectionState.Reconnecting reconnecting = assertInstanceOf(ConnectionState.Reconnecting.class, manager.getState());
        assertEquals(1, reconnecting.secondsLeft());
        assertTrue(reconnecting.reason().contains("connection reset"), reconnecting.reason());
        assertEquals("disconnected", recorder.log.get(recorder.log.size() - 1));

        ui.advance(Duration.ofSeconds(1));
        assertEquals(2, ((ConnectionState.Reconnecting) manager.getState()).secondsLeft(), "second failure waits 2s");
        assertEquals("engine not reachable", ((ConnectionState.Reconnecting) manager.getState()).reason());
        ui.advance(Duration.ofSeconds(1));
        assertEquals(1, ((ConnectionState.Reconnecting) manager.getState()).secondsLeft(), "counting down");
        ui.advance(Duration.ofSeconds(1));
        assertEquals(4, ((ConnectionState.Reconnecting) manager.getState()).secondsLeft(), "third failure waits 4s");
        ui.advance(Duration.ofSeconds(4));

        assertInstanceOf(ConnectionState.Connected.class, manager.getState());
        assertEquals(List.of("connected carol", "snapshot 1", "disconnected", "connected carol", "snapshot 1"), recorder.log);
        assertEquals(4, connector.targets().size());
    }

    @Test
    void backoffDoublesUpToThirtySeconds() {
        List<Long> delays = new ArrayList<>();
        for (int failures = 0; failures < 8; failures++) {
            delays.add(ConnectionManager.backoffSeconds(failures));
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), delays);
    }

    @Test
    void retryNowSkipsTheCountdown() {
        connector.failNext(1);
        manager.connect(TARGET);
        assertInstanceOf(ConnectionState.Reconnecting.class, manager.getState());

        manager.retryNow();

        assertInstanceOf(ConnectionState.Connected.class, manager.getState());
    }

    @Test
    void aRefusalStopsRetrying() {
        connector.refuse(new ManagementException(ErrorCode.UNAUTHORIZED, "token expired"));

        manager.connect(TARGET);

        ConnectionState.Disconnected disconnected = assertInstanceOf(ConnectionState.Disconnected.class, manager.getState());
        assertTrue(disconnected.reason().contains("token expired"));
        assertEquals(0, ui.pendingTimers());
    }

    @Test
    void requestsFailClearlyWhileDisconnected() {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> manager.status().get());
        assertInstanceOf(NotConnectedException.class, failure.getCause());
    }

    @Test
    void resubscribesWhenTheEngineDropsTheSubscription() {
        manager.connect(TARGET);

        engine.dropSubscription();

        assertEquals(2, engine.calls().stream().filter("events.subscribe"::equals).count());
        assertEquals(List.of("connected carol", "snapshot 1", "snapshot 1"), recorder.log);
    }

    @Test
    void aFailedPingClosesTheConnectionSoItReconnects() {
        manager.connect(TARGET);
        engine.failCalls("ping", new RuntimeException("no pong"));

        ui.advance(ConnectionManager.PING_EVERY);

        assertInstanceOf(ConnectionState.Reconnecting.class, manager.getState());
    }

    @Test
    void eventsOfAnOldConnectionAreIgnored() {
        manager.connect(TARGET);
        manager.disconnect();
        engine.statement("s-1", "SELECT 1", dev.bulwark.model.VerdictAction.ALLOW, null);

        ui.advance(Duration.ofSeconds(1));

        assertTrue(recorder.batches.isEmpty());
        assertInstanceOf(ConnectionState.Disconnected.class, manager.getState());
    }
}
