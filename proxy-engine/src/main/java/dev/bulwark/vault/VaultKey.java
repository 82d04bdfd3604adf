package dev.bulwark.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * The vault's AES-256 key. It comes from a key file (base64 text, 0600, created on first
 * {@code vault set}) or from an environment variable holding the same base64 text.
 *
 * <p>{@link #id()} is a short public fingerprint (HMAC of a fixed label under the key): stored next to
 * each sealed secret it tells "wrong key" apart from "tampered data" without revealing the key.
 * {@link #toString()} shows only that id.
 */
public final class VaultKey {
    static final int KEY_BYTES = 32;
    private static final byte[] ID_LABEL = "bulwark vault key id v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final String id;

    private VaultKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
        this.id = fingerprint(raw);
    }

    /** A fresh random key. */
    public static VaultKey generate() {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        try {
            return new VaultKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The key from its base64 text (standard or URL alphabet, surrounding whitespace ignored).
     *
     * @param source names where the text came from, for the error message (never the text itself)
     */
    public static VaultKey fromBase64(String base64, String source) {
        requireNonNull(base64, "base64 is null");
        byte[] raw;
        try {
            String trimmed = base64.strip();
            raw = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(trimmed)
                    : Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException notBase64) {
            throw new VaultException("vault key from " + source + " is not valid base64");
        }
        if (raw.length != KEY_BYTES) {
            Arrays.fill(raw, (byte) 0);
            throw new VaultException("vault key from " + source + " must be " + KEY_BYTES + " bytes, not " + raw.length);
        }
        try {
            return new VaultKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Reads the key file. Blocks on file I/O. */
    public static VaultKey load(Path file) {
        try {
            return fromBase64(Files.readString(file, StandardCharsets.US_ASCII), "key file " + file);
        } catch (NoSuchFileException missing) {
            throw new VaultException("vault key file " + file + " does not exist");
        } catch (IOException unreadable) {
            throw new VaultException("vault key file " + file + " cannot be read: " + unreadable.getClass().getSimpleName());
        }
    }

    /** Reads the key file, creating it (0600, fresh random key) when absent. Blocks on file I/O. */
    public static VaultKey loadOrCreate(Path file) {
        try {
            SecureFiles.createPrivateDirectories(file.toAbsolutePath().getParent());
            VaultKey fresh = generate();
            SecureFiles.createPrivateIfAbsent(file, (fresh.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException unwritable) {
            throw new VaultException("vault key file " + file + " cannot be created: " + unwritable.getClass().getSimpleName());
        }
        return load(file);
    }

    /** The key's public fingerprint: 16 hex digits. */
    public String id() {
        return id;
    }

    SecretKey secretKey() {
        return key;
    }

    String toBase64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private static String fingerprint(byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(ID_LABEL), 0, 8);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 is not available", impossible);
        }
    }

    @Override
    public String toString() {
        return "VaultKey[id=" + id + "]";
    }
}
