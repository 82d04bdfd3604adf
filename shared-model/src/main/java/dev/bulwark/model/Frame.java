package dev.bulwark.model;

import static java.util.Objects.requireNonNull;

/**
 * One recorded step of a session.
 *
 * <pre>{"seq":3,"timestamp_micros":1763726400000000,"payload":{"kind":"statement",...}}</pre>
 *
 * @param seq the frame's position in its session, from 1
 * @param timestampMicros when, in microseconds since the epoch
 * @param payload what happened
 */
public record Frame(long seq, long timestampMicros, FramePayload payload) {
    public Frame {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1");
        }
        Checks.notNegative(timestampMicros, "timestamp_micros");
        requireNonNull(payload, "payload is null");
    }
}
