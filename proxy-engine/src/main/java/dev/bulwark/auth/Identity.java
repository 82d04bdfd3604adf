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
 * @param names the other names the token gives the person ({@code email}, {@code preferred_username}
 *     claims, by claim name), whatever the rule mapping; only for telling whether two identities are
 *     the same person ({@link PersonKeys}), never for policy
 */
public record Identity(
        String subject,
        Set<String> groups,
        String issuer,
        String tokenId,
        Instant expiresAt,
        Map<String, String> attributes,
        Map<String, String> names) {

    /** An identity without other names. */
    public Identity(String subject, Set<String> groups, String issuer, String tokenId, Instant expiresAt,
            Map<String, String> attributes) {
        this(subject, groups, issuer, tokenId, expiresAt, attributes, Map.of());
    }

    public Identity {
        requireNonNull(subject, "subject is null");
        groups = Set.copyOf(requireNonNull(groups, "groups is null"));
        requireNonNull(issuer, "issuer is null");
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(expiresAt, "expiresAt is null");
        attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
        names = Map.copyOf(requireNonNull(names, "names is null"));
    }

    /** The names this identity is known by, normalized, for "is this the same person". */
    public PersonKeys person() {
        return PersonKeys.of(this);
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
