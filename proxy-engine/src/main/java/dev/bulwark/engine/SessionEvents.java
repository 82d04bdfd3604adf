package dev.bulwark.engine;

import dev.bulwark.auth.Identity;
import dev.bulwark.management.EventHub;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.StatementSummary;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.session.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Publishes live sessions to the {@link EventHub}, and keeps what the management side asks about them
 * that the sessions do not: their last statements, counters by verdict, when they were last active.
 *
 * <p>The session code calls {@link #started} once a session is admitted (its identity known),
 * {@link #statement} for every statement decided, {@link #changed} when its state moves, and
 * {@link #ended} once. All four are called on event loops: they never block (a short per-session
 * lock, and the hub's own lock while it hands the event to its subscribers) and cost little.
 *
 * <p>Summaries are throttled: at most one per session every {@value #THROTTLE_MILLIS} ms, except that
 * entering or leaving {@code waiting_approval} or {@code closing} is published at once. A change
 * held back by the throttle is published when the interval ends (from this class's timer thread), so
 * the last state of a burst is never lost.
 */
public final class SessionEvents implements AutoCloseable {
    static final long THROTTLE_MILLIS = 250;
    /** Statements kept per session for its detail view. */
    static final int RECENT_STATEMENTS = 20;
    /** Statement texts kept for the detail view are cut to this many characters. */
    static final int RECENT_TEXT_CHARS = 1024;

    private final EventHub hub;
    private final ScheduledExecutorService timer;
    private final boolean ownsTimer;
    private final LongSupplier nanoTime;
    private final long throttleNanos;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final LongAdder sessionsStarted = new LongAdder();
    private final LongAdder statements = new LongAdder();
    private final Map<VerdictAction, LongAdder> verdicts = new EnumMap<>(VerdictAction.class);

    /** Publishes to {@code hub}, with a timer thread of its own (stopped by {@link #close}). */
    public SessionEvents(EventHub hub) {
        this(hub, timer(), true, System::nanoTime, Duration.ofMillis(THROTTLE_MILLIS));
    }

    /** For tests: a given timer (not shut down by {@link #close}), clock and throttle. */
    SessionEvents(EventHub hub, ScheduledExecutorService timer, LongSupplier nanoTime, Duration throttle) {
        this(hub, timer, false, nanoTime, throttle);
    }

    private SessionEvents(EventHub hub, ScheduledExecutorService timer, boolean ownsTimer, LongSupplier nanoTime,
            Duration throttle) {
        this.hub = requireNonNull(hub, "hub is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.ownsTimer = ownsTimer;
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.throttleNanos = throttle.toNanos();
        for (VerdictAction verdict : VerdictAction.values()) {
            verdicts.put(verdict, new LongAdder());
        }
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("bulwark-session-events").factory());
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /** What is kept per live session. Guarded by itself. */
    private static final class Entry {
        final LiveSession session;
        final ArrayDeque<StatementSummary> recent = new ArrayDeque<>(RECENT_STATEMENTS);
        long publishedNanos;
        SessionState publishedState;
        boolean flushScheduled;
        boolean ended;
        volatile Instant lastActivity;
        volatile String endReason;

        Entry(LiveSession session) {
            this.session = session;
        }
    }

    /**
     * A session was admitted: publishes it. Ignored for a session without an identity yet (call it once
     * the identity is known) and for one already started.
     */
    public void started(LiveSession session) {
        Optional<SessionSummary> summary = summary(session, null);
        if (summary.isEmpty()) {
            return;
        }
        Entry entry = new Entry(session);
        // Locked before it is visible, so no summary of it can reach the hub before it started there.
        synchronized (entry) {
            if (sessions.putIfAbsent(session.id(), entry) != null) {
                return;
            }
            sessionsStarted.increment();
            entry.publishedNanos = nanoTime.getAsLong();
            entry.publishedState = summary.get().state();
            hub.sessionStarted(summary.get());
        }
    }

    /** The session's state or counters changed: publishes its summary, throttled (see the class comment). */
    public void changed(LiveSession session) {
        Entry entry = sessions.get(session.id());
        if (entry == null) {
            return;
        }
        SessionState state = state(session.state());
        long now = nanoTime.getAsLong();
        synchronized (entry) {
            if (entry.ended) {
                return;
            }
            boolean significant = state != entry.publishedState
                    && (immediate(state) || immediate(entry.publishedState));
            long waited = now - entry.publishedNanos;
            if (significant || waited >= throttleNanos) {
                publish(entry, now);
                return;
            }
            if (!entry.flushScheduled) {
                entry.flushScheduled = true;
                try {
                    timer.schedule(() -> flush(entry), throttleNanos - waited, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closed) {
                    entry.flushScheduled = false;
                }
            }
        }
    }

    /**
     * A statement was decided: counts it, keeps it for the session's detail, publishes it to statement
     * subscribers (free when there are none) and refreshes the session's summary (throttled).
     *
     * @param rule the deciding rule's id, or null when the default decided
     */
    public void statement(LiveSession session, String text, VerdictAction verdict, String rule) {
        requireNonNull(text, "text is null");
        requireNonNull(verdict, "verdict is null");
        statements.increment();
        verdicts.get(verdict).increment();
        Entry entry = sessions.get(session.id());
        Instant now = Instant.now();
        if (entry != null) {
            String kept = text.length() > RECENT_TEXT_CHARS ? text.substring(0, RECENT_TEXT_CHARS) : text;
            StatementSummary summary = new StatementSummary(now, kept, verdict, rule);
            synchronized (entry) {
                if (entry.recent.size() == RECENT_STATEMENTS) {
                    entry.recent.removeFirst();
                }
                entry.recent.addLast(summary);
            }
            entry.lastActivity = now;
        }
        hub.statementExecuted(session.id(), session.identity().map(Identity::subject).orElse("?"), text, verdict, rule);
        changed(session);
    }

    /** The session ended: publishes its end (with the operator's reason when it was killed) and forgets it. */
    public void ended(LiveSession session, String reason) {
        requireNonNull(reason, "reason is null");
        Entry entry = sessions.remove(session.id());
        if (entry == null) {
            hub.sessionEnded(session.id(), reason);
            return;
        }
        synchronized (entry) {
            entry.ended = true;
            String killed = entry.endReason;
            hub.sessionEnded(session.id(), killed != null ? killed : reason);
        }
    }

    /**
     * Why an operator ended this session ({@code killed by bob: reason}), if one did: for the session's
     * recording (its SESSION_END detail), since {@link LiveSession#terminate} carries no reason.
     */
    public Optional<String> killReason(String sessionId) {
        Entry entry = sessions.get(sessionId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.endReason);
    }

    /** Notes why an operator ends a session, so its end event says so. */
    void endingBecause(String sessionId, String reason) {
        Entry entry = sessions.get(sessionId);
        if (entry != null) {
            entry.endReason = reason;
        }
    }

    /** The session's last statements, oldest first (at most {@value #RECENT_STATEMENTS}); empty when not live. */
    List<StatementSummary> recentStatements(String sessionId) {
        Entry entry = sessions.get(sessionId);
        if (entry == null) {
            return List.of();
        }
        synchronized (entry) {
            return List.copyOf(entry.recent);
        }
    }

    /** The session as lists show it, with what this class knows of it; empty before its identity is known. */
    Optional<SessionSummary> summary(LiveSession session) {
        Entry entry = sessions.get(session.id());
        return summary(session, entry == null ? null : entry.lastActivity);
    }

    long sessionsStarted() {
        return sessionsStarted.sum();
    }

    long statements() {
        return statements.sum();
    }

    long statements(VerdictAction verdict) {
        return verdicts.get(verdict).sum();
    }

    private void flush(Entry entry) {
        synchronized (entry) {
            entry.flushScheduled = false;
            if (!entry.ended) {
                publish(entry, nanoTime.getAsLong());
            }
        }
    }

    /** Under the entry's lock, so one session's summaries reach the hub in order. */
    private void publish(Entry entry, long now) {
        Optional<SessionSummary> summary = summary(entry.session, entry.lastActivity);
        if (summary.isEmpty()) {
            return;
        }
        entry.publishedNanos = now;
        entry.publishedState = summary.get().state();
        hub.sessionChanged(summary.get());
    }

    private static Optional<SessionSummary> summary(LiveSession session, Instant lastActivity) {
        Optional<Identity> identity = session.identity();
        if (identity.isEmpty() || identity.get().subject().isBlank()) {
            return Optional.empty();
        }
        String target = session.target() == null || session.target().isBlank() ? "?" : session.target();
        return Optional.of(new SessionSummary(session.id(), identity.get().subject(), identity.get().sortedGroups(),
                target, target, session.role().orElse(""), session.clientAddress(), session.applicationName().orElse(null),
                session.startedAt(), state(session.state()), session.statementCount(), lastActivity));
    }

    static SessionState state(LiveSession.State state) {
        return switch (state) {
            case STARTING, IDLE -> SessionState.IDLE;
            case IN_TRANSACTION -> SessionState.IN_TRANSACTION;
            case RUNNING -> SessionState.ACTIVE;
            case HELD -> SessionState.WAITING_APPROVAL;
            case CLOSED -> SessionState.CLOSING;
        };
    }

    private static boolean immediate(SessionState state) {
        return state == SessionState.WAITING_APPROVAL || state == SessionState.CLOSING;
    }

    /** Stops the timer thread if this instance made it. Summaries held back by the throttle are dropped. */
    @Override
    public void close() {
        if (ownsTimer) {
            timer.shutdownNow();
        }
    }
}
