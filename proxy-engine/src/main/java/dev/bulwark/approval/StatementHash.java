package dev.bulwark.approval;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a reviewer approves: SHA-256 over the exact statement text and its bind parameters, hex.
 *
 * <p>Layout hashed (all lengths are 4-byte big-endian byte counts of UTF-8):
 * <pre>
 *   "bulwark-approval-v1" 0x00
 *   Int32 len(text)  text
 *   Int32 n          (number of parameters)
 *   n x ( Int32 len(p)  p )     -- len -1 and no bytes for SQL NULL
 * </pre>
 * Every part is length-prefixed, so text and parameters cannot be shifted into each other
 * ({@code "a", ["bc"]} and {@code "ab", ["c"]} hash differently), and NULL differs from {@code 'NULL'}
 * and from the empty string.
 */
public final class StatementHash {
    private static final byte[] DOMAIN = "bulwark-approval-v1\0".getBytes(StandardCharsets.US_ASCII);

    private StatementHash() {}

    /** @param parameters rendered bind values, null elements for SQL NULL */
    public static String of(String text, List<String> parameters) {
        requireNonNull(text, "text is null");
        requireNonNull(parameters, "parameters is null");
        MessageDigest digest = sha256();
        digest.update(DOMAIN);
        lengthPrefixed(digest, text);
        digest.update(int32(parameters.size()));
        for (String parameter : parameters) {
            if (parameter == null) {
                digest.update(int32(-1));
            } else {
                lengthPrefixed(digest, parameter);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void lengthPrefixed(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(int32(bytes.length));
        digest.update(bytes);
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
