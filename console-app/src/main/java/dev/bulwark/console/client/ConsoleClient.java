package dev.bulwark.console.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.TestIdentity;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The requests the console's views make of an engine. Every method returns at once; the future
 * completes on some client thread (never the UI thread), so view models hop back with their
 * {@link dev.bulwark.console.ui.UiScheduler}. A future fails with a
 * {@link dev.bulwark.model.ManagementException} when the engine answers with an error (its code
 * and message are meant for the operator), with a {@link NotConnectedException} when there is no
 * connection, and with an {@link java.io.IOException} when the connection is lost meanwhile.
 *
 * <p>Live state (sessions, approvals, rules, statements) does not come through here but as
 * events, see {@link LiveListener}.
 */
public interface ConsoleClient {

    CompletableFuture<EngineStatus> status();

    /** A session in detail, with its recent statements. */
    CompletableFuture<SessionDetail> session(String sessionId);

    /** Ends a session (admin). */
    CompletableFuture<Void> kill(String sessionId, String reason);

    /** Approvals in one state, or every approval the engine remembers when {@code state} is null. */
    CompletableFuture<List<ApprovalSummary>> approvals(ApprovalState state);

    /** A reviewer's decision; completes with the approval as it now stands. */
    CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason);

    /** Rules of one kind, or of every kind when {@code kind} is null, in the engine's order. */
    CompletableFuture<List<RuleDocument>> rules(RuleKind kind);

    /**
     * Creates or replaces a rule; completes with the stored version.
     *
     * @param expectedVersion the version being replaced, 0 for a new rule (the engine answers conflict
     *     when someone else changed it meanwhile)
     */
    CompletableFuture<RuleDocument> putRule(RuleKind kind, String id, ObjectNode body, long expectedVersion);

    CompletableFuture<Void> deleteRule(RuleKind kind, String id, long expectedVersion);

    /**
     * Puts a kind's rules in a new order (evaluation order). The management protocol has no request
     * for this yet: the socket client fails it with {@link UnsupportedOperationException}.
     */
    CompletableFuture<Void> reorderRules(RuleKind kind, List<String> orderedIds);

    /** What the rules would do with a statement, without running it. */
    CompletableFuture<RuleTestResult> testRule(String statement, TestIdentity identity, String target);

    CompletableFuture<EngineMessage.Recordings> searchRecordings(RecordingQuery query);

    /** A page of a recorded session's frames from {@code fromSeq}, at most {@code limit}. */
    CompletableFuture<EngineMessage.Frames> frames(String sessionId, long fromSeq, int limit);

    CompletableFuture<AuditVerification> verifyAudit();

    /**
     * Streams every audit record as JSON lines to {@code lines} (called on a client thread, in
     * order); completes with the number of records.
     */
    CompletableFuture<Long> exportAudit(Consumer<List<String>> lines);
}
