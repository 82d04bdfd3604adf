package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * A stored session frame.
 *
 * @param nodeId the engine node whose chain holds it
 * @param seq its position in the node's chain
 * @param epoch the key epoch its hash was made with
 * @param sessionId the session it belongs to
 * @param frameNo its position within the session (0 is SESSION_START)
 * @param atMicros when it happened, microseconds since the epoch
 * @param kind the payload kind (SESSION_START, STATEMENT, ...)
 * @param payload the payload as JSON text, exactly as hashed
 * @param hash the chain hash, lower-case hex
 */
public record FrameRecord(
        String nodeId,
        long seq,
        int epoch,
        String sessionId,
        int frameNo,
        long atMicros,
        String kind,
        String payload,
        String hash) implements ChainRecord {

    public FrameRecord {
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(payload, "payload is null");
        requireNonNull(hash, "hash is null");
    }

    @Override
    public String describe() {
        return "session " + sessionId + " frame " + frameNo + " (" + kind + ")";
    }

    FrameRecord withHash(String newHash) {
        return new FrameRecord(nodeId, seq, epoch, sessionId, frameNo, atMicros, kind, payload, newHash);
    }
}
