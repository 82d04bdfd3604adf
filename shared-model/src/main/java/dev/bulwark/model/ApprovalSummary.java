package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A statement held for approval.
 *
 * @param id the approval's id
 * @param sessionId the session that waits
 * @param requester the session identity's subject
 * @param target the target name
 * @param role the upstream role the statement would run as
 * @param rule the id of the rule that held it
 * @param statement the statement text exactly as it would run, nothing added (bind values and
 *     classification travel in their own fields, so statement text cannot imitate them)
 * @param statementHash a hash of the statement (and its bind values), so reviewers approve exactly what runs
 * @param requestedAt when it was held
 * @param approvals approvals so far
 * @param quorum approvals needed
 * @param state where it stands
 * @param decisions who decided what, oldest first
 * @param parameters the bind values that would run with it, null elements for SQL NULL; empty when none
 * @param classification what the engine read the statement to do; absent when not known
 * @param reason why the engine held it beyond its rule (for example "the statement would touch an estimated
 *     20,000 of 20,000 rows of public.orders (100%)"), in its own field like the others; null when none
 */
public record ApprovalSummary(
        String id,
        String sessionId,
        String requester,
        String target,
        String role,
        String rule,
        String statement,
        String statementHash,
        Instant requestedAt,
        int approvals,
        int quorum,
        ApprovalState state,
        List<ApprovalDecision> decisions,
        List<String> parameters,
        Classification classification,
        String reason) {

    public ApprovalSummary {
        Checks.text(id, "id");
        Checks.text(sessionId, "session_id");
        Checks.text(requester, "requester");
        Checks.text(target, "target");
        requireNonNull(role, "role is null");
        Checks.text(rule, "rule");
        requireNonNull(statement, "statement is null");
        Checks.text(statementHash, "statement_hash");
        requireNonNull(requestedAt, "requested_at is null");
        Checks.notNegative(approvals, "approvals");
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        requireNonNull(state, "state is null");
        decisions = Checks.list(decisions);
        parameters = Checks.nullableElements(parameters);
        reason = reason == null || reason.isBlank() ? null : reason;
    }

    /** A request held by its rule alone (no reason of the engine's own). */
    public ApprovalSummary(String id, String sessionId, String requester, String target, String role, String rule,
            String statement, String statementHash, Instant requestedAt, int approvals, int quorum, ApprovalState state,
            List<ApprovalDecision> decisions, List<String> parameters, Classification classification) {
        this(id, sessionId, requester, target, role, rule, statement, statementHash, requestedAt, approvals, quorum, state,
                decisions, parameters, classification, null);
    }

    /** The same request after a decision: everything the reviewer saw stays as it was. */
    public ApprovalSummary decided(int newApprovals, ApprovalState newState, List<ApprovalDecision> newDecisions) {
        return new ApprovalSummary(id, sessionId, requester, target, role, rule, statement, statementHash, requestedAt,
                newApprovals, quorum, newState, newDecisions, parameters, classification);
    }

    /** Without bind values or classification (a statement of the simple protocol, not classified). */
    public ApprovalSummary(String id, String sessionId, String requester, String target, String role, String rule,
            String statement, String statementHash, Instant requestedAt, int approvals, int quorum,
            ApprovalState state, List<ApprovalDecision> decisions) {
        this(id, sessionId, requester, target, role, rule, statement, statementHash, requestedAt, approvals, quorum,
                state, decisions, List.of(), null);
    }
}
