package dev.bulwark.vault;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** What {@code vault list} shows about a secret: its name, its user and when it was last set. Never the secret. */
public record VaultEntry(String name, String user, Instant updatedAt) {

    public VaultEntry {
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
