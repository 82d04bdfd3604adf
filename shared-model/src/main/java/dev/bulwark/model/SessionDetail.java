package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One session in detail.
 *
 * @param session the summary
 * @param issuer the issuer that vouched for the identity
 * @param expiresAt when the identity's token, and so the session, expires
 * @param recentStatements the last statements, oldest first (the engine bounds how many)
 * @param pendingApprovals ids of approvals this session waits for
 */
public record SessionDetail(
        SessionSummary session,
        String issuer,
        Instant expiresAt,
        List<StatementSummary> recentStatements,
        List<String> pendingApprovals) {

    public SessionDetail {
        requireNonNull(session, "session is null");
        requireNonNull(issuer, "issuer is null");
        requireNonNull(expiresAt, "expires_at is null");
        recentStatements = Checks.list(recentStatements);
        pendingApprovals = Checks.list(pendingApprovals);
    }
}
