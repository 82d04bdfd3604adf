package dev.bulwark.console.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.TestIdentity;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the console connected: opens a connection off the UI thread, subscribes to the topics the
 * operator's role allows, hands snapshot and events to the {@link LiveListener}s in batches, pings
 * to notice a dead engine, and when the connection is lost or cannot be made tries again after
 * 1, 2, 4, 8, 16, then every 30 seconds, counting down in {@link #stateProperty()}. A refusal
 * (unauthorized, unsupported version) stops the retries: trying again would not help.
 *
 * <p>It is also the {@link ConsoleClient} the views use: requests go to the current connection, or
 * fail with {@link NotConnectedException}.
 *
 * <p>Every method but the {@link ConsoleClient} ones must be called on the UI thread.
 */
public final class ConnectionManager implements ConsoleClient, AutoCloseable {
    static final Duration PING_EVERY = Duration.ofSeconds(20);
    static final long MAX_BACKOFF_SECONDS = 30;

    private final Connector connector;
    private final UiScheduler ui;
    private final Executor io;
    private final List<LiveListener> listeners = new ArrayList<>();
    private final ReadOnlyObjectWrapper<ConnectionState> state =
            new ReadOnlyObjectWrapper<>(this, "state", new ConnectionState.Disconnected("not connected"));
    private final EventBatcher batcher;

    /** Read from client threads, written on the UI thread. */
    private volatile Connection current;
    private ConnectTarget target;
    /** Tells apart the pushes of an old connection from the current one's. */
    private volatile long generation;
    private int failures;
    private UiScheduler.Cancellable countdown = UiScheduler.Cancellable.NONE;
    private UiScheduler.Cancellable pinger = UiScheduler.Cancellable.NONE;
    private boolean closed;

    /**
     * @param io where connections are opened (blocking network I/O)
     */
    public ConnectionManager(Connector connector, UiScheduler ui, Executor io) {
        this.connector = requireNonNull(connector, "connector is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.io = requireNonNull(io, "io is null");
        this.batcher = new EventBatcher(ui, this::deliverSnapshot, this::deliverEvents);
    }

    public ReadOnlyObjectProperty<ConnectionState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ConnectionState getState() {
        return state.get();
    }

    /** The engine the console connects to, or null before the first connect. */
    public ConnectTarget target() {
        return target;
    }

    public void addLiveListener(LiveListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Drops any connection and connects to {@code newTarget}, retrying until it works. */
    public void connect(ConnectTarget newTarget) {
        requireNonNull(newTarget, "newTarget is null");
        if (closed) {
            return;
        }
        dropConnection();
        target = newTarget;
        failures = 0;
        attempt();
    }

    /** Skips the rest of the countdown (the status bar's "retry now"). */
    public void retryNow() {
        if (target != null && !closed && current == null && !(state.get() instanceof ConnectionState.Connecting)) {
            attempt();
        }
    }

    /** Drops the connection and stops retrying. */
    public void disconnect() {
        dropConnection();
        state.set(new ConnectionState.Disconnected("disconnected"));
    }

    private void attempt() {
        countdown.cancel();
        long myGeneration = ++generation;
        ConnectTarget attemptTarget = target;
        state.set(new ConnectionState.Connecting(attemptTarget.address(), failures + 1));
        ConnectionEvents events = new GenerationEvents(myGeneration);
        io.execute(() -> {
            try {
                Connection connection = connector.open(attemptTarget, events);
                ui.execute(() -> opened(myGeneration, connection));
            } catch (IOException | RuntimeException e) {
                ui.execute(() -> failed(myGeneration, e));
            }
        });
    }

    private void opened(long myGeneration, Connection connection) {
        if (myGeneration != generation || closed) {
            connection.close();
            return;
        }
        current = connection;
        failures = 0;
        state.set(new ConnectionState.Connected(target.address(), connection.operator(), connection.engineVersion()));
        for (LiveListener listener : List.copyOf(listeners)) {
            listener.connected(connection.operator());
        }
        subscribe(connection);
        pinger = ui.repeat(PING_EVERY, () -> ping(myGeneration, connection));
    }

    private void subscribe(Connection connection) {
        connection.subscribe(topicsFor(connection.operator().role())).whenComplete((done, failure) -> {
            if (failure != null) {
                // Without events the views would go stale silently: start over.
                connection.close();
            }
        });
    }

    /** Rules events are for admins only; asking for them otherwise is refused. */
    static List<EventTopic> topicsFor(OperatorRole role) {
        return role.includes(OperatorRole.ADMIN)
                ? List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS, EventTopic.RULES)
                : List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS);
    }

    private void ping(long myGeneration, Connection connection) {
        connection.ping().whenComplete((done, failure) -> {
            if (failure != null && myGeneration == generation) {
                connection.close();
            }
        });
    }

    private void failed(long myGeneration, Throwable failure) {
        if (myGeneration != generation || closed) {
            return;
        }
        Throwable cause = Failures.unwrap(failure);
        if (cause instanceof ManagementException refused
                && (refused.code() == ErrorCode.UNAUTHORIZED || refused.code() == ErrorCode.UNSUPPORTED_VERSION
                        || refused.code() == ErrorCode.FORBIDDEN)) {
            state.set(new ConnectionState.Disconnected("refused: " + refused.getMessage()));
            return;
        }
        scheduleRetry(describe(cause));
    }

    private void lost(long myGeneration, Throwable cause) {
        if (myGeneration != generation || closed) {
            return;
        }
        current = null;
        pinger.cancel();
        batcher.clear();
        for (LiveListener listener : List.copyOf(listeners)) {
            listener.disconnected();
        }
        scheduleRetry(cause == null ? "connection closed" : describe(cause));
    }

    private void scheduleRetry(String reason) {
        long delay = backoffSeconds(failures++);
        long[] left = {delay};
        EngineAddress address = target.address();
        state.set(new ConnectionState.Reconnecting(address, left[0], reason));
        countdown.cancel();
        countdown = ui.repeat(Duration.ofSeconds(1), () -> {
            left[0]--;
            if (left[0] <= 0) {
                attempt();
            } else {
                state.set(new ConnectionState.Reconnecting(address, left[0], reason));
            }
        });
    }

    /** 1, 2, 4, 8, 16, 30, 30, ... seconds. */
    static long backoffSeconds(int failuresSoFar) {
        return failuresSoFar >= 5 ? MAX_BACKOFF_SECONDS : Math.min(MAX_BACKOFF_SECONDS, 1L << failuresSoFar);
    }

    private void dropConnection() {
        generation++;
        countdown.cancel();
        pinger.cancel();
        batcher.clear();
        Connection old = current;
        current = null;
        if (old != null) {
            old.close();
            for (LiveListener listener : List.copyOf(listeners)) {
                listener.disconnected();
            }
        }
    }

    private void deliverSnapshot(EventSnapshot snapshot) {
        for (LiveListener listener : List.copyOf(listeners)) {
            listener.snapshot(snapshot);
        }
    }

    private void deliverEvents(List<Event> events) {
        for (LiveListener listener : List.copyOf(listeners)) {
            listener.events(events);
        }
    }

    /** A short reason for the status bar, without stack traces. */
    static String describe(Throwable cause) {
        if (cause instanceof ClosedChannelException && cause.getCause() != null) {
            return describe(cause.getCause());
        }
        if (cause instanceof java.net.ConnectException || cause instanceof java.nio.file.NoSuchFileException) {
            return "engine not reachable";
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause instanceof ClosedChannelException ? "connection closed" : cause.getClass().getSimpleName();
        }
        return message;
    }

    @Override
    public void close() {
        dropConnection();
        closed = true;
    }

    /** Pushes of one connection, routed by its generation. */
    private final class GenerationEvents implements ConnectionEvents {
        private final long myGeneration;

        GenerationEvents(long myGeneration) {
            this.myGeneration = myGeneration;
        }

        private boolean stale() {
            return myGeneration != generation;
        }

        @Override
        public void snapshot(EventSnapshot snapshot) {
            if (!stale()) {
                batcher.snapshot(snapshot);
            }
        }

        @Override
        public void event(Event event) {
            if (!stale()) {
                batcher.add(event);
            }
        }

        @Override
        public void dropped(String reason) {
            ui.execute(() -> {
                Connection connection = current;
                if (!stale() && connection != null) {
                    subscribe(connection);
                }
            });
        }

        @Override
        public void closed(Throwable cause) {
            ui.execute(() -> lost(myGeneration, cause == null ? new ClosedChannelException() : cause));
        }
    }

    // --- ConsoleClient: the current connection's ------------------------------------------------

    private <T> CompletableFuture<T> withConnection(Function<Connection, CompletableFuture<T>> request) {
        Connection connection = current;
        return connection == null ? CompletableFuture.failedFuture(new NotConnectedException()) : request.apply(connection);
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        return withConnection(Connection::status);
    }

    @Override
    public CompletableFuture<SessionDetail> session(String sessionId) {
        return withConnection(connection -> connection.session(sessionId));
    }

    @Override
    public CompletableFuture<Void> kill(String sessionId, String reason) {
        return withConnection(connection -> connection.kill(sessionId, reason));
    }

    @Override
    public CompletableFuture<List<ApprovalSummary>> approvals(ApprovalState approvalState) {
        return withConnection(connection -> connection.approvals(approvalState));
    }

    @Override
    public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason) {
        return withConnection(connection -> connection.decide(approvalId, decision, reason));
    }

    @Override
    public CompletableFuture<List<RuleDocument>> rules(RuleKind kind) {
        return withConnection(connection -> connection.rules(kind));
    }

    @Override
    public CompletableFuture<RuleDocument> putRule(RuleKind kind, String id, ObjectNode body, long expectedVersion) {
        return withConnection(connection -> connection.putRule(kind, id, body, expectedVersion));
    }

    @Override
    public CompletableFuture<Void> deleteRule(RuleKind kind, String id, long expectedVersion) {
        return withConnection(connection -> connection.deleteRule(kind, id, expectedVersion));
    }

    @Override
    public CompletableFuture<Void> reorderRules(RuleKind kind, List<String> orderedIds) {
        return withConnection(connection -> connection.reorderRules(kind, orderedIds));
    }

    @Override
    public CompletableFuture<RuleTestResult> testRule(String statement, TestIdentity identity, String ruleTarget) {
        return withConnection(connection -> connection.testRule(statement, identity, ruleTarget));
    }

    @Override
    public CompletableFuture<EngineMessage.Recordings> searchRecordings(RecordingQuery query) {
        return withConnection(connection -> connection.searchRecordings(query));
    }

    @Override
    public CompletableFuture<EngineMessage.Frames> frames(String sessionId, long fromSeq, int limit) {
        return withConnection(connection -> connection.frames(sessionId, fromSeq, limit));
    }

    @Override
    public CompletableFuture<AuditVerification> verifyAudit() {
        return withConnection(Connection::verifyAudit);
    }

    @Override
    public CompletableFuture<Long> exportAudit(Consumer<List<String>> lines) {
        return withConnection(connection -> connection.exportAudit(lines));
    }
}
