package dev.bulwark.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC key of one epoch of a node's chain. Keys only move forward:
 * {@code key[e+1] = HMAC-SHA256(key[e], "bulwark-roll")}, so whoever holds the key of epoch e can
 * compute every later key but no earlier one. The engine keeps only its current key and
 * {@linkplain #destroy() wipes} the previous one when it rolls (best effort: the JCE may keep
 * copies of its own until they are collected).
 *
 * <p>Not thread-safe: a key is used by one thread (the recorder's writer, or a verifier).
 */
public final class ChainKey {
    /** Key length in bytes (HMAC-SHA256 output size). */
    public static final int LENGTH = 32;
    private static final byte[] ROLL = "bulwark-roll".getBytes(StandardCharsets.US_ASCII);

    private final int epoch;
    private final byte[] key;
    private Mac mac;

    private ChainKey(int epoch, byte[] key) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative");
        }
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a chain key has " + LENGTH + " bytes");
        }
        this.epoch = epoch;
        this.key = key.clone();
    }

    public static ChainKey of(int epoch, byte[] key) {
        return new ChainKey(epoch, key);
    }

    /** A fresh random seed (epoch 0). */
    public static ChainKey generateSeed() {
        byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        try {
            return new ChainKey(0, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public int epoch() {
        return epoch;
    }

    /** The key of the next epoch. This key stays usable until {@link #destroy()}. */
    public ChainKey next() {
        byte[] nextKey = hmac(ROLL);
        try {
            return new ChainKey(epoch + 1, nextKey);
        } finally {
            Arrays.fill(nextKey, (byte) 0);
        }
    }

    /** The key of a later (or the same) epoch; intermediate keys are wiped. Returns a new key. */
    public ChainKey rollTo(int targetEpoch) {
        if (targetEpoch < epoch) {
            throw new IllegalArgumentException("cannot derive epoch " + targetEpoch + " from epoch " + epoch);
        }
        ChainKey current = new ChainKey(epoch, key);
        while (current.epoch < targetEpoch) {
            ChainKey next = current.next();
            current.destroy();
            current = next;
        }
        return current;
    }

    /** HMAC-SHA256 over the concatenation of the parts. */
    byte[] hmac(byte[]... parts) {
        if (mac == null) {
            if (isDestroyed()) {
                throw new IllegalStateException("chain key of epoch " + epoch + " was destroyed");
            }
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** A copy of the key bytes, for writing the key file. The caller wipes it. */
    byte[] copyOfKey() {
        return key.clone();
    }

    /** Wipes the key from this object. */
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        mac = null;
    }

    boolean isDestroyed() {
        for (byte b : key) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ChainKey[epoch=" + epoch + "]"; // never the key
    }
}
