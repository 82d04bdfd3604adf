package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One live client session, as lists and live events show it.
 *
 * @param id the engine's session id
 * @param subject the verified identity's subject
 * @param groups the identity's groups
 * @param target the configured target (upstream) name
 * @param database the database the client asked for
 * @param role the upstream role the engine logged in as
 * @param clientAddress the client's address, {@code host:port}
 * @param applicationName the client's application_name, absent when it sent none
 * @param startedAt when the session was accepted
 * @param state what it is doing now
 * @param statements statements seen so far
 * @param lastActivityAt when the last statement arrived, absent before the first
 */
public record SessionSummary(
        String id,
        String subject,
        List<String> groups,
        String target,
        String database,
        String role,
        String clientAddress,
        String applicationName,
        Instant startedAt,
        SessionState state,
        long statements,
        Instant lastActivityAt) {

    public SessionSummary {
        Checks.text(id, "id");
        Checks.text(subject, "subject");
        groups = Checks.list(groups);
        Checks.text(target, "target");
        requireNonNull(database, "database is null");
        requireNonNull(role, "role is null");
        requireNonNull(clientAddress, "client_address is null");
        applicationName = Checks.optionalText(applicationName);
        requireNonNull(startedAt, "started_at is null");
        requireNonNull(state, "state is null");
        Checks.notNegative(statements, "statements");
    }

    public SessionSummary withState(SessionState newState) {
        return new SessionSummary(id, subject, groups, target, database, role, clientAddress, applicationName,
                startedAt, newState, statements, lastActivityAt);
    }
}
