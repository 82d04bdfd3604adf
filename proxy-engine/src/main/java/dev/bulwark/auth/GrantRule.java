package dev.bulwark.auth;

import dev.bulwark.vault.CredentialReference;
import dev.bulwark.vault.VaultException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One grant (YAML list {@code auth.grants}, evaluated in order, the first match wins): who (exactly one
 * of {@code subject}, {@code group}, or {@code claim} + {@code value}, optionally only from one
 * {@code issuer}) may use which target ({@code target}: a name or {@code *}) as which database role.
 *
 * <pre>
 * - subject: alice
 *   target: shop
 *   role: shop_owner
 * - group: analysts                     # from the issuer's groups_claim
 *   issuer: https://idp.example.com/realms/acme
 *   target: "*"
 *   role: readonly
 * - claim: department                   # an attribute from the issuer's attribute_claims
 *   value: finance
 *   target: ledger
 *   role: ledger_rw
 *   credential: vault:ledger-ledger_rw  # log in as this credential instead of SET ROLE
 * </pre>
 *
 * <p>Without {@code credential} the session logs in with the target's service credential and then
 * runs {@code SET ROLE <role>}; with it, it logs in with that credential ({@code vault:NAME},
 * {@code env:VAR}, {@code file:PATH}) and runs no SET ROLE.
 *
 * <p>Subjects are unique only per issuer: with several issuers, pin subject rules to an {@code issuer}.
 */
public record GrantRule(
        String subject,
        String group,
        String claim,
        String value,
        String issuer,
        String target,
        String role,
        String credential) {

    public static final String ANY_TARGET = "*";
    static final int MAX_IDENTIFIER_BYTES = 63;

    public GrantRule {
        int principals = (subject != null ? 1 : 0) + (group != null ? 1 : 0) + (claim != null ? 1 : 0);
        if (principals != 1) {
            throw new IllegalArgumentException("auth.grants: each grant needs exactly one of subject, group or claim");
        }
        String where = "auth.grants[" + (subject != null ? "subject " + subject : group != null ? "group " + group : "claim " + claim) + "]";
        if (subject != null && subject.isEmpty() || group != null && group.isEmpty() || claim != null && claim.isEmpty()) {
            throw new IllegalArgumentException(where + ": subject, group or claim is empty");
        }
        if (claim != null && value == null) {
            throw new IllegalArgumentException(where + ".value is required with claim");
        }
        if (claim == null && value != null) {
            throw new IllegalArgumentException(where + ".value is only allowed with claim");
        }
        if (issuer != null && issuer.isBlank()) {
            throw new IllegalArgumentException(where + ".issuer is empty");
        }
        if (target == null) {
            throw new IllegalArgumentException(where + ".target is required (a target name or \"*\")");
        }
        requireIdentifier(target, where + ".target");
        if (role == null) {
            throw new IllegalArgumentException(where + ".role is required");
        }
        requireIdentifier(role, where + ".role");
        if (credential != null) {
            try {
                CredentialReference reference = CredentialReference.parse(credential);
                if (reference instanceof CredentialReference.Literal) {
                    throw new IllegalArgumentException(where + ".credential must be vault:NAME, env:VAR or file:PATH");
                }
            } catch (VaultException malformed) {
                throw new IllegalArgumentException(where + ".credential: " + malformed.getMessage());
            }
        }
    }

    public static GrantRule forSubject(String subject, String target, String role) {
        return new GrantRule(subject, null, null, null, null, target, role, null);
    }

    public static GrantRule forGroup(String group, String target, String role) {
        return new GrantRule(null, group, null, null, null, target, role, null);
    }

    public static GrantRule forClaim(String attribute, String value, String target, String role) {
        return new GrantRule(null, null, attribute, value, null, target, role, null);
    }

    /** This rule, limited to identities from {@code issuer}. */
    public GrantRule fromIssuer(String issuer) {
        return new GrantRule(subject, group, claim, value, issuer, target, role, credential);
    }

    /** This rule, logging in with {@code credential} instead of SET ROLE. */
    public GrantRule withCredential(String credential) {
        return new GrantRule(subject, group, claim, value, issuer, target, role, credential);
    }

    boolean matches(Identity identity) {
        if (issuer != null && !issuer.equals(identity.issuer())) {
            return false;
        }
        if (subject != null) {
            return subject.equals(identity.subject());
        }
        if (group != null) {
            return identity.inGroup(group);
        }
        return value.equals(identity.attributes().get(claim));
    }

    boolean covers(String requestedTarget) {
        return ANY_TARGET.equals(target) || target.equals(requestedTarget);
    }

    Optional<CredentialReference> credentialReference() {
        return Optional.ofNullable(credential).map(CredentialReference::parse);
    }

    private static void requireIdentifier(String text, String key) {
        if (text.isEmpty() || text.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES
                || text.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(key + " must be 1-" + MAX_IDENTIFIER_BYTES
                    + " bytes without control characters");
        }
    }
}
