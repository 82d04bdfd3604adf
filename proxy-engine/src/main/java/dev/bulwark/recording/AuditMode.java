package dev.bulwark.recording;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How a target's sessions are recorded (target config key {@code audit: strict|async}).
 * <ul>
 *   <li>STRICT: a frame's future completes once it is committed to the store; the engine forwards a
 *   statement only after that, and refuses statements while the recorder is unhealthy.</li>
 *   <li>ASYNC: a frame's future completes once it is queued (immediately, or when the queue has room
 *   again: backpressure). A store failure loses the queued frames, which the chain then records as a
 *   {@code recording_gap}.</li>
 * </ul>
 */
public enum AuditMode {
    STRICT,
    ASYNC;

    @JsonCreator
    public static AuditMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("audit mode must be strict or async, not '" + text + "'");
        }
    }
}
