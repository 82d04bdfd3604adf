package dev.bulwark.recording;

import dev.bulwark.auth.Identity;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What is known about a session when it starts, for its SESSION_START frame and its session row.
 *
 * @param sessionId the engine's id for the session (1-64 characters of letters, digits, '.', '_', '-');
 *     also the id the management socket and replay use
 * @param identity who (from the verified token; the token itself is never recorded)
 * @param clientAddress the client's address, e.g. {@code 10.0.0.7:51234}
 * @param applicationName the client's application_name startup parameter (empty when none)
 * @param target the target's name in the engine configuration
 * @param databaseRole the role the engine logs in as upstream
 * @param auditMode the target's audit mode
 */
public record SessionInfo(
        String sessionId,
        Identity identity,
        String clientAddress,
        String applicationName,
        String target,
        String databaseRole,
        AuditMode auditMode) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public SessionInfo {
        requireNonNull(sessionId, "sessionId is null");
        if (!ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("sessionId must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        requireNonNull(identity, "identity is null");
        requireNonNull(clientAddress, "clientAddress is null");
        applicationName = applicationName == null ? "" : applicationName;
        requireNonNull(target, "target is null");
        requireNonNull(databaseRole, "databaseRole is null");
        requireNonNull(auditMode, "auditMode is null");
    }
}
