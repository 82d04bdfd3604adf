package dev.bulwark.recording;

import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.AuditChain;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.ChainCursor;
import dev.bulwark.store.ChainKey;
import dev.bulwark.store.ChainRecord;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.RetentionPolicy;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.TestStores;
import dev.bulwark.store.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the chain catches. Each test records a small history (3 sessions of 5 frames, the key rolled
 * every 5 records, so the chain spans epochs 0-4), tampers with the store the way an intruder with
 * database access would, and checks that verification names the first record it broke.
 *
 * <p>Layout: seq 1 is the start's key_roll (epoch 0); then each epoch holds 4 frames and a key_roll.
 * The 15 frames end in epoch 4 with 3 frames after its key_roll (seq 17-19).
 */
class AuditTamperTest {
    private static final Executor DIRECT = Runnable::run;
    private static final String MARKER = "ZQXJ-MARKER-7";

    @TempDir
    Path dataDir;

    private JdbcStore store;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void recordHistory() throws Exception {
        store = TestStores.h2(dataDir);
        Recorder recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), Fixtures.config(100, 5), clock);
        try {
            for (int s = 1; s <= 3; s++) {
                SessionRecording session = recorder.open(Fixtures.session("t-" + s, "user" + s, AuditMode.STRICT), DIRECT);
                session.statement(Fixtures.select("SELECT '" + (s == 2 ? MARKER : "plain") + "'"));
                session.result().complete("SELECT 1");
                session.statement(Fixtures.select("SELECT now()"));
                clock.advance(Duration.ofMinutes(1));
                session.end(FramePayload.EndReason.CLIENT_TERMINATE, null).get(10, TimeUnit.SECONDS);
            }
        } finally {
            recorder.close();
        }
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void anUntouchedChainVerifiesAcrossEpochs() throws Exception {
        VerifyReport report = verify();
        assertTrue(report.ok(), () -> report.failure().orElseThrow().toString());
        assertEquals(19, report.records());
        assertEquals(1, report.firstSeq());
        assertEquals(19, report.lastSeq());
        assertEquals(4, report.lastEpoch());
        assertEquals(4, stateEpoch());
        assertEquals(4, store.adminActions("local", AdminRecord.KEY_ROLL).size());
    }

    @Test
    void flippingOneByteOfAStoredPayloadIsDetectedAndNamed() throws Exception {
        FrameRecord target = store.frames("t-1", 1, 1).getFirst();
        byte[] bytes = target.payload().getBytes(StandardCharsets.UTF_8);
        int at = target.payload().indexOf("plain");
        bytes[at] ^= 0x01; // 'p' -> 'q'
        execute("UPDATE frames SET payload = ? WHERE node_id = 'local' AND seq = ?",
                new String(bytes, StandardCharsets.UTF_8), target.seq());

        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertEquals(target.seq(), failure.seq());
        assertEquals("t-1", failure.sessionId());
        assertEquals(1, failure.frameNo());
        assertTrue(failure.reason().contains("hash mismatch"), failure.reason());
    }

    @Test
    void patchingTheBytesOfTheDatabaseFileIsDetected() throws Exception {
        FrameRecord target = store.frames("t-2", 1, 1).getFirst();
        store.close();
        Path file = dataDir.resolve("store/bulwark.mv.db");
        byte[] content = Files.readAllBytes(file);
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        int patched = 0;
        for (int i = 0; i + marker.length <= content.length; i++) {
            if (java.util.Arrays.equals(content, i, i + marker.length, marker, 0, marker.length)) {
                content[i] ^= 0x01; // 'Z' -> '['
                patched++;
            }
        }
        assertTrue(patched > 0, "H2 stores the payload text uncompressed, so the marker is in the file");
        Files.write(file, content);

        store = JdbcStore.openExisting(StoreConfig.defaults(), dataDir);
        assertTrue(store.frames("t-2", 1, 1).getFirst().payload().contains("[QXJ-MARKER-7"), "the patch reads back");
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertEquals(target.seq(), failure.seq());
        assertEquals("t-2", failure.sessionId());
        assertEquals(1, failure.frameNo());
    }

    @Test
    void deletingARecordInTheMiddleIsDetected() throws Exception {
        FrameRecord target = store.frames("t-2", 2, 1).getFirst();
        execute("DELETE FROM frames WHERE node_id = 'local' AND seq = ?", target.seq());
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertEquals(target.seq() + 1, failure.seq());
        assertEquals("records seq " + target.seq() + ".." + target.seq() + " are missing", failure.reason());
    }

    @Test
    void anAttackerWithTheCurrentKeyCannotRewriteAnEarlierEpoch() throws Exception {
        ChainKey stolen = AuditKeyFiles.in(dataDir).readState().orElseThrow(); // all an intruder finds on the host
        assertEquals(4, stolen.epoch());
        FrameRecord early = store.frames("t-1", 1, 1).getFirst(); // seq 3, epoch 1
        assertEquals(1, early.epoch());

        // Rewrite from the record on with the stolen key, relabelling everything to the current epoch...
        forge(stolen, early.seq(), true);
        VerifyReport.Failure relabelled = verify().failure().orElseThrow();
        assertEquals(early.seq(), relabelled.seq());
        assertTrue(relabelled.reason().contains("claims key epoch 4"), relabelled.reason());

        // ...or keeping the labels: the HMAC of the earlier epoch cannot be made without that epoch's key.
        recordHistoryAgain();
        forge(AuditKeyFiles.in(dataDir).readState().orElseThrow(), store.frames("t-1", 1, 1).getFirst().seq(), false);
        VerifyReport.Failure kept = verify().failure().orElseThrow();
        assertTrue(kept.reason().contains("hash mismatch"), kept.reason());
    }

    @Test
    void theSameForgeryInTheCurrentEpochGoesUnnoticedWhichIsWhyKeysRoll() throws Exception {
        // The documented limit, and proof that the forging above is done right: records made with the
        // current key can be rewritten by whoever holds it. key_roll_records bounds how many.
        ChainKey stolen = AuditKeyFiles.in(dataDir).readState().orElseThrow();
        FrameRecord recent = store.frames("t-3", 3, 1).getFirst();
        assertEquals(stolen.epoch(), recent.epoch());
        forge(stolen, recent.seq(), false);
        assertTrue(verify().ok());
        assertTrue(store.frames("t-3", 3, 1).getFirst().payload().contains("forged"));
    }

    @Test
    void deletingThePrefixWithoutARetentionCheckpointIsDetected() throws Exception {
        execute("DELETE FROM frames WHERE node_id = 'local' AND seq < ?", 8L);
        execute("DELETE FROM admin_actions WHERE node_id = 'local' AND seq < ?", 8L);
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertEquals(8, failure.seq());
        assertTrue(failure.reason().contains("no retention checkpoint"), failure.reason());
    }

    @Test
    void truncatingTheEndAcrossAKeyRollIsDetected() throws Exception {
        execute("DELETE FROM frames WHERE node_id = 'local' AND seq > ?", 15L);
        execute("DELETE FROM admin_actions WHERE node_id = 'local' AND seq > ?", 15L);
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertTrue(failure.reason().contains("records at the end of the chain are missing"), failure.reason());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Recorder.start(store, AuditKeyFiles.in(dataDir), RecordingConfig.defaults(), clock));
        assertTrue(refused.getMessage().contains("records at the end of the chain are missing"), refused.getMessage());
    }

    @Test
    void emptyingTheWholeChainIsDetected() throws Exception {
        execute("DELETE FROM frames");
        execute("DELETE FROM admin_actions");
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertTrue(failure.reason().contains("the chain is empty but the engine's key has reached epoch 4"), failure.reason());
    }

    @Test
    void editingOrDeletingASessionRowIsDetected() throws Exception {
        execute("UPDATE sessions SET subject = 'mallory' WHERE id = ?", "t-2");
        VerifyReport.Failure edited = verify().failure().orElseThrow();
        assertEquals("t-2", edited.sessionId());
        assertTrue(edited.reason().contains("subject"), edited.reason());

        execute("UPDATE sessions SET subject = 'user2' WHERE id = ?", "t-2");
        assertTrue(verify().ok());
        execute("DELETE FROM sessions WHERE id = ?", "t-3");
        VerifyReport.Failure deleted = verify().failure().orElseThrow();
        assertEquals("t-3", deleted.sessionId());
        assertTrue(deleted.reason().contains("row is missing"), deleted.reason());
    }

    @Test
    void editingAStoredRuleVersionIsDetected() throws Exception {
        String document = "{\"rules\":[{\"deny\":\"DROP\"}]}";
        int version = store.saveRuleSet("policy", document, "alice");
        Recorder recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), Fixtures.config(100, 5), clock);
        try {
            recorder.admin(AdminAction.ruleChange("alice", "policy", version, document)).get(10, TimeUnit.SECONDS);
        } finally {
            recorder.close();
        }
        assertTrue(verify().ok());
        execute("UPDATE rule_versions SET document = ? WHERE kind = 'policy' AND version = ?", "{\"rules\":[]}", (long) version);
        VerifyReport.Failure failure = verify().failure().orElseThrow();
        assertTrue(failure.reason().contains("policy rule set version 1 in rule_versions differs"), failure.reason());
    }

    @Test
    void retentionDeletesOldSessionsAndTheRestStillVerifies() throws Exception {
        clock.advance(Duration.ofDays(40));
        Recorder recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), Fixtures.config(100, 5), clock);
        try {
            SessionRecording recent = recorder.open(Fixtures.session("t-4", "user4", AuditMode.STRICT), DIRECT);
            recent.statement(Fixtures.select("SELECT 4")).get(10, TimeUnit.SECONDS);

            Recorder.RetentionReport report = recorder.runRetention(new RetentionPolicy(30 * 86_400_000_000L, 0))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(3, report.sessionsDeleted());
            assertEquals("age", report.reason());
            assertTrue(store.session("t-1").isEmpty() && store.session("t-3").isEmpty());
            assertTrue(store.session("t-4").isPresent());
            assertEquals(Recorder.RetentionReport.NONE.reason(),
                    recorder.runRetention(new RetentionPolicy(30 * 86_400_000_000L, 0)).get(10, TimeUnit.SECONDS).reason(),
                    "nothing more to delete while t-4 is open");
            recent.end(FramePayload.EndReason.CLIENT_TERMINATE, null).get(10, TimeUnit.SECONDS);
        } finally {
            recorder.close();
        }
        VerifyReport verified = verify();
        assertTrue(verified.ok(), () -> verified.failure().orElseThrow().toString());
        assertTrue(verified.notes().getFirst().contains("retention checkpoint"), verified.notes().toString());
        assertEquals(1, store.adminActions("local", AdminRecord.RETENTION_CUT).size(), "the cut is itself recorded");

        // A second cut later starts the chain from the newer checkpoint.
        clock.advance(Duration.ofDays(40));
        recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), Fixtures.config(100, 5), clock);
        try {
            assertEquals(1, recorder.runRetention(new RetentionPolicy(30 * 86_400_000_000L, 0)).get(10, TimeUnit.SECONDS)
                    .sessionsDeleted());
        } finally {
            recorder.close();
        }
        assertTrue(verify().ok());

        // The checkpoint is vouched for by the chain: forging its details breaks the retention record's hash.
        AdminRecord cut = store.adminActions("local", AdminRecord.RETENTION_CUT).getLast();
        execute("UPDATE admin_actions SET details = ? WHERE node_id = 'local' AND seq = ?",
                cut.details().replace("\"sessions\":1", "\"sessions\":0"), cut.seq());
        assertFalse(verify().ok());
    }

    // ------------------------------------------------------------------ helpers

    private VerifyReport verify() throws Exception {
        ChainKey seed = AuditKeyFiles.in(dataDir).readSeed().orElseThrow();
        return AuditVerifier.verify(store, "local", seed, stateEpoch());
    }

    private int stateEpoch() throws Exception {
        return AuditKeyFiles.in(dataDir).readState().orElseThrow().epoch();
    }

    /** Starts over with a fresh history in a new data directory (for a second, independent forgery). */
    private void recordHistoryAgain() throws Exception {
        store.close();
        dataDir = Files.createDirectories(dataDir.resolve("again"));
        recordHistory();
    }

    /**
     * The intruder's rewrite: change the payload of the record at {@code fromSeq} and re-hash it and
     * everything after it with the stolen key, optionally relabelling their epochs to the key's.
     */
    private void forge(ChainKey stolen, long fromSeq, boolean relabel) throws SQLException {
        List<ChainRecord> tail = new ArrayList<>();
        try (ChainCursor cursor = store.chain("local", fromSeq, Long.MIN_VALUE)) {
            cursor.forEachRemaining(tail::add);
        }
        String previous = store.record("local", fromSeq - 1).orElseThrow().hash();
        try (Connection connection = TestStores.rawH2(dataDir);
             PreparedStatement frames = connection.prepareStatement(
                     "UPDATE frames SET payload = ?, epoch = ?, hash = ? WHERE node_id = 'local' AND seq = ?");
             PreparedStatement admins = connection.prepareStatement(
                     "UPDATE admin_actions SET epoch = ?, hash = ? WHERE node_id = 'local' AND seq = ?")) {
            for (ChainRecord record : tail) {
                int epoch = relabel ? stolen.epoch() : record.epoch();
                switch (record) {
                    case FrameRecord frame -> {
                        String payload = frame.seq() == fromSeq ? frame.payload().replace("SELECT", "forged") : frame.payload();
                        FrameRecord forged = new FrameRecord(frame.nodeId(), frame.seq(), epoch, frame.sessionId(),
                                frame.frameNo(), frame.atMicros(), frame.kind(), payload, "");
                        String hash = hashWith(stolen, previous, forged);
                        frames.setString(1, payload);
                        frames.setInt(2, epoch);
                        frames.setString(3, hash);
                        frames.setLong(4, frame.seq());
                        frames.executeUpdate();
                        previous = hash;
                    }
                    case AdminRecord admin -> {
                        AdminRecord forged = new AdminRecord(admin.nodeId(), admin.seq(), epoch, admin.atMicros(),
                                admin.actor(), admin.action(), admin.target(), admin.details(), "");
                        String hash = hashWith(stolen, previous, forged);
                        admins.setInt(1, epoch);
                        admins.setString(2, hash);
                        admins.setLong(3, admin.seq());
                        admins.executeUpdate();
                        previous = hash;
                    }
                }
            }
        }
    }

    /** The intruder can only make HMACs with the stolen key; it labels them with whatever epoch it likes. */
    private static String hashWith(ChainKey stolen, String previous, ChainRecord record) {
        ChainRecord asStolenEpoch = switch (record) {
            case FrameRecord f -> new FrameRecord(f.nodeId(), f.seq(), stolen.epoch(), f.sessionId(), f.frameNo(),
                    f.atMicros(), f.kind(), f.payload(), "");
            case AdminRecord a -> new AdminRecord(a.nodeId(), a.seq(), stolen.epoch(), a.atMicros(), a.actor(),
                    a.action(), a.target(), a.details(), "");
        };
        if (record.epoch() == stolen.epoch()) {
            return AuditChain.hash(stolen, previous, record);
        }
        // A record labelled with another epoch: the best the intruder can do is an HMAC under the stolen key.
        return AuditChain.hash(stolen, previous, asStolenEpoch);
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (Connection connection = TestStores.rawH2(dataDir); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
