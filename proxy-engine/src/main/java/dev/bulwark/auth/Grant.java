package dev.bulwark.auth;

import dev.bulwark.vault.CredentialReference;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a grant allows a session: the target, the database role, and how to log in upstream.
 *
 * @param target the target the client asked for
 * @param role the database role the session acts as
 * @param roleCredential empty: log in with the target's service credential, then {@link #setRoleStatement()};
 *     present: log in with this credential and send no SET ROLE
 */
public record Grant(String target, String role, Optional<CredentialReference> roleCredential) {

    public Grant {
        requireNonNull(target, "target is null");
        requireNonNull(role, "role is null");
        requireNonNull(roleCredential, "roleCredential is null");
    }

    /** Whether the session must send {@link #setRoleStatement()} after logging in with the service credential. */
    public boolean setRole() {
        return roleCredential.isEmpty();
    }

    /** {@code SET ROLE "role"}, the role quoted as an identifier (embedded quotes doubled). */
    public String setRoleStatement() {
        return "SET ROLE " + quoteIdentifier(role);
    }

    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
