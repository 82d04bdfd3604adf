package dev.bulwark.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Who a session or an operator is, as established by a verified token. It travels with the session
 * to policy, masking, recording and approvals. It never holds the token itself.
 *
 * @param subject the token's subject (or the mapped subject claim)
 * @param groups the groups the identity belongs to (mapped from a groups/roles claim)
 * @param issuer the issuer that vouched for the identity
 * @param tokenId the token's {@code jti}, or an empty string when it has none
 * @param expiresAt when the token, and so the session, expires
 * @param attributes extra claims mapped for rules (string values only)
 */
public record Identity(
        String subject,
        Set<String> groups,
        String issuer,
        String tokenId,
        Instant expiresAt,
        Map<String, String> attributes) {

    public Identity {
        requireNonNull(subject, "subject is null");
        groups = Set.copyOf(requireNonNull(groups, "groups is null"));
        requireNonNull(issuer, "issuer is null");
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(expiresAt, "expiresAt is null");
        attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /** The attribute mapped for rules under {@code name}, if the token carried it. */
    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The groups in a stable order, for display and recording. */
    public List<String> sortedGroups() {
        return groups.stream().sorted().toList();
    }
}
