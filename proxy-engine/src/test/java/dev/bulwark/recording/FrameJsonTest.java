package dev.bulwark.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pins the stored JSON of every frame kind. The chain hashes this text, and the management protocol
 * and SIEM exports show it: a change here is a format change, not a refactoring.
 */
class FrameJsonTest {
    static final List<FramePayload> SAMPLES = List.of(
            new FramePayload.SessionStart("alice", List.of("analysts", "dba"), "https://idp.example", "jti-1",
                    "2026-11-21T09:00:00Z", "10.0.0.7:51234", "psql", "sales", "app_ro", AuditMode.STRICT),
            new FramePayload.Statement(FramePayload.Protocol.EXTENDED, "SELECT * FROM accounts WHERE id = $1 AND note = $2",
                    Arrays.asList("42", null), FramePayload.Verdict.ALLOW, "r1", "read-only", List.of("public.accounts"),
                    List.of("SELECT")),
            new FramePayload.Approval("ap-1", FramePayload.ApprovalState.GRANTED, "bob", "ok"),
            new FramePayload.Result(List.of(new FramePayload.Column("id", "int4"), new FramePayload.Column("email", "text")),
                    List.of(Arrays.asList("42", "***"), Arrays.asList("43", null)), 1000, "SELECT 1000", true, false),
            new FramePayload.Notice("WARNING", "01000", "careful"),
            new FramePayload.ErrorReport("ERROR", "42501", "permission denied"),
            new FramePayload.Copy(FramePayload.CopyDirection.IN, 2048, 12),
            new FramePayload.Cancel("client"),
            new FramePayload.SessionEnd(FramePayload.EndReason.CLIENT_TERMINATE, null));

    @Test
    void everyKindMatchesItsGoldenJsonBothWays() throws IOException {
        List<String> golden = golden();
        assertEquals(SAMPLES.size(), golden.size());
        assertEquals(FrameKind.values().length, SAMPLES.size(), "one sample per frame kind");
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(golden.get(i), FrameJson.write(SAMPLES.get(i)), "write " + SAMPLES.get(i).kind());
            assertEquals(SAMPLES.get(i), FrameJson.read(golden.get(i)), "read " + SAMPLES.get(i).kind());
        }
    }

    @Test
    void aColumnMaskedForTheRecordSaysSoAndOthersAreWrittenAsBefore() {
        FramePayload.Result result = new FramePayload.Result(List.of(new FramePayload.Column("id", "int4"),
                new FramePayload.Column("card_number", "text", true)), List.of(List.of("1", "************1111")), 1,
                "SELECT 1", false, false);
        String json = FrameJson.write(result);
        assertEquals("{\"type\":\"result\",\"columns\":[{\"name\":\"id\",\"type\":\"int4\"},"
                + "{\"name\":\"card_number\",\"type\":\"text\",\"masked_for_record\":true}],"
                + "\"rows\":[[\"1\",\"************1111\"]],\"row_count\":1,\"command_tag\":\"SELECT 1\","
                + "\"truncated\":false,\"suspended\":false}", json);
        assertEquals(result, FrameJson.read(json));
    }

    @Test
    void aWithdrawnApprovalHasItsOwnState() {
        FramePayload.Approval withdrawn = new FramePayload.Approval("a-1", FramePayload.ApprovalState.WITHDRAWN, null,
                "withdrawn: the client cancelled the statement");
        assertEquals(withdrawn, FrameJson.read(FrameJson.write(withdrawn)));
        assertTrue(FrameJson.write(withdrawn).contains("\"state\":\"WITHDRAWN\""));
    }

    @Test
    void unknownFieldsFromNewerEnginesAreIgnoredButUnknownTypesAreNot() {
        assertEquals(new FramePayload.Cancel("client"), FrameJson.read("{\"type\":\"cancel\",\"reason\":\"client\",\"later\":1}"));
        assertThrows(IllegalArgumentException.class, () -> FrameJson.read("{\"type\":\"teleport\"}"));
    }

    @Test
    void auditModesParseFromConfigSpelling() {
        assertEquals(AuditMode.STRICT, AuditMode.parse(" strict "));
        assertEquals(AuditMode.ASYNC, AuditMode.parse("ASYNC"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AuditMode.parse("sometimes"));
        assertEquals("audit mode must be strict or async, not 'sometimes'", bad.getMessage());
    }

    @Test
    void configDefaultsArePinned() {
        RecordingConfig defaults = RecordingConfig.defaults();
        assertEquals(10_000, defaults.queueCapacity());
        assertEquals(500, defaults.batchSize());
        assertEquals(100, defaults.maxResultRows());
        assertEquals(65_536, defaults.maxResultBytes());
        assertEquals(1_048_576, defaults.maxStatementChars());
        assertEquals(4_096, defaults.maxParameterChars());
        assertEquals(1_000, defaults.keyRollRecords());
        assertEquals(0, defaults.retentionDays());
        assertEquals(4_096, defaults.retentionMaxMegabytes(), "the disk stays bounded by default");
        assertEquals(10, defaults.retentionCheckMinutes());
        assertTrue(defaults.journal());
        assertFalse(defaults.journalFsync());
        assertEquals(64, defaults.journalSegmentMegabytes());
        assertEquals(1_024, defaults.journalMaxMegabytes());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new RecordingConfig(0, null, null, null, null, null, null, null, null, null));
        assertEquals("recording.queue_capacity must be at least 1", bad.getMessage());
    }

    private static List<String> golden() throws IOException {
        try (InputStream in = FrameJsonTest.class.getResourceAsStream("frames.golden.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
