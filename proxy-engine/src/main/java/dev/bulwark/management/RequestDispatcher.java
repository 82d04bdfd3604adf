package dev.bulwark.management;

import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.ProtocolVersion;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Turns each authorized request into a backend call and its reply. Pure routing: authentication,
 * authorization and the connection's bookkeeping (subscriptions, streams) stay in the connection,
 * which it reaches through {@link Scope}. Called on the event loop.
 */
final class RequestDispatcher {
    private final ManagementBackend backend;

    RequestDispatcher(ManagementBackend backend) {
        this.backend = requireNonNull(backend, "backend is null");
    }

    /** What a request may need of the connection it came on. */
    interface Scope {
        EngineMessage.Subscribed subscribe(long requestId, List<EventTopic> topics);

        EngineMessage.Unsubscribed unsubscribe(long requestId, long subscription);

        ManagementBackend.LineSink auditSink(long requestId);
    }

    CompletableFuture<? extends EngineMessage.Reply> dispatch(ClientMessage message, AuthenticatedOperator by,
            Scope scope) {
        try {
            return route(message, by, scope);
        } catch (RuntimeException e) {
            // A backend that throws instead of failing its future, or a refused subscription.
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<? extends EngineMessage.Reply> route(ClientMessage message, AuthenticatedOperator by,
            Scope scope) {
        Operator operator = by.operator();
        return switch (message) {
            case ClientMessage.Hello hello ->
                    CompletableFuture.failedFuture(ManagementException.conflict("hello was already said on this connection"));
            case ClientMessage.Ping ping -> CompletableFuture.completedFuture(new EngineMessage.Pong(ping.id()));
            case ClientMessage.StatusGet get ->
                    backend.engine().status().thenApply(status -> new EngineMessage.Status(get.id(), status));
            case ClientMessage.StatsGet get ->
                    backend.engine().stats().thenApply(stats -> new EngineMessage.Stats(get.id(), stats));
            case ClientMessage.VersionGet get -> CompletableFuture.completedFuture(
                    new EngineMessage.Version(get.id(), backend.engine().version(), ProtocolVersion.CURRENT));
            case ClientMessage.SessionsList list ->
                    backend.sessions().list().thenApply(sessions -> new EngineMessage.Sessions(list.id(), sessions));
            case ClientMessage.SessionGet get ->
                    backend.sessions().get(get.session()).thenApply(detail -> new EngineMessage.Session(get.id(), detail));
            case ClientMessage.SessionKill kill -> backend.sessions()
                    .kill(kill.session(), operator, Optional.ofNullable(kill.reason()))
                    .thenApply(done -> new EngineMessage.Killed(kill.id(), kill.session()));
            case ClientMessage.EventsSubscribe subscribe ->
                    CompletableFuture.completedFuture(scope.subscribe(subscribe.id(), subscribe.topics()));
            case ClientMessage.EventsUnsubscribe unsubscribe ->
                    CompletableFuture.completedFuture(scope.unsubscribe(unsubscribe.id(), unsubscribe.subscription()));
            case ClientMessage.RulesList list -> backend.rules().list(Optional.ofNullable(list.kind()))
                    .thenApply(rules -> new EngineMessage.Rules(list.id(), rules));
            case ClientMessage.RuleGet get -> backend.rules().get(get.kind(), get.rule())
                    .thenApply(rule -> new EngineMessage.Rule(get.id(), rule));
            case ClientMessage.RulePut put -> backend.rules()
                    .put(put.kind(), put.rule(), put.body(), optional(put.expectedVersion()), operator)
                    .thenApply(rule -> new EngineMessage.Rule(put.id(), rule));
            case ClientMessage.RuleDelete delete -> backend.rules()
                    .delete(delete.kind(), delete.rule(), optional(delete.expectedVersion()), operator)
                    .thenApply(rule -> new EngineMessage.Deleted(delete.id(), rule.kind(), rule.id(), rule.version()));
            case ClientMessage.RuleTest test -> backend.rules()
                    .test(test.statement(), test.identity(), Optional.ofNullable(test.target()))
                    .thenApply(result -> new EngineMessage.Tested(test.id(), result));
            case ClientMessage.ApprovalsList list -> backend.approvals().list(Optional.ofNullable(list.state()))
                    .thenApply(approvals -> new EngineMessage.Approvals(list.id(), approvals));
            case ClientMessage.ApprovalApprove approve -> backend.approvals()
                    .decide(approve.approval(), Decision.APPROVE, approve.reason(), by)
                    .thenApply(approval -> new EngineMessage.Approval(approve.id(), approval));
            case ClientMessage.ApprovalDeny deny -> backend.approvals()
                    .decide(deny.approval(), Decision.DENY, deny.reason(), by)
                    .thenApply(approval -> new EngineMessage.Approval(deny.id(), approval));
            case ClientMessage.RecordingsSearch search -> backend.recordings().search(search.query())
                    .thenApply(page -> new EngineMessage.Recordings(search.id(), page.recordings(), page.next().orElse(null)));
            case ClientMessage.RecordingFrames frames -> backend.recordings()
                    .frames(frames.session(), frames.fromSeq(), optional(frames.toSeq()), frames.limit())
                    .thenApply(page -> new EngineMessage.Frames(frames.id(), frames.session(), page.frames(),
                            page.next().isPresent() ? page.next().getAsLong() : null));
            case ClientMessage.AuditVerify verify -> backend.audit().verify()
                    .thenApply(verification -> new EngineMessage.AuditVerified(verify.id(), verification));
            case ClientMessage.AuditExport export -> export.file() == null
                    ? backend.audit().export(scope.auditSink(export.id()))
                            .thenApply(records -> new EngineMessage.AuditExported(export.id(), records, null))
                    : backend.audit().exportToFile(export.file())
                            .thenApply(records -> new EngineMessage.AuditExported(export.id(), records, export.file()));
            case ClientMessage.VaultList list -> backend.vault().entries()
                    .thenApply(entries -> new EngineMessage.Vault(list.id(), entries));
        };
    }

    /** Whether a request may take longer than the request timeout (exports run as long as they need). */
    static boolean unbounded(ClientMessage message) {
        return message instanceof ClientMessage.AuditExport;
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
