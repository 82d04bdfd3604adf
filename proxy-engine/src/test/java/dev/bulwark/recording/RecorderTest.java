package dev.bulwark.recording;

import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.SessionQuery;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.TestStores;
import dev.bulwark.store.VerifyReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecorderTest {
    private static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dataDir;

    private JdbcStore jdbc;
    private ControllableStore store;
    private Recorder recorder;

    @BeforeEach
    void openStore() {
        jdbc = TestStores.h2(dataDir);
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

    private Recorder start(RecordingConfig config) {
        recorder = Recorder.start(store, AuditKeyFiles.in(dataDir), config, Clock.systemUTC());
        return recorder;
    }

    @Test
    void strictFutureCompletesOnlyOnceTheFrameIsCommitted() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        session.statement(Fixtures.select("SELECT 0")).get(10, TimeUnit.SECONDS);

        store.hold();
        AtomicReference<Boolean> visibleAtCompletion = new AtomicReference<>();
        CompletableFuture<Void> statement = session.statement(Fixtures.select("SELECT 1"));
        CompletableFuture<Void> checked = statement.thenRun(() -> visibleAtCompletion.set(frameVisible("s-1", 2)));
        Thread.sleep(300);
        assertFalse(statement.isDone(), "a STRICT frame is not durable before its commit");
        assertFalse(frameVisible("s-1", 2));

        store.release();
        checked.get(10, TimeUnit.SECONDS);
        assertTrue(visibleAtCompletion.get(), "when the future completes, another connection already sees the frame");
    }

    @Test
    void asyncFuturesCompleteWhenQueuedAndWaitWhenTheQueueIsFull() throws Exception {
        start(Fixtures.config(2, 1_000));
        store.hold();
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.ASYNC), DIRECT);
        assertTrue(store.awaitHeldWrite(10, TimeUnit.SECONDS), "the writer took the start frame and waits in write");

        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            futures.add(session.statement(Fixtures.select("SELECT " + i)));
        }
        assertTrue(futures.get(0).isDone() && futures.get(1).isDone(), "room in the queue: done at once");
        Thread.sleep(200);
        for (int i = 2; i < 5; i++) {
            assertFalse(futures.get(i).isDone(), "queue full: statement " + (i + 1) + " must wait (backpressure)");
        }

        store.release();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        session.end(FramePayload.EndReason.CLIENT_TERMINATE, null);
        recorder.close();
        List<FrameRecord> frames = jdbc.frames("s-1", 0, 100);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), frames.stream().map(FrameRecord::frameNo).toList(), "nothing lost, in order");
    }

    @Test
    void manyConcurrentSessionsThroughATinyQueueLoseNothing() throws Exception {
        start(Fixtures.config(4, 50));
        int sessions = 8;
        int statements = 150;
        ExecutorService clients = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String id = "c-" + s;
                AuditMode mode = s % 2 == 0 ? AuditMode.ASYNC : AuditMode.STRICT;
                done.add(clients.submit(() -> {
                    SessionRecording session = recorder.open(Fixtures.session(id, "alice", mode), DIRECT);
                    for (int i = 0; i < statements; i++) {
                        // like the engine: read the next client message only once the frame is accepted
                        session.statement(Fixtures.select("SELECT " + i)).get(30, TimeUnit.SECONDS);
                    }
                    session.end(FramePayload.EndReason.CLIENT_TERMINATE, null).get(30, TimeUnit.SECONDS);
                    return null;
                }));
            }
            for (Future<?> result : done) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        recorder.close();
        for (int s = 0; s < sessions; s++) {
            assertEquals(statements + 2, jdbc.frames("c-" + s, 0, 1_000).size(), "session c-" + s);
        }
        assertEquals(0, recorder.stats().framesLost());
        VerifyReport report = AuditVerifier.verify(jdbc, "local", AuditKeyFiles.in(dataDir).readSeed().orElseThrow(), null);
        assertTrue(report.ok(), () -> report.failure().orElseThrow().toString());
    }

    @Test
    void whenTheStoreFailsStrictFuturesFailAndTheRecorderTurnsUnhealthyThenRecovers() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording strict = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        strict.statement(Fixtures.select("SELECT 1")).get(10, TimeUnit.SECONDS);
        assertTrue(recorder.healthy());

        store.fail(true);
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> strict.statement(Fixtures.select("SELECT 2")).get(10, TimeUnit.SECONDS));
        RecordingUnavailableException unavailable = assertInstanceOf(RecordingUnavailableException.class, failure.getCause());
        assertEquals("58030", unavailable.sqlState());
        assertFalse(recorder.healthy());
        assertTrue(recorder.lastFailure().orElseThrow().contains("53100"), recorder.lastFailure().orElseThrow());

        // an ASYNC session opened during the outage: its frames are lost, counted, and its start re-recorded later
        SessionRecording async = recorder.open(Fixtures.session("s-2", "bob", AuditMode.ASYNC), DIRECT);
        async.statement(Fixtures.select("SELECT 3")).get(10, TimeUnit.SECONDS);
        waitUntil(() -> recorder.stats().framesLost() >= 2);

        store.fail(false);
        waitUntil(recorder::healthy);
        async.statement(Fixtures.select("SELECT 4")).get(10, TimeUnit.SECONDS);
        strict.statement(Fixtures.select("SELECT 5")).get(10, TimeUnit.SECONDS);
        recorder.close();

        AdminRecord gap = jdbc.adminActions("local", AdminAction.RECORDING_GAP).getFirst();
        assertTrue(gap.details().contains("\"lost_frames\":2"), gap.details());
        assertTrue(gap.details().contains("53100"), gap.details());
        List<FrameRecord> s2 = jdbc.frames("s-2", 0, 10);
        assertEquals(List.of("SESSION_START", "STATEMENT"), s2.stream().map(FrameRecord::kind).toList());
        assertEquals("bob", jdbc.session("s-2").orElseThrow().subject());
        // the strict session kept its order; the refused statement is absent
        assertEquals(List.of(0, 1, 3), jdbc.frames("s-1", 0, 10).stream().map(FrameRecord::frameNo).toList());
        VerifyReport report = AuditVerifier.verify(jdbc, "local", AuditKeyFiles.in(dataDir).readSeed().orElseThrow(), null);
        assertTrue(report.ok(), () -> report.failure().orElseThrow().toString());
    }

    @Test
    void aRealDatabaseFailureIsReportedAndRecoveredFrom() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording strict = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        strict.statement(Fixtures.select("SELECT 1")).get(10, TimeUnit.SECONDS);
        try (Connection other = TestStores.rawH2(dataDir); Statement sql = other.createStatement()) {
            // both chain tables, so that the writer's retries (which may write only an admin record) fail too
            sql.execute("ALTER TABLE frames RENAME TO frames_away");
            sql.execute("ALTER TABLE admin_actions RENAME TO admin_actions_away");
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> strict.statement(Fixtures.select("SELECT 2")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(RecordingUnavailableException.class, failure.getCause());
            assertFalse(recorder.healthy());
            sql.execute("ALTER TABLE frames_away RENAME TO frames");
            sql.execute("ALTER TABLE admin_actions_away RENAME TO admin_actions");
        }
        waitUntil(recorder::healthy);
        strict.statement(Fixtures.select("SELECT 3")).get(10, TimeUnit.SECONDS);
        assertEquals(1, jdbc.adminActions("local", AdminAction.RECORDING_GAP).size());
    }

    @Test
    void resultsAreCappedByRowsAndBytesButKeepTheTrueRowCount() throws Exception {
        start(new RecordingConfig(null, null, 3, 100, null, null, null, null, null, null));
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        List<FramePayload.Column> columns = List.of(new FramePayload.Column("id", "int4"), new FramePayload.Column("name", "text"));

        ResultRecorder byRows = session.result().columns(columns);
        for (int i = 0; i < 1_000; i++) {
            byRows.row(java.util.Arrays.asList(String.valueOf(i), i == 1 ? null : "n" + i));
        }
        byRows.complete("SELECT 1000").get(10, TimeUnit.SECONDS);

        ResultRecorder byBytes = session.result().columns(columns);
        for (int i = 0; i < 5; i++) {
            byBytes.row(List.of("x".repeat(20), "é".repeat(10))); // 40 bytes a row: two fit in 100
        }
        byBytes.complete("FETCH 5").get(10, TimeUnit.SECONDS);

        ResultRecorder noCount = session.result();
        noCount.row(List.of("on"));
        noCount.complete("SHOW").get(10, TimeUnit.SECONDS);
        ResultRecorder suspended = session.result().columns(columns);
        suspended.row(List.of("1", "a"));
        suspended.suspended().get(10, TimeUnit.SECONDS);

        List<RecordedFrame> frames = new AuditQueries(jdbc, DIRECT).frames("s-1", 1, 10).get();
        FramePayload.Result first = (FramePayload.Result) frames.get(0).payload();
        assertEquals(3, first.rows().size());
        assertEquals(1_000, first.rowCount());
        assertTrue(first.truncated());
        assertNull(first.rows().get(1).get(1), "SQL NULL stays null");
        assertEquals(columns, first.columns());
        FramePayload.Result second = (FramePayload.Result) frames.get(1).payload();
        assertEquals(2, second.rows().size());
        assertEquals(5, second.rowCount());
        FramePayload.Result third = (FramePayload.Result) frames.get(2).payload();
        assertEquals(1, third.rowCount(), "no count in the tag: the rows seen");
        assertFalse(third.truncated());
        FramePayload.Result fourth = (FramePayload.Result) frames.get(3).payload();
        assertTrue(fourth.suspended());
        assertNull(fourth.commandTag());
        assertThrows(IllegalStateException.class, () -> suspended.row(List.of("late")));
    }

    @Test
    void longStatementsAndParametersAreCutAndMarked() throws Exception {
        start(new RecordingConfig(null, null, null, null, 10, 3, null, null, null, null));
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        session.statement(new FramePayload.Statement(FramePayload.Protocol.EXTENDED, "SELECT $1, $2 FROM accounts",
                java.util.Arrays.asList("abcdef", null), FramePayload.Verdict.LOG, null, null, null, null)).get(10, TimeUnit.SECONDS);
        session.statement(Fixtures.select("SELECT 1")).get(10, TimeUnit.SECONDS);
        List<RecordedFrame> frames = new AuditQueries(jdbc, DIRECT).frames("s-1", 1, 10).get();
        FramePayload.Statement cut = (FramePayload.Statement) frames.get(0).payload();
        assertEquals("SELECT $1,", cut.text());
        assertEquals(java.util.Arrays.asList("abc", null), cut.parameters());
        assertTrue(cut.truncated());
        assertFalse(((FramePayload.Statement) frames.get(1).payload()).truncated());
    }

    @Test
    void everyKindOfFrameIsRecordedAndSearchable() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        session.statement(new FramePayload.Statement(FramePayload.Protocol.SIMPLE, "DELETE FROM payroll", List.of(),
                FramePayload.Verdict.HOLD, "r9", "hold-deletes", List.of("hr.payroll"), List.of("DELETE")));
        session.approval(new FramePayload.Approval("ap-1", FramePayload.ApprovalState.ASKED, "alice", "month end"));
        session.approval(new FramePayload.Approval("ap-1", FramePayload.ApprovalState.GRANTED, "bob", null));
        session.result().complete("DELETE 12");
        session.notice("WARNING", "01000", "careful");
        session.error("ERROR", "42501", "permission denied for table payroll");
        session.copy(FramePayload.CopyDirection.OUT, 2_048, 12);
        session.cancel("client");
        session.end(FramePayload.EndReason.CLIENT_TERMINATE, "bye").get(10, TimeUnit.SECONDS);
        assertTrue(session.ended());
        assertThrows(ExecutionException.class, () -> session.statement(Fixtures.select("SELECT 1")).get());
        recorder.admin(AdminAction.sessionKill("bob", "s-0", "idle")).get(10, TimeUnit.SECONDS);

        AuditQueries queries = new AuditQueries(jdbc, DIRECT);
        List<RecordedFrame> frames = queries.frames("s-1", 0, 100).get();
        assertEquals(List.of(FrameKind.SESSION_START, FrameKind.STATEMENT, FrameKind.APPROVAL, FrameKind.APPROVAL,
                FrameKind.RESULT, FrameKind.NOTICE, FrameKind.ERROR, FrameKind.COPY, FrameKind.CANCEL, FrameKind.SESSION_END),
                frames.stream().map(frame -> frame.payload().kind()).toList());
        FramePayload.SessionStart start = (FramePayload.SessionStart) frames.getFirst().payload();
        assertEquals("alice", start.subject());
        assertEquals(List.of("analysts", "dba"), start.groups());
        assertEquals("jti-alice", start.tokenId());
        assertEquals("10.0.0.7:51234", start.clientAddress());
        assertEquals("app_ro", start.databaseRole());
        for (int i = 1; i < frames.size(); i++) {
            assertFalse(frames.get(i).at().isBefore(frames.get(i - 1).at()), "timestamps in order");
        }
        SessionRow row = queries.session("s-1").get().orElseThrow();
        assertEquals("CLIENT_TERMINATE", row.endReason());
        assertEquals(List.of("s-1"), queries.search(SessionQuery.builder().verdict("HOLD").table("payroll").build()).get()
                .stream().map(SessionRow::id).toList());
        assertEquals(1, queries.adminActions(java.time.Instant.EPOCH, 100).get().stream()
                .filter(action -> action.action().equals(AdminAction.SESSION_KILL)).count());
    }

    @Test
    void aRestartClosesSessionsLeftOpenAndContinuesTheChain() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.STRICT), DIRECT);
        session.statement(Fixtures.select("SELECT 1")).get(10, TimeUnit.SECONDS);
        recorder.close(); // the session never ended

        start(RecordingConfig.defaults());
        SessionRow row = jdbc.session("s-1").orElseThrow();
        assertEquals("ENGINE_RESTART", row.endReason());
        assertEquals("SESSION_END", jdbc.frames("s-1", 2, 1).getFirst().kind());
        recorder.open(Fixtures.session("s-2", "bob", AuditMode.STRICT), DIRECT)
                .statement(Fixtures.select("SELECT 2")).get(10, TimeUnit.SECONDS);
        recorder.close();
        List<AdminRecord> rolls = jdbc.adminActions("local", AdminRecord.KEY_ROLL);
        assertEquals(2, rolls.size(), "one key roll per start");
        assertEquals(2, AuditKeyFiles.in(dataDir).readState().orElseThrow().epoch());
        VerifyReport report = AuditVerifier.verify(jdbc, "local", AuditKeyFiles.in(dataDir).readSeed().orElseThrow(), 2);
        assertTrue(report.ok(), () -> report.failure().orElseThrow().toString());
    }

    @Test
    void aClosedRecorderRefusesFrames() throws Exception {
        start(RecordingConfig.defaults());
        SessionRecording session = recorder.open(Fixtures.session("s-1", "alice", AuditMode.ASYNC), DIRECT);
        recorder.close();
        assertFalse(recorder.healthy());
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> session.statement(Fixtures.select("SELECT 1")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(RecordingUnavailableException.class, refused.getCause());
    }

    private boolean frameVisible(String sessionId, int frameNo) {
        try (Connection other = TestStores.rawH2(dataDir);
             PreparedStatement query = other.prepareStatement("SELECT COUNT(*) FROM frames WHERE session_id = ? AND frame_no = ?")) {
            query.setString(1, sessionId);
            query.setInt(2, frameNo);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            Thread.sleep(20);
        }
    }
}
