package dev.bulwark.engine;

import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.RecordedFrame;
import dev.bulwark.store.Micros;
import dev.bulwark.store.SessionRow;

import java.util.Locale;

/**
 * The one place where the recording's stored records become the management protocol's. The two
 * models differ on purpose: the recording's is the chained storage format (never renamed), the
 * protocol's is what consoles read. Where the recording holds something the protocol's records
 * refuse (a blank name, a missing command tag), the mapping fills in a visible placeholder rather
 * than failing the whole page.
 */
final class FrameMapping {
    /** Shown where the recording has no value for a field the protocol requires. */
    static final String UNKNOWN = "?";

    private FrameMapping() {}

    /** A stored frame as the protocol shows it; its {@code seq} counts from 1 (frame_no counts from 0). */
    static Frame frame(RecordedFrame recorded) {
        return new Frame(recorded.frameNo() + 1L, Math.max(0, Micros.of(recorded.at())), payload(recorded.payload()));
    }

    static FramePayload payload(dev.bulwark.recording.FramePayload payload) {
        return switch (payload) {
            case dev.bulwark.recording.FramePayload.SessionStart start -> new FramePayload.SessionStart(
                    text(start.subject()), start.groups(), text(start.target()), start.target(), start.databaseRole(),
                    start.clientAddress(), start.applicationName());
            case dev.bulwark.recording.FramePayload.Statement statement -> new FramePayload.Statement(
                    switch (statement.protocol()) {
                        case SIMPLE -> FramePayload.Protocol.SIMPLE;
                        case EXTENDED -> FramePayload.Protocol.EXTENDED;
                    },
                    statement.text(), statement.parameters(), verdict(statement.verdict()), statement.ruleId(),
                    statement.truncated(), statement.verbs(), statement.tables());
            case dev.bulwark.recording.FramePayload.Approval approval -> {
                ApprovalState state = switch (approval.state()) {
                    case ASKED -> ApprovalState.PENDING;
                    case GRANTED -> ApprovalState.APPROVED;
                    case DENIED -> ApprovalState.DENIED;
                    case EXPIRED -> ApprovalState.EXPIRED;
                    case WITHDRAWN -> ApprovalState.WITHDRAWN;
                };
                // The recording names the requester on ASKED; the protocol's "by" is only a decider.
                boolean decided = state == ApprovalState.APPROVED || state == ApprovalState.DENIED;
                yield new FramePayload.Approval(text(approval.approvalId()), state, decided ? approval.by() : null,
                        decided ? approval.reason() : null);
            }
            case dev.bulwark.recording.FramePayload.Result result -> new FramePayload.Result(
                    result.columns().stream().map(column -> new ResultColumn(column.name(), text(column.type()),
                            column.maskedForRecord())).toList(),
                    result.rows(), result.truncated(), Math.max(0, result.rowCount()),
                    result.commandTag() == null ? "" : result.commandTag());
            case dev.bulwark.recording.FramePayload.Notice notice ->
                    new FramePayload.Notice(notice.severity() == null || notice.severity().isBlank() ? "NOTICE" : notice.severity(),
                            notice.message());
            case dev.bulwark.recording.FramePayload.ErrorReport error -> new FramePayload.Error(
                    error.sqlstate().length() == 5 ? error.sqlstate() : "XX000", error.message(), null);
            case dev.bulwark.recording.FramePayload.Copy copy -> new FramePayload.Copy(
                    switch (copy.direction()) {
                        case IN -> FramePayload.CopyDirection.IN;
                        case OUT -> FramePayload.CopyDirection.OUT;
                    },
                    Math.max(0, copy.rows()), Math.max(0, copy.bytes()));
            // The recording's cancel frames are the client's CancelRequests; operator kills end the session instead.
            case dev.bulwark.recording.FramePayload.Cancel cancel -> new FramePayload.Cancel("client", cancel.reason());
            case dev.bulwark.recording.FramePayload.SessionEnd end -> new FramePayload.SessionEnd(
                    end.reason().name().toLowerCase(Locale.ROOT)
                            + (end.detail() == null || end.detail().isBlank() ? "" : ": " + end.detail()));
        };
    }

    /**
     * The recording's verdict under the same name in the protocol (the audit export writes the
     * recording's names), so an auditor comparing the export with the console sees one verdict.
     */
    static VerdictAction verdict(dev.bulwark.recording.FramePayload.Verdict verdict) {
        return switch (verdict) {
            case ALLOW -> VerdictAction.ALLOW;
            case LOG -> VerdictAction.LOG;
            case DENY -> VerdictAction.DENY;
            case HOLD -> VerdictAction.HOLD;
        };
    }

    /** The recording's verdict name for a protocol verdict filter; MASK is not recorded apart from ALLOW. */
    static String recordedVerdict(VerdictAction verdict) {
        return switch (verdict) {
            case ALLOW -> "ALLOW";
            case DENY -> "DENY";
            case HOLD -> "HOLD";
            case LOG -> "LOG";
            case MASK -> throw new IllegalArgumentException(
                    "recordings do not tell masked statements apart from allowed ones: search for allow");
        };
    }

    /** A session row with its counts. */
    static RecordingSummary summary(SessionRow row, Counts counts) {
        return new RecordingSummary(row.id(), text(row.subject()), row.groups(), text(row.target()), row.target(),
                row.clientAddress(), Micros.toInstant(row.startedMicros()),
                row.endedMicros() == null ? null : Micros.toInstant(row.endedMicros()),
                counts.statements(), counts.denied(), counts.held(), counts.frames());
    }

    /** What a recorded session holds. */
    record Counts(long statements, long denied, long held, long frames) {
        static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? UNKNOWN : value;
    }
}
