package dev.bulwark.engine;

import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.AuditMode;
import dev.bulwark.recording.FrameJson;
import dev.bulwark.recording.FramePayload.Verdict;
import dev.bulwark.recording.RecordedFrame;
import dev.bulwark.store.Micros;
import dev.bulwark.store.SessionRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One test per recorded frame kind: the recording's payload and the protocol's payload it becomes. */
class FrameMappingTest {
    private static final Instant AT = Instant.parse("2026-11-21T08:00:00.123456Z");

    private static FramePayload map(dev.bulwark.recording.FramePayload recorded) {
        // Through the stored JSON, as the store hands it back.
        return FrameMapping.payload(FrameJson.read(FrameJson.write(recorded)));
    }

    @Test
    void sessionStart() {
        assertEquals(new FramePayload.SessionStart("alice", List.of("analysts"), "shop", "shop", "app_ro",
                        "10.0.0.7:51234", "psql"),
                map(new dev.bulwark.recording.FramePayload.SessionStart("alice", List.of("analysts"), "https://idp",
                        "jti-1", "2026-11-21T09:00:00Z", "10.0.0.7:51234", "psql", "shop", "app_ro", AuditMode.STRICT)));
        FramePayload.SessionStart anonymous = (FramePayload.SessionStart) map(new dev.bulwark.recording.FramePayload.SessionStart(
                "", List.of(), "", "", "2026-11-21T09:00:00Z", "", "", "shop", "", AuditMode.ASYNC));
        assertEquals(FrameMapping.UNKNOWN, anonymous.subject(), "a blank subject is shown, not refused");
        assertEquals(null, anonymous.applicationName());
    }

    @Test
    void statement() {
        assertEquals(new FramePayload.Statement(FramePayload.Protocol.EXTENDED, "DELETE FROM t WHERE id = $1",
                        Arrays.asList("7", null), VerdictAction.HOLD, "hold-deletes", false, List.of("DELETE"), List.of("t")),
                map(new dev.bulwark.recording.FramePayload.Statement(dev.bulwark.recording.FramePayload.Protocol.EXTENDED,
                        "DELETE FROM t WHERE id = $1", Arrays.asList("7", null), Verdict.HOLD, "hold-deletes", "Hold deletes",
                        List.of("t"), List.of("DELETE"))));
        assertEquals(VerdictAction.DENY, FrameMapping.verdict(Verdict.DENY));
        assertEquals(VerdictAction.ALLOW, FrameMapping.verdict(Verdict.ALLOW));
        FramePayload.Statement simple = (FramePayload.Statement) map(new dev.bulwark.recording.FramePayload.Statement(
                dev.bulwark.recording.FramePayload.Protocol.SIMPLE, "SELECT 1", List.of(), Verdict.ALLOW, null, null, null, null));
        assertEquals(FramePayload.Protocol.SIMPLE, simple.protocol());
        assertEquals(null, simple.rule());
    }

    /** Issue 24 class 6: an UPDATE after the recorder's cut still shows, and the cut is said. */
    @Test
    void aTruncatedStatementKeepsItsFlagAndItsClassification() {
        FramePayload.Statement cut = (FramePayload.Statement) map(new dev.bulwark.recording.FramePayload.Statement(
                dev.bulwark.recording.FramePayload.Protocol.SIMPLE, "SELECT 1; /* xxxx", List.of(), Verdict.LOG,
                "audit-all", "Audit all", List.of("accounts"), List.of("SELECT", "UPDATE"), true));
        assertEquals(true, cut.truncated());
        assertEquals(List.of("SELECT", "UPDATE"), cut.verbs());
        assertEquals(List.of("accounts"), cut.tables());
        assertEquals(VerdictAction.LOG, cut.verdict());
    }

    /** The export writes the recording's verdict names; the socket must say the same verdict for each. */
    @Test
    void everyRecordedVerdictHasTheSameNameOnTheSocket() throws Exception {
        for (Verdict recorded : Verdict.values()) {
            String socket = ManagementJson.mapper().writeValueAsString(FrameMapping.verdict(recorded)).replace("\"", "");
            String exported = FrameJson.write(new dev.bulwark.recording.FramePayload.Statement(
                    dev.bulwark.recording.FramePayload.Protocol.SIMPLE, "SELECT 1", List.of(), recorded, null, null, null, null))
                    .replaceAll(".*\"verdict\":\"([A-Z]+)\".*", "$1");
            assertEquals(exported.toLowerCase(java.util.Locale.ROOT), socket, "verdict " + recorded);
            assertEquals(exported, FrameMapping.recordedVerdict(FrameMapping.verdict(recorded)), "search by it finds it");
        }
    }

    @Test
    void approval() {
        assertEquals(new FramePayload.Approval("a-1", ApprovalState.PENDING, null, null),
                map(new dev.bulwark.recording.FramePayload.Approval("a-1",
                        dev.bulwark.recording.FramePayload.ApprovalState.ASKED, "alice", "month end")),
                "the requester is not a decider");
        assertEquals(new FramePayload.Approval("a-1", ApprovalState.APPROVED, "bob", "ticket 7"),
                map(new dev.bulwark.recording.FramePayload.Approval("a-1",
                        dev.bulwark.recording.FramePayload.ApprovalState.GRANTED, "bob", "ticket 7")));
        assertEquals(new FramePayload.Approval("a-1", ApprovalState.DENIED, "bob", null),
                map(new dev.bulwark.recording.FramePayload.Approval("a-1",
                        dev.bulwark.recording.FramePayload.ApprovalState.DENIED, "bob", null)));
        assertEquals(new FramePayload.Approval("a-1", ApprovalState.EXPIRED, null, null),
                map(new dev.bulwark.recording.FramePayload.Approval("a-1",
                        dev.bulwark.recording.FramePayload.ApprovalState.EXPIRED, null, null)));
        assertEquals(new FramePayload.Approval("a-1", ApprovalState.WITHDRAWN, null, null),
                map(new dev.bulwark.recording.FramePayload.Approval("a-1",
                        dev.bulwark.recording.FramePayload.ApprovalState.WITHDRAWN, null, "withdrawn: the client cancelled")));
    }

    @Test
    void result() {
        assertEquals(new FramePayload.Result(List.of(new ResultColumn("id", "int4"), new ResultColumn("email", "text")),
                        List.of(List.of("1", "a***@example.com"), Arrays.asList("2", null)), true, 1000, "SELECT 1000"),
                map(new dev.bulwark.recording.FramePayload.Result(
                        List.of(new dev.bulwark.recording.FramePayload.Column("id", "int4"),
                                new dev.bulwark.recording.FramePayload.Column("email", "text")),
                        List.of(List.of("1", "a***@example.com"), Arrays.asList("2", null)), 1000, "SELECT 1000", true, false)));
        FramePayload.Result suspended = (FramePayload.Result) map(new dev.bulwark.recording.FramePayload.Result(
                List.of(new dev.bulwark.recording.FramePayload.Column("x", "")), List.of(), 0, null, false, true));
        assertEquals("", suspended.commandTag(), "a suspended portal has no tag");
        assertEquals(FrameMapping.UNKNOWN, suspended.columns().getFirst().type());
    }

    @Test
    void notice() {
        assertEquals(new FramePayload.Notice("WARNING", "there is no transaction in progress"),
                map(new dev.bulwark.recording.FramePayload.Notice("WARNING", "25P01", "there is no transaction in progress")));
        assertEquals("NOTICE", ((FramePayload.Notice) map(new dev.bulwark.recording.FramePayload.Notice(null, null, "hi")))
                .severity());
    }

    @Test
    void error() {
        assertEquals(new FramePayload.Error("42501", "statement denied by rule \"no-ddl\"", null),
                map(new dev.bulwark.recording.FramePayload.ErrorReport("ERROR", "42501", "statement denied by rule \"no-ddl\"")));
        assertEquals("XX000", ((FramePayload.Error) map(new dev.bulwark.recording.FramePayload.ErrorReport("ERROR", "", "?")))
                .sqlstate());
    }

    @Test
    void copy() {
        assertEquals(new FramePayload.Copy(FramePayload.CopyDirection.IN, 3, 120),
                map(new dev.bulwark.recording.FramePayload.Copy(dev.bulwark.recording.FramePayload.CopyDirection.IN, 120, 3)),
                "the recording says bytes then rows, the protocol rows then bytes");
        assertEquals(FramePayload.CopyDirection.OUT, ((FramePayload.Copy) map(new dev.bulwark.recording.FramePayload.Copy(
                dev.bulwark.recording.FramePayload.CopyDirection.OUT, 0, 0))).direction());
    }

    @Test
    void cancel() {
        assertEquals(new FramePayload.Cancel("client", "CancelRequest"),
                map(new dev.bulwark.recording.FramePayload.Cancel("CancelRequest")));
    }

    @Test
    void sessionEnd() {
        assertEquals(new FramePayload.SessionEnd("killed: by bob"),
                map(new dev.bulwark.recording.FramePayload.SessionEnd(dev.bulwark.recording.FramePayload.EndReason.KILLED, "by bob")));
        assertEquals(new FramePayload.SessionEnd("client_terminate"),
                map(new dev.bulwark.recording.FramePayload.SessionEnd(
                        dev.bulwark.recording.FramePayload.EndReason.CLIENT_TERMINATE, null)));
    }

    @Test
    void aFrameCountsFromOneAndKeepsItsMicroseconds() throws Exception {
        Frame frame = FrameMapping.frame(new RecordedFrame("s-1", 0, 42, AT,
                new dev.bulwark.recording.FramePayload.Cancel(null)));
        assertEquals(1, frame.seq());
        assertEquals(Micros.of(AT), frame.timestampMicros());
        // And it is valid on the wire.
        assertEquals(frame, ManagementJson.mapper().readValue(ManagementJson.mapper().writeValueAsString(frame), Frame.class));
    }

    @Test
    void aSessionRowWithItsCounts() {
        SessionRow row = new SessionRow("s-1", "local", "alice", List.of("analysts"), "https://idp", "jti", "10.0.0.7:1",
                "psql", "shop", "app_ro", "STRICT", Micros.of(AT), null, null, null);
        assertEquals(new RecordingSummary("s-1", "alice", List.of("analysts"), "shop", "shop", "10.0.0.7:1", AT, null,
                        5, 1, 2, 12),
                FrameMapping.summary(row, new FrameMapping.Counts(5, 1, 2, 12)));
    }

    @Test
    void aMaskVerdictCannotBeSearchedFor() {
        assertEquals("DENY", FrameMapping.recordedVerdict(VerdictAction.DENY));
        assertThrows(IllegalArgumentException.class, () -> FrameMapping.recordedVerdict(VerdictAction.MASK));
    }
}
