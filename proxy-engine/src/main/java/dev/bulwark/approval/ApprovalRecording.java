package dev.bulwark.approval;

import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.SessionRecording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Where a held statement's approval frames go: the session's recording. Called from whatever thread
 * moves the approval on (the session's, the management loop, the timer), one call at a time per request,
 * in order; it must not block.
 *
 * <p>Frames written: {@code ASKED} when held; {@code GRANTED}/{@code DENIED} with {@code by} set for each
 * reviewer's decision; then the outcome with {@code by} null ({@code GRANTED}, {@code DENIED},
 * {@code EXPIRED}, {@code WITHDRAWN} with a reason starting {@code withdrawn:}).
 */
@FunctionalInterface
public interface ApprovalRecording {
    /** Records nothing: for statements of sessions that are not recorded, and for tests. */
    ApprovalRecording NONE = frame -> { };

    void approval(FramePayload.Approval frame);

    /** Into a session's recording; a frame that cannot be written (the session ended) is only logged. */
    static ApprovalRecording of(SessionRecording recording) {
        requireNonNull(recording, "recording is null");
        Logger log = LoggerFactory.getLogger(ApprovalRecording.class);
        return frame -> recording.approval(frame).whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.debug("session {}: approval frame for {} not recorded: {}", recording.sessionId(),
                        frame.approvalId(), failure.toString());
            }
        });
    }
}
