package dev.bulwark.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The hash chain over a node's records:
 * {@code hash[n] = HMAC-SHA256(key[epoch[n]], hash[n-1] || canonical(record[n]))}, with
 * {@code hash[0]} 32 zero bytes.
 *
 * <p>Canonical bytes (version 1): the ASCII tag {@code "bulwark-chain-1"}, a type byte ({@code 'F'}
 * frame, {@code 'A'} admin action), then the fields in this order, strings as a 4-byte big-endian
 * length and UTF-8 bytes, numbers big-endian:
 * <pre>
 *   frame: node_id, seq (8), epoch (4), at_micros (8), session_id, frame_no (4), kind, payload
 *   admin: node_id, seq (8), epoch (4), at_micros (8), actor, action, target, details
 * </pre>
 * Seq and epoch are inside the HMAC, so a record cannot be moved, renumbered or re-labelled to
 * another epoch without breaking its own hash.
 */
public final class AuditChain {
    /** The hash before the first record of a chain. */
    public static final String GENESIS = "0".repeat(64);
    private static final byte[] TAG = "bulwark-chain-1".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {}

    /** The record's hash given the previous record's hash (hex) and the key of the record's epoch. */
    public static String hash(ChainKey key, String previousHash, ChainRecord record) {
        if (key.epoch() != record.epoch()) {
            throw new IllegalArgumentException("record of epoch " + record.epoch() + " hashed with key of epoch " + key.epoch());
        }
        return HEX.formatHex(key.hmac(HEX.parseHex(previousHash), canonical(record)));
    }

    /** The frame with its hash filled in (the hash field of the argument is ignored). */
    public static FrameRecord seal(ChainKey key, String previousHash, FrameRecord frame) {
        return frame.withHash(hash(key, previousHash, frame));
    }

    /** The admin action with its hash filled in (the hash field of the argument is ignored). */
    public static AdminRecord seal(ChainKey key, String previousHash, AdminRecord admin) {
        return admin.withHash(hash(key, previousHash, admin));
    }

    static byte[] canonical(ChainRecord record) {
        Canonical out = new Canonical();
        out.raw(TAG);
        switch (record) {
            case FrameRecord frame -> {
                out.raw(new byte[] {'F'});
                out.string(frame.nodeId()).int64(frame.seq()).int32(frame.epoch()).int64(frame.atMicros());
                out.string(frame.sessionId()).int32(frame.frameNo()).string(frame.kind()).string(frame.payload());
            }
            case AdminRecord admin -> {
                out.raw(new byte[] {'A'});
                out.string(admin.nodeId()).int64(admin.seq()).int32(admin.epoch()).int64(admin.atMicros());
                out.string(admin.actor()).string(admin.action()).string(admin.target()).string(admin.details());
            }
        }
        return out.bytes();
    }

    private static final class Canonical {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Canonical raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Canonical string(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            int32(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Canonical int32(int value) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
            return this;
        }

        Canonical int64(long value) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
