package dev.bulwark.console.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.Operator;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementListener;
import dev.bulwark.model.client.ManagementClient;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * A {@link Connection} over shared-model's {@link ManagementClient}: each console request is one
 * protocol request, each pushed message goes to the {@link ConnectionEvents}.
 */
final class SocketConnection implements Connection {
    /**
     * The client library's timeout covers a whole streamed export, so exports get a connection of
     * their own with a long one rather than the request timeout meant to notice a dead engine.
     */
    static final Duration EXPORT_TIMEOUT = Duration.ofHours(2);

    private final ManagementClient client;
    private final Endpoint endpoint;
    private final ClientOptions options;

    private SocketConnection(ManagementClient client, Endpoint endpoint, ClientOptions options) {
        this.client = client;
        this.endpoint = endpoint;
        this.options = options;
    }

    static SocketConnection open(Endpoint endpoint, ClientOptions options, ConnectionEvents events) throws IOException {
        requireNonNull(events, "events is null");
        ManagementClient client = ManagementClient.connect(endpoint, options.withListener(new ManagementListener() {
            @Override
            public void onSubscribed(EngineMessage.Subscribed subscribed) {
                events.snapshot(subscribed.snapshot());
            }

            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                events.event(event.event());
            }

            @Override
            public void onDropped(EngineMessage.EventsDropped dropped) {
                events.dropped(dropped.reason());
            }

            @Override
            public void onClosed(Throwable cause) {
                events.closed(cause);
            }
        }));
        return new SocketConnection(client, endpoint, options);
    }

    @Override
    public Operator operator() {
        return client.welcome().operator();
    }

    @Override
    public String engineVersion() {
        return client.welcome().engine();
    }

    @Override
    public CompletableFuture<Void> subscribe(List<EventTopic> topics) {
        return client.subscribe(topics).thenApply(subscribed -> null);
    }

    @Override
    public CompletableFuture<Void> ping() {
        return client.call(ClientMessage.Ping::new, EngineMessage.Pong.class).thenApply(pong -> null);
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        return client.call(ClientMessage.StatusGet::new, EngineMessage.Status.class).thenApply(EngineMessage.Status::status);
    }

    @Override
    public CompletableFuture<SessionDetail> session(String sessionId) {
        return client.call(id -> new ClientMessage.SessionGet(id, sessionId), EngineMessage.Session.class)
                .thenApply(EngineMessage.Session::session);
    }

    @Override
    public CompletableFuture<Void> kill(String sessionId, String reason) {
        return client.call(id -> new ClientMessage.SessionKill(id, sessionId, reason), EngineMessage.Killed.class)
                .thenApply(killed -> null);
    }

    @Override
    public CompletableFuture<List<ApprovalSummary>> approvals(ApprovalState state) {
        return client.call(id -> new ClientMessage.ApprovalsList(id, state), EngineMessage.Approvals.class)
                .thenApply(EngineMessage.Approvals::approvals);
    }

    @Override
    public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason) {
        return switch (decision) {
            case APPROVE -> client.call(id -> new ClientMessage.ApprovalApprove(id, approvalId, reason),
                    EngineMessage.Approval.class).thenApply(EngineMessage.Approval::approval);
            case DENY -> client.call(id -> new ClientMessage.ApprovalDeny(id, approvalId, reason),
                    EngineMessage.Approval.class).thenApply(EngineMessage.Approval::approval);
        };
    }

    @Override
    public CompletableFuture<List<RuleDocument>> rules(RuleKind kind) {
        return client.call(id -> new ClientMessage.RulesList(id, kind), EngineMessage.Rules.class)
                .thenApply(EngineMessage.Rules::rules);
    }

    @Override
    public CompletableFuture<RuleDocument> putRule(RuleKind kind, String ruleId, ObjectNode body, long expectedVersion) {
        return client.call(id -> new ClientMessage.RulePut(id, kind, ruleId, expectedVersion, body), EngineMessage.Rule.class)
                .thenApply(EngineMessage.Rule::rule);
    }

    @Override
    public CompletableFuture<Void> deleteRule(RuleKind kind, String ruleId, long expectedVersion) {
        return client.call(id -> new ClientMessage.RuleDelete(id, kind, ruleId, expectedVersion), EngineMessage.Deleted.class)
                .thenApply(deleted -> null);
    }

    @Override
    public CompletableFuture<Void> reorderRules(RuleKind kind, List<String> orderedIds) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this engine cannot reorder rules yet (the management protocol has no rules.reorder request)"));
    }

    @Override
    public CompletableFuture<RuleTestResult> testRule(String statement, TestIdentity identity, String target) {
        return client.call(id -> new ClientMessage.RuleTest(id, statement, identity, target), EngineMessage.Tested.class)
                .thenApply(EngineMessage.Tested::result);
    }

    @Override
    public CompletableFuture<EngineMessage.Recordings> searchRecordings(RecordingQuery query) {
        return client.call(id -> new ClientMessage.RecordingsSearch(id, query), EngineMessage.Recordings.class);
    }

    @Override
    public CompletableFuture<EngineMessage.Frames> frames(String sessionId, long fromSeq, int limit) {
        return client.call(id -> new ClientMessage.RecordingFrames(id, sessionId, fromSeq, null, limit),
                EngineMessage.Frames.class);
    }

    @Override
    public CompletableFuture<AuditVerification> verifyAudit() {
        return client.call(ClientMessage.AuditVerify::new, EngineMessage.AuditVerified.class)
                .thenApply(EngineMessage.AuditVerified::verification);
    }

    @Override
    public CompletableFuture<Long> exportAudit(Consumer<List<String>> lines) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("bulwark-console-export").start(() -> {
            try (ManagementClient exporter = ManagementClient.connect(endpoint,
                    options.withTimeout(EXPORT_TIMEOUT).withListener(ManagementListener.NONE))) {
                done.complete(exporter.await(exporter.exportAudit(lines)).records());
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @Override
    public void close() {
        client.close();
    }
}
