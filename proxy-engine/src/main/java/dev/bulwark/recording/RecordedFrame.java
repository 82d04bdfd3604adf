package dev.bulwark.recording;

import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.Micros;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A frame as replayed: where it sits and what it recorded.
 *
 * @param sessionId the session
 * @param frameNo its number within the session (0 is SESSION_START)
 * @param seq its position in the node's chain
 * @param at when it happened (microsecond precision)
 * @param payload what it recorded
 */
public record RecordedFrame(String sessionId, int frameNo, long seq, Instant at, FramePayload payload) {
    public RecordedFrame {
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(at, "at is null");
        requireNonNull(payload, "payload is null");
    }

    static RecordedFrame of(FrameRecord record) {
        return new RecordedFrame(record.sessionId(), record.frameNo(), record.seq(), Micros.toInstant(record.atMicros()),
                FrameJson.read(record.payload()));
    }
}
