package dev.bulwark.vault;

import java.util.List;
import java.util.Optional;

/**
 * Where sealed secrets live. The file-backed {@link FileSecretStore} serves one node; a shared store
 * (database, KMS-backed service) can implement the same interface for several nodes. Implementations
 * only ever see sealed secrets, never the key or a plaintext password.
 *
 * <p>Every method may block on I/O: call them off the event loop.
 */
public interface SecretStore {

    /** The secret with this name, as currently stored (changes made by other processes included). */
    Optional<SealedSecret> find(String name);

    /** All secrets, sorted by name. */
    List<SealedSecret> all();

    /** Adds or replaces the secret with the same name. */
    void put(SealedSecret secret);

    /** Removes the secret; returns whether it existed. */
    boolean remove(String name);

    /** Forgets any cached state and reads the store again. */
    void reload();
}
