package dev.bulwark.vault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import static java.util.Objects.requireNonNull;

/**
 * The credential vault: target logins sealed with AES-256-GCM and kept in a {@link SecretStore}.
 *
 * <p>Each password is sealed under a fresh random 96-bit nonce with a 128-bit tag. The associated
 * data binds the ciphertext to its place: {@code "bulwark-vault/1" NUL name NUL user}, so a sealed
 * password moved to another name, or given another user, fails to open. Every secret records the id of
 * the key that sealed it, so opening with a different key reports "wrong key" rather than "tampered".
 *
 * <p>The key: the environment variable {@value #KEY_ENVIRONMENT_VARIABLE} (base64 of 32 bytes) when
 * set, else the file {@code <data>/vault.key}. The service only reads the key; {@code vault set}
 * creates the file (0600) when neither exists.
 *
 * <p>Methods that read the store may block on file I/O; call them off the event loop (see
 * {@link CredentialResolver}, which does).
 */
public final class Vault {
    public static final String KEY_ENVIRONMENT_VARIABLE = "BULWARK_VAULT_KEY";
    public static final String VAULT_FILE = "vault.json";
    public static final String KEY_FILE = "vault.key";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final byte[] AAD_LABEL = "bulwark-vault/1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_USER_LENGTH = 256;
    private static final int MAX_PASSWORD_BYTES = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretStore store;
    private final Optional<VaultKey> key;
    private final String keySource;
    private final Clock clock;

    public Vault(SecretStore store, Optional<VaultKey> key, String keySource, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
        this.keySource = requireNonNull(keySource, "keySource is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The vault as the service sees it: {@code <data>/vault.json}, the key from the environment or
     * {@code <data>/vault.key}; a vault without a key can list but not open secrets. Blocks on file I/O.
     */
    public static Vault open(Path dataDirectory, Map<String, String> environment) {
        Path keyFile = dataDirectory.resolve(KEY_FILE);
        String fromEnvironment = environment.get(KEY_ENVIRONMENT_VARIABLE);
        Optional<VaultKey> key;
        String source;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            key = Optional.of(VaultKey.fromBase64(fromEnvironment, "environment variable " + KEY_ENVIRONMENT_VARIABLE));
            source = "environment variable " + KEY_ENVIRONMENT_VARIABLE;
        } else if (Files.exists(keyFile)) {
            key = Optional.of(VaultKey.load(keyFile));
            source = "key file " + keyFile;
        } else {
            key = Optional.empty();
            source = "no key (set " + KEY_ENVIRONMENT_VARIABLE + " or create " + keyFile + ")";
        }
        return new Vault(new FileSecretStore(dataDirectory.resolve(VAULT_FILE)), key, source, Clock.systemUTC());
    }

    /** Like {@link #open}, but creates {@code <data>/vault.key} when no key is available. For {@code vault set}. */
    public static Vault openForWriting(Path dataDirectory, Map<String, String> environment) {
        String fromEnvironment = environment.get(KEY_ENVIRONMENT_VARIABLE);
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            VaultKey.loadOrCreate(dataDirectory.resolve(KEY_FILE));
        }
        return open(dataDirectory, environment);
    }

    /** Whether a key is available to open secrets. */
    public boolean hasKey() {
        return key.isPresent();
    }

    /** Where the key came from, for messages (never the key). */
    public String keySource() {
        return keySource;
    }

    public SecretStore store() {
        return store;
    }

    /** Seals and stores a credential under {@code name}, replacing any previous one. Blocks. */
    public void put(String name, Credential credential) {
        checkName(name);
        requireNonNull(credential, "credential is null");
        checkUser(credential.user());
        byte[] plaintext = credential.password().getBytes(StandardCharsets.UTF_8);
        try {
            if (plaintext.length > MAX_PASSWORD_BYTES) {
                throw new VaultException("the password for \"" + name + "\" is longer than " + MAX_PASSWORD_BYTES + " bytes");
            }
            VaultKey sealingKey = requireKey();
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(name, credential.user()));
            byte[] ciphertext = cipher.doFinal(plaintext);
            Base64.Encoder base64 = Base64.getEncoder();
            store.put(new SealedSecret(name, credential.user(), sealingKey.id(),
                    base64.encodeToString(nonce), base64.encodeToString(ciphertext), clock.instant()));
        } catch (GeneralSecurityException failure) {
            throw new VaultException("cannot seal the secret \"" + name + "\": " + failure.getClass().getSimpleName());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Opens the credential stored under {@code name}, as the store holds it now (a rotation by another
     * process is seen within the store's check interval). Blocks.
     *
     * @throws VaultException when there is no such secret, no key, a different key, or the sealed data
     *     was changed; the message never contains the secret
     */
    public Credential credential(String name) {
        requireNonNull(name, "name is null");
        SealedSecret sealed = store.find(name)
                .orElseThrow(() -> new VaultException("the vault has no secret \"" + name + "\""));
        VaultKey openingKey = requireKey();
        if (!openingKey.id().equals(sealed.keyId())) {
            throw new VaultException("the vault secret \"" + name + "\" was sealed with another key (key id "
                    + sealed.keyId() + "); the key from " + keySource + " has id " + openingKey.id());
        }
        byte[] plaintext = null;
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            byte[] nonce = base64.decode(sealed.nonce());
            if (nonce.length != NONCE_BYTES) {
                throw tampered(name);
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, openingKey.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(name, sealed.user()));
            plaintext = cipher.doFinal(base64.decode(sealed.ciphertext()));
            return new Credential(sealed.user(), StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(plaintext)).toString());
        } catch (AEADBadTagException | IllegalArgumentException | java.nio.charset.CharacterCodingException broken) {
            throw tampered(name);
        } catch (GeneralSecurityException failure) {
            throw new VaultException("cannot open the secret \"" + name + "\": " + failure.getClass().getSimpleName());
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    /** The user stored for {@code name}, without opening the secret (no key needed). Blocks. */
    public Optional<String> user(String name) {
        return store.find(name).map(SealedSecret::user);
    }

    /** Names, users and update times; never secrets. Blocks. */
    public List<VaultEntry> list() {
        return store.all().stream().map(SealedSecret::entry).toList();
    }

    /** Removes a secret; returns whether it existed. Blocks. */
    public boolean remove(String name) {
        return store.remove(name);
    }

    /** Validates a secret name: 1-128 of letters, digits, '.', '_' and '-', starting with a letter or digit. */
    public static void checkName(String name) {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new VaultException("a vault name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private static void checkUser(String user) {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH || user.chars().anyMatch(Character::isISOControl)) {
            throw new VaultException("a vault user must be 1-" + MAX_USER_LENGTH + " characters without control characters");
        }
    }

    private VaultKey requireKey() {
        return key.orElseThrow(() -> new VaultException("the vault has " + keySource));
    }

    private static VaultException tampered(String name) {
        return new VaultException("the vault secret \"" + name
                + "\" failed its integrity check: the vault file was changed or corrupted");
    }

    private static byte[] associatedData(String name, String user) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(AAD_LABEL.length + 1 + nameBytes.length + 1 + userBytes.length)
                .put(AAD_LABEL).put((byte) 0).put(nameBytes).put((byte) 0).put(userBytes)
                .array();
    }

    @Override
    public String toString() {
        return "Vault[" + store + ", key " + key.map(VaultKey::id).orElse("absent") + "]";
    }
}
