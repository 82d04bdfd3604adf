package dev.bulwark.masking;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Keyed HMAC-SHA256 over a value's canonical text: the same value gives the same token under the
 * same key (so joins and group-bys on tokens still work), and without the key a token cannot be
 * turned back into the value or checked against a guess. Not thread-safe: one per masker.
 */
final class Tokenizer {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private Mac mac;

    Tokenizer(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, ALGORITHM);
    }

    byte[] digest(String canonical) {
        if (key == null) {
            throw new IllegalStateException("no tokenization key configured");
        }
        try {
            if (mac == null) {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
            }
            return mac.doFinal(canonical.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A non-negative number from the first 8 bytes of the digest. */
    long number(String canonical) {
        byte[] digest = digest(canonical);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (digest[i] & 0xff);
        }
        return value & Long.MAX_VALUE;
    }

    /** The first {@code chars} hex characters of the digest. */
    String hex(String canonical, int chars) {
        return HexFormat.of().formatHex(digest(canonical)).substring(0, chars);
    }
}
