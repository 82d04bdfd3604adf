package dev.bulwark.vault;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A secret as stored at rest: the user in clear, the password sealed with AES-256-GCM.
 *
 * @param name the secret's name (usually the target name)
 * @param user the database user, in clear but bound to the ciphertext as associated data
 * @param keyId the id of the vault key that sealed it (see {@link VaultKey#id()}), so a wrong key is
 *     told apart from tampering
 * @param nonce the 96-bit GCM nonce, base64
 * @param ciphertext the sealed password with its 128-bit tag, base64
 * @param updatedAt when the secret was set
 */
public record SealedSecret(String name, String user, String keyId, String nonce, String ciphertext, Instant updatedAt) {

    public SealedSecret {
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(nonce, "nonce is null");
        requireNonNull(ciphertext, "ciphertext is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    VaultEntry entry() {
        return new VaultEntry(name, user, updatedAt);
    }

    // The ciphertext is not the secret, but there is no reason to spray it into logs either.
    @Override
    public String toString() {
        return "SealedSecret[name=" + name + ", user=" + user + ", keyId=" + keyId + ", updatedAt=" + updatedAt + "]";
    }
}
