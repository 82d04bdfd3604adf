package dev.bulwark.management;

import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.client.ManagementListener;
import dev.bulwark.model.client.ManagementClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A console that reconnects must end up with exactly the engine's state: the snapshot it gets plus
 * the events after it, with sessions starting, changing and ending all the while.
 */
class SubscriptionConsistencyTest {
    @TempDir
    Path directory;

    private TestServer engine;

    @BeforeEach
    void start() throws Exception {
        engine = TestServer.start(directory);
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    /** What a console keeps: live sessions, by applying the snapshot then every event in order. */
    private static final class ConsoleView implements ManagementListener {
        final Map<String, SessionSummary> sessions = new LinkedHashMap<>();
        final AtomicLong lastSeq = new AtomicLong();
        final AtomicReference<String> problem = new AtomicReference<>();

        @Override
        public synchronized void onSubscribed(EngineMessage.Subscribed subscribed) {
            sessions.clear();
            subscribed.snapshot().sessions().forEach(session -> sessions.put(session.id(), session));
            lastSeq.set(subscribed.snapshot().seq());
        }

        @Override
        public synchronized void onEvent(EngineMessage.EventMessage message) {
            Event event = message.event();
            if (event.seq() != lastSeq.get() + 1) {
                // Only session events are subscribed, but the engine numbers every event: a gap
                // is fine only if nothing else was published. Here nothing else is.
                problem.compareAndSet(null, "expected seq " + (lastSeq.get() + 1) + ", got " + event.seq());
            }
            lastSeq.set(event.seq());
            switch (event) {
                case Event.SessionStarted started -> {
                    if (sessions.put(started.session().id(), started.session()) != null) {
                        problem.compareAndSet(null, "started twice: " + started.session().id());
                    }
                }
                case Event.SessionChanged changed -> {
                    if (sessions.replace(changed.session().id(), changed.session()) == null) {
                        problem.compareAndSet(null, "changed before started: " + changed.session().id());
                    }
                }
                case Event.SessionEnded ended -> {
                    if (sessions.remove(ended.session()) == null) {
                        problem.compareAndSet(null, "ended unknown: " + ended.session());
                    }
                }
                default -> problem.compareAndSet(null, "unexpected event " + event);
            }
        }

        synchronized Map<String, SessionSummary> copy() {
            return new LinkedHashMap<>(sessions);
        }
    }

    @Test
    void aReconnectingSubscriberGetsASnapshotThenEveryLaterEventWithoutGapsOrRepeats() throws Exception {
        // Some history before anyone watches.
        for (int i = 0; i < 20; i++) {
            engine.fake.startSession(FakeBackend.session("early-" + i, "user" + i));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch churned = new CountDownLatch(1);
        Thread churn = Thread.ofPlatform().name("churn").start(() -> {
            int n = 0;
            while (running.get()) {
                String id = "s-" + n;
                engine.fake.startSession(FakeBackend.session(id, "churn"));
                engine.fake.changeSession(id, SessionState.ACTIVE);
                if (n % 3 != 0) {
                    engine.fake.endSession(id, "done");
                }
                if (n++ == 100) {
                    churned.countDown();
                }
                if (n % 2 == 0) {
                    // A busy engine, not a flood: a flood gets the subscription dropped (tested elsewhere).
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        try {
            assertTrue(churned.await(10, TimeUnit.SECONDS));
            // First console session: subscribes while events fly, then goes away.
            ConsoleView first = new ConsoleView();
            try (ManagementClient client = engine.connect(first)) {
                client.subscribe(List.of(EventTopic.SESSIONS)).get(5, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
            // Events keep happening while it is disconnected; then it reconnects, twice over.
            for (int round = 0; round < 3; round++) {
                ConsoleView view = new ConsoleView();
                try (ManagementClient client = engine.connect(view)) {
                    EngineMessage.Subscribed subscribed =
                            client.subscribe(List.of(EventTopic.SESSIONS)).get(5, TimeUnit.SECONDS);
                    assertTrue(subscribed.snapshot().sessions().size() >= 20, "the snapshot holds the earlier sessions");
                    Thread.sleep(150);
                    running.set(round < 2);
                    if (round == 2) {
                        churn.join(5000);
                    }
                    // Wait until the view has seen the last event published.
                    long last = engine.hub.lastSeq();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (view.lastSeq.get() < last && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    if (round == 2) {
                        assertEquals(last, view.lastSeq.get(), "saw every event up to the last");
                        assertEquals(null, view.problem.get());
                        Map<String, SessionSummary> truth = new LinkedHashMap<>();
                        engine.hub.snapshot(java.util.Set.of(EventTopic.SESSIONS)).sessions()
                                .forEach(session -> truth.put(session.id(), session));
                        assertEquals(truth, view.copy(), "snapshot + events = the engine's state");
                    } else {
                        assertEquals(null, view.problem.get());
                    }
                }
            }
            assertEquals(null, first.problem.get());
        } finally {
            running.set(false);
            churn.join(5000);
        }
    }
}
