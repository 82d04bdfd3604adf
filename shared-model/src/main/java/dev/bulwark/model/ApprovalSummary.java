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
 * @param statement the statement text
 * @param statementHash a hash of the statement (and its bind values), so reviewers approve exactly what runs
 * @param requestedAt when it was held
 * @param approvals approvals so far
 * @param quorum approvals needed
 * @param state where it stands
 * @param decisions who decided what, oldest first
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
        List<ApprovalDecision> decisions) {

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
    }
}
