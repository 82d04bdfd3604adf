package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * Where a session's frames lie in its node's chain, for retention planning.
 *
 * @param sessionId the session
 * @param firstSeq the seq of its first stored frame
 * @param lastSeq the seq of its last stored frame
 * @param bytes the size of its stored payloads (characters)
 * @param endedMicros when it ended, null while open
 */
public record SessionSpan(String sessionId, long firstSeq, long lastSeq, long bytes, Long endedMicros) {
    public SessionSpan {
        requireNonNull(sessionId, "sessionId is null");
        if (lastSeq < firstSeq) {
            throw new IllegalArgumentException("lastSeq before firstSeq");
        }
    }
}
