package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A recorded session, as a search lists it.
 *
 * @param sessionId the session's id (use it to read frames)
 * @param subject the identity's subject
 * @param groups the identity's groups
 * @param target the target name
 * @param database the database
 * @param clientAddress the client's address
 * @param startedAt when the session started
 * @param endedAt when it ended, absent while it is open
 * @param statements statements recorded
 * @param denied statements denied
 * @param held statements held for approval
 * @param frames frames recorded
 */
public record RecordingSummary(
        String sessionId,
        String subject,
        List<String> groups,
        String target,
        String database,
        String clientAddress,
        Instant startedAt,
        Instant endedAt,
        long statements,
        long denied,
        long held,
        long frames) {

    public RecordingSummary {
        Checks.text(sessionId, "session_id");
        Checks.text(subject, "subject");
        groups = Checks.list(groups);
        Checks.text(target, "target");
        requireNonNull(database, "database is null");
        requireNonNull(clientAddress, "client_address is null");
        requireNonNull(startedAt, "started_at is null");
        Checks.notNegative(statements, "statements");
        Checks.notNegative(denied, "denied");
        Checks.notNegative(held, "held");
        Checks.notNegative(frames, "frames");
    }
}
