package dev.bulwark.model;

import java.time.Instant;

/**
 * A credential the engine holds, by name only: the secret never leaves the engine.
 *
 * @param name the credential's name
 * @param target the target it logs in to
 * @param role the upstream role it logs in as
 * @param updatedAt when it was last set or rotated, absent when unknown
 */
public record VaultEntry(String name, String target, String role, Instant updatedAt) {
    public VaultEntry {
        Checks.text(name, "name");
        Checks.text(target, "target");
        Checks.text(role, "role");
    }
}
