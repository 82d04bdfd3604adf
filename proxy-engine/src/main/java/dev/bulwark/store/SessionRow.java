package dev.bulwark.store;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A session as listed and searched. The tamper-evident copy of these facts is the session's
 * SESSION_START and SESSION_END frames.
 *
 * @param id the session id
 * @param nodeId the engine node that served it
 * @param subject the identity's subject
 * @param groups the identity's groups, sorted
 * @param issuer the token issuer
 * @param tokenId the token's jti (may be empty)
 * @param clientAddress the client's address (host:port)
 * @param applicationName the client's application_name (may be empty)
 * @param target the target database name in the engine's configuration
 * @param databaseRole the database role used upstream
 * @param auditMode STRICT or ASYNC
 * @param startedMicros when it started
 * @param endedMicros when it ended, null while open
 * @param endReason why it ended, null while open
 * @param endDetail a human note on the end, null when none
 */
public record SessionRow(
        String id,
        String nodeId,
        String subject,
        List<String> groups,
        String issuer,
        String tokenId,
        String clientAddress,
        String applicationName,
        String target,
        String databaseRole,
        String auditMode,
        long startedMicros,
        Long endedMicros,
        String endReason,
        String endDetail) {

    public SessionRow {
        requireNonNull(id, "id is null");
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(subject, "subject is null");
        groups = List.copyOf(requireNonNull(groups, "groups is null"));
        requireNonNull(issuer, "issuer is null");
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(clientAddress, "clientAddress is null");
        requireNonNull(applicationName, "applicationName is null");
        requireNonNull(target, "target is null");
        requireNonNull(databaseRole, "databaseRole is null");
        requireNonNull(auditMode, "auditMode is null");
    }

    public boolean open() {
        return endedMicros == null;
    }
}
