package dev.bulwark.console.replay;

import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.VerdictAction;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the replay shows at one frame: the frame itself, the statement it belongs to (a result
 * shows the statement that produced it), that statement's verdict, the result grid when the frame
 * is a result, and a message for errors, notices and session events.
 *
 * @param index the frame's position in the loaded timeline, from 0
 * @param gapMicros the time since the previous frame (0 for the first)
 * @param statement the current statement's text, empty before the first
 * @param verdict the current statement's verdict, null before the first
 * @param rule the deciding rule of the current statement, null when the default decided
 * @param result the result grid, null when this frame is not a result
 * @param message a line about this frame (an error, a notice, the session starting), null when none
 * @param messageKind how to style the message
 * @param truncated whether the recorder cut the current statement's text (or a bind value)
 * @param verbs the current statement's verbs as the engine read the whole statement, empty when unknown
 * @param tables the current statement's tables as the engine read the whole statement
 */
public record FrameView(int index, Frame frame, long gapMicros, String kind, String statement, VerdictAction verdict,
        String rule, FramePayload.Result result, String message, MessageKind messageKind, boolean truncated,
        List<String> verbs, List<String> tables) {

    public enum MessageKind { NONE, INFO, NOTICE, ERROR }

    public FrameView {
        requireNonNull(frame, "frame is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(statement, "statement is null");
        requireNonNull(messageKind, "messageKind is null");
        verbs = List.copyOf(verbs);
        tables = List.copyOf(tables);
    }

    /**
     * What the engine read the current statement to do, and whether the recording holds all of it:
     * "SELECT, UPDATE on accounts · truncated by the recorder ...". Empty before the first statement.
     */
    public String classification() {
        if (statement.isEmpty()) {
            return "";
        }
        String does = (verbs.isEmpty() ? "Not classified" : "Does " + SafeText.line(String.join(", ", verbs)))
                + (tables.isEmpty() ? "" : " on " + SafeText.line(String.join(", ", tables)));
        return truncated ? does + " · TRUNCATED by the recorder: only the first "
                + statement.codePointCount(0, statement.length())
                + " characters (or a cut bind value) were kept; verbs and tables are of the whole statement" : does;
    }
}
