package dev.bulwark.management;

import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.VerdictAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The engine's live events, and the state they add up to. The session registry, the approval desk
 * and the rule store publish here; management subscriptions read from here.
 *
 * <p>Every published event gets the next sequence number and is applied to the hub's state (live
 * sessions, pending approvals, rules) and handed to the subscribers, all under one lock. So a
 * {@link #subscribe subscription}'s snapshot is exactly the state after event {@code snapshot.seq},
 * and the subscriber then gets every event after it, in order, none twice: a console that
 * reconnects and subscribes again is consistent without any reconciliation.
 *
 * <p>Publishing may be called from any thread, including event loops: it never blocks on I/O.
 * Sinks are called under the lock and must only enqueue (the management server hands events to
 * the connection's event loop).
 */
public final class EventHub {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    /** Statement texts in events are cut to this many characters; recordings keep the whole text. */
    public static final int MAX_STATEMENT_TEXT = 4096;

    private final InstantSource clock;
    private final Object lock = new Object();
    private final Map<String, SessionSummary> sessions = new LinkedHashMap<>();
    private final Map<String, ApprovalSummary> pendingApprovals = new LinkedHashMap<>();
    private final Map<String, RuleDocument> rules = new TreeMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    // Read without the lock: statements are the one hot event, skipped when nobody listens.
    private final AtomicInteger statementSubscribers = new AtomicInteger();
    private long seq;

    public EventHub(InstantSource clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public EventHub() {
        this(InstantSource.system());
    }

    /** A subscription: the state it starts from, and how to end it. */
    public interface Registration extends AutoCloseable {
        EventSnapshot snapshot();

        /** Ends the subscription; no event reaches the sink after this returns. Idempotent. */
        @Override
        void close();
    }

    private final class Subscriber implements Registration {
        private final Set<EventTopic> topics;
        private final Consumer<Event> sink;
        private final EventSnapshot snapshot;
        private boolean closed;

        Subscriber(Set<EventTopic> topics, Consumer<Event> sink, EventSnapshot snapshot) {
            this.topics = topics;
            this.sink = sink;
            this.snapshot = snapshot;
        }

        @Override
        public EventSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                subscribers.remove(this);
                if (topics.contains(EventTopic.STATEMENTS)) {
                    statementSubscribers.decrementAndGet();
                }
            }
        }
    }

    /**
     * Starts a subscription to some topics. Returns the snapshot of those topics; {@code sink} then
     * gets every later event of those topics, in sequence order, on the publisher's thread.
     */
    public Registration subscribe(Set<EventTopic> topics, Consumer<Event> sink) {
        requireNonNull(sink, "sink is null");
        Set<EventTopic> wanted = topics.isEmpty() ? EnumSet.allOf(EventTopic.class) : EnumSet.copyOf(topics);
        synchronized (lock) {
            Subscriber subscriber = new Subscriber(wanted, sink, snapshotLocked(wanted));
            subscribers.add(subscriber);
            if (wanted.contains(EventTopic.STATEMENTS)) {
                statementSubscribers.incrementAndGet();
            }
            return subscriber;
        }
    }

    /** The current state of some topics. */
    public EventSnapshot snapshot(Set<EventTopic> topics) {
        synchronized (lock) {
            return snapshotLocked(topics.isEmpty() ? EnumSet.allOf(EventTopic.class) : EnumSet.copyOf(topics));
        }
    }

    /** The sequence number of the last event published, 0 before the first. */
    public long lastSeq() {
        synchronized (lock) {
            return seq;
        }
    }

    public void sessionStarted(SessionSummary session) {
        requireNonNull(session, "session is null");
        synchronized (lock) {
            sessions.put(session.id(), session);
            dispatch(new Event.SessionStarted(++seq, clock.instant(), session));
        }
    }

    /** The session's state or counters changed. Ignored for a session that is not live. */
    public void sessionChanged(SessionSummary session) {
        requireNonNull(session, "session is null");
        synchronized (lock) {
            if (sessions.replace(session.id(), session) == null) {
                return;
            }
            dispatch(new Event.SessionChanged(++seq, clock.instant(), session));
        }
    }

    /** Ignored for a session that is not live, so it is safe to call twice. */
    public void sessionEnded(String sessionId, String reason) {
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(reason, "reason is null");
        synchronized (lock) {
            if (sessions.remove(sessionId) == null) {
                return;
            }
            dispatch(new Event.SessionEnded(++seq, clock.instant(), sessionId, reason));
        }
    }

    /** A statement and its verdict. Costs nothing when nobody subscribes to statements. */
    public void statementExecuted(String sessionId, String subject, String text, VerdictAction verdict, String rule) {
        if (statementSubscribers.get() == 0) {
            return;
        }
        boolean truncated = text.length() > MAX_STATEMENT_TEXT;
        String shown = truncated ? text.substring(0, MAX_STATEMENT_TEXT) : text;
        synchronized (lock) {
            dispatch(new Event.StatementExecuted(++seq, clock.instant(), sessionId, subject, shown, truncated, verdict, rule));
        }
    }

    public void approvalRequested(ApprovalSummary approval) {
        requireNonNull(approval, "approval is null");
        synchronized (lock) {
            if (approval.state() == ApprovalState.PENDING) {
                pendingApprovals.put(approval.id(), approval);
            }
            dispatch(new Event.ApprovalRequested(++seq, clock.instant(), approval));
        }
    }

    /** A decision was added or the state moved on; a final state removes it from the pending set. */
    public void approvalChanged(ApprovalSummary approval) {
        requireNonNull(approval, "approval is null");
        synchronized (lock) {
            if (approval.state() == ApprovalState.PENDING) {
                pendingApprovals.put(approval.id(), approval);
            } else {
                pendingApprovals.remove(approval.id());
            }
            dispatch(new Event.ApprovalChanged(++seq, clock.instant(), approval));
        }
    }

    /** A rule was stored (also at startup, once per loaded rule, so the snapshot lists them). */
    public void ruleChanged(RuleDocument rule) {
        requireNonNull(rule, "rule is null");
        synchronized (lock) {
            rules.put(ruleKey(rule.kind(), rule.id()), rule);
            dispatch(new Event.RuleChanged(++seq, clock.instant(), rule));
        }
    }

    public void ruleDeleted(RuleKind kind, String id, long version, String by) {
        synchronized (lock) {
            rules.remove(ruleKey(kind, id));
            dispatch(new Event.RuleDeleted(++seq, clock.instant(), kind, id, version, by));
        }
    }

    private static String ruleKey(RuleKind kind, String id) {
        return kind.ordinal() + "/" + id;
    }

    private EventSnapshot snapshotLocked(Set<EventTopic> topics) {
        return new EventSnapshot(seq,
                topics.contains(EventTopic.SESSIONS) ? new ArrayList<>(sessions.values()) : List.of(),
                topics.contains(EventTopic.APPROVALS) ? new ArrayList<>(pendingApprovals.values()) : List.of(),
                topics.contains(EventTopic.RULES) ? new ArrayList<>(rules.values()) : List.of());
    }

    private void dispatch(Event event) {
        EventTopic topic = event.topic();
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.topics.contains(topic)) {
                continue;
            }
            try {
                subscriber.sink.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed on event {}; ending its subscription", event.seq(), e);
                subscriber.closed = true;
                subscribers.remove(subscriber);
                if (subscriber.topics.contains(EventTopic.STATEMENTS)) {
                    statementSubscribers.decrementAndGet();
                }
            }
        }
    }
}
