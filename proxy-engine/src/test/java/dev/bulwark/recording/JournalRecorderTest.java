package dev.bulwark.recording;

import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.Journal;
import dev.bulwark.store.TestStores;
import dev.bulwark.store.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder with its local journal: STRICT frames are durable once journaled, the store is fed behind,
 * and what the store missed when the engine died is replayed into it at the next start, once.
 */
class JournalRecorderTest {
    private static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dataDir;

    private JdbcStore jdbc;
    private ControllableStore store;
    private Recorder recorder;

    @BeforeEach
    void openStore() {
        jdbc = TestStores.h2(dataDir.resolve("h2"));
        store = new ControllableStore(jdbc);
    }

    @AfterEach
    void closeAll() {
        if (recorder != null) {
            store.release();
            store.fail(false);
            recorder.close();
        }
        jdbc.close();
    }

    private Recorder start() {
        recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), RecordingConfig.defaults(), Clock.systemUTC(),
                dataDir.resolve(Recorder.JOURNAL_DIRECTORY));
        return recorder;
    }

    private List<Integer> frameNumbers(String session) {
        return jdbc.frames(session, 0, 1_000).stream().map(FrameRecord::frameNo).toList();
    }

    @Test
    void strictStatementsGoOnWhileTheStoreIsDownAndReachItWhenItRecovers() throws Exception {
        start();
        store.fail(true);
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        for (int i = 0; i < 5; i++) {
            session.statement(Fixtures.select("SELECT " + i)).get(10, TimeUnit.SECONDS);
        }
        assertTrue(recorder.healthy(), "the journal holds every record: STRICT statements are not refused");
        assertFalse(recorder.awaitStored(Duration.ofMillis(300)));
        assertTrue(recorder.storeBehind());
        assertTrue(frameNumbers("s-1").isEmpty());

        store.fail(false);
        assertTrue(recorder.awaitStored(Duration.ofSeconds(10)));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), frameNumbers("s-1"));
        assertFalse(recorder.storeBehind());
    }

    @Test
    void aCrashWithTheStoreBehindIsMadeGoodAtTheNextStartWithNothingLostOrDoubled() throws Exception {
        start();
        SessionRecording early = recorder.open(Fixtures.session("s-0", "alice", AuditMode.STRICT), DIRECT);
        early.statement(Fixtures.select("SELECT 0")).get(10, TimeUnit.SECONDS);
        assertTrue(recorder.awaitStored(Duration.ofSeconds(10)), "these reached the store before the crash");

        store.fail(true);
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acknowledged.add(session.statement(Fixtures.select("SELECT " + i)));
        }
        CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertTrue(frameNumbers("s-1").isEmpty(), "the store is behind the journal at the crash");
        recorder.haltForTest();
        recorder = null;
        // The crash also cut a batch in the middle of its write: garbage after the last whole batch.
        Path segment = Journal.segments(dataDir.resolve(Recorder.JOURNAL_DIRECTORY)).getLast();
        Files.write(segment, new byte[] {0, 0, 1, 0, 7, 7}, StandardOpenOption.APPEND);

        store.fail(false);
        start();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i <= 50; i++) {
            expected.add(i);
        }
        expected.add(51); // SESSION_END (ENGINE_RESTART), written by the start after the replay
        assertEquals(expected, frameNumbers("s-1"), "every acknowledged frame, once, in order");
        assertEquals(List.of(0, 1, 2), frameNumbers("s-0"));
        recorder.close();
        recorder = null;

        VerifyReport report = AuditVerifier.verify(jdbc, jdbc.nodeId(), AuditKeyFiles.in(dataDir).readSeed().orElseThrow(), null);
        assertTrue(report.ok(), report.toString());
        assertTrue(Journal.segments(dataDir.resolve(Recorder.JOURNAL_DIRECTORY)).isEmpty(),
                "a clean stop leaves no journal to replay");
    }
}
