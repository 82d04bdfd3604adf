package dev.bulwark.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The store's contract, run against embedded H2 and a real PostgreSQL alike. */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
class StoreTest {
    private static final long T0 = Micros.of(Instant.parse("2026-11-21T08:00:00Z"));
    private static final long MINUTE = 60_000_000L;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tempDir;

    private JdbcStore store;
    private ChainKey key;
    private long seq;
    private String previous;

    @BeforeEach
    void open() throws SQLException {
        store = TestStores.fresh(dialect, tempDir);
        key = ChainKey.generateSeed();
        seq = 1;
        previous = AuditChain.GENESIS;
    }

    @AfterEach
    void close() {
        store.close();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        TestStores.stopPostgres();
    }

    @Test
    void migrationsApplyOnceAndAgainIsANoOp() throws SQLException {
        assertEquals(0, store.migrate(), "second migration run must apply nothing");
        assertEquals(Migrations.latestVersion(), store.withConnection("version", Migrations::currentVersion));
        int rows = store.withConnection("count", connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                result.next();
                return result.getInt(1);
            }
        });
        assertEquals(Migrations.bundled().size(), rows);
    }

    @Test
    void twoNodesMigratingAtOnceApplyTheSchemaOnce() throws Exception {
        assumeTrue(dialect == Dialect.POSTGRESQL, "only PostgreSQL is shared by several engines");
        String url = TestStores.newPostgresDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> applied = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String node = "node-" + i;
                applied.add(pool.submit(() -> {
                    try (JdbcStore other = JdbcStore.postgres(url, "postgres", null, node, false)) {
                        return other.migrate();
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> result : applied) {
                total += result.get();
            }
            assertEquals(Migrations.bundled().size(), total, "each migration must be applied by exactly one node");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sessionsAndFramesRoundTripInOrder() {
        SessionRow session = session("s-1", "alice", "sales", T0);
        List<Write> writes = new ArrayList<>();
        writes.add(new Write.InsertSession(session));
        List<FrameRecord> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FrameRecord frame = frame("s-1", i, T0 + i, i == 0 ? "SESSION_START" : "STATEMENT", "{\"n\":" + i + ",\"é\":\"ü\"}");
            written.add(frame);
            writes.add(new Write.AppendFrame(frame, FrameIndex.NONE));
        }
        writes.add(new Write.EndSession("s-1", T0 + 10, "CLIENT_TERMINATE", "bye"));
        store.write(writes);

        assertEquals(written, store.frames("s-1", 0, 100));
        SessionRow stored = store.session("s-1").orElseThrow();
        assertEquals(session.subject(), stored.subject());
        assertEquals(List.of("analysts", "dba"), stored.groups());
        assertEquals(T0 + 10, stored.endedMicros());
        assertEquals("CLIENT_TERMINATE", stored.endReason());
        assertEquals(Optional.of(new ChainTail(5, 0, written.getLast().hash(), false)), store.chainTail("local"));
        assertEquals(1, store.firstSeq("local").getAsLong());
        assertEquals(4, store.lastFrameNo("s-1"));
        assertEquals(-1, store.lastFrameNo("nope"));
    }

    @Test
    void chainCursorMergesFramesAndAdminActionsBySeq() {
        store.write(List.of(new Write.InsertSession(session("s-1", "alice", "sales", T0))));
        List<Write> writes = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(seq);
            if (i % 3 == 2) {
                writes.add(new Write.AppendAdmin(admin("bob", "session_kill", T0 + i)));
            } else {
                writes.add(new Write.AppendFrame(frame("s-1", i, T0 + i, "STATEMENT", "{}"), FrameIndex.NONE));
            }
        }
        store.write(writes);
        List<Long> seen = new ArrayList<>();
        try (ChainCursor cursor = store.chain("local", Long.MIN_VALUE, Long.MIN_VALUE)) {
            cursor.forEachRemaining(record -> seen.add(record.seq()));
        }
        assertEquals(expected, seen);
        try (ChainCursor cursor = store.chain("local", 1, T0 + 4)) {
            assertEquals(5, cursor.next().seq());
            assertEquals(6, cursor.next().seq());
            assertFalse(cursor.hasNext());
        }
        assertEquals(List.of("local"), store.chainNodes());
        assertTrue(store.record("local", 3).orElseThrow() instanceof AdminRecord);
        assertEquals(Optional.of(6L), store.firstAdminSeqSince("local", T0 + 3));
    }

    @Test
    void aFailedBatchLeavesNothingBehind() {
        FrameRecord frame = frame("s-1", 0, T0, "SESSION_START", "{}");
        store.write(List.of(new Write.InsertSession(session("s-1", "alice", "sales", T0)), new Write.AppendFrame(frame, FrameIndex.NONE)));
        FrameRecord next = frame("s-2", 0, T0, "SESSION_START", "{}");
        // The same seq again violates the primary key: the whole batch, session row included, must roll back.
        assertThrows(StoreException.class, () -> store.write(List.of(
                new Write.InsertSession(session("s-2", "bob", "sales", T0)),
                new Write.AppendFrame(next, FrameIndex.NONE),
                new Write.AppendFrame(frame, FrameIndex.NONE))));
        assertTrue(store.session("s-2").isEmpty());
        assertTrue(store.frames("s-2", 0, 10).isEmpty());
        // and the writer connection recovers for the next batch
        store.write(List.of(new Write.InsertSession(session("s-3", "carol", "sales", T0))));
        assertTrue(store.session("s-3").isPresent());
    }

    @Test
    void searchFiltersBySubjectTargetTimeStatementTableAndVerdict() {
        // alice: sales, 08:00-08:10, SELECT from public.accounts (ALLOW)
        // bob: hr, 09:00-open, DELETE FROM employees (DENY)
        // alice: hr, 10:00-10:05, UPDATE accounts (HOLD) and SELECT 1 (ALLOW)
        record(session("a1", "alice", "sales", T0), T0 + 10 * MINUTE,
                statement("SELECT * FROM public.accounts", "ALLOW", List.of("public.accounts")));
        record(session("b1", "bob", "hr", T0 + 60 * MINUTE), null,
                statement("DELETE FROM employees", "DENY", List.of("employees")));
        record(session("a2", "alice", "hr", T0 + 120 * MINUTE), T0 + 125 * MINUTE,
                statement("UPDATE accounts SET x = 1", "HOLD", List.of("ACCOUNTS")),
                statement("select 1", "ALLOW", List.of()));

        assertEquals(List.of("a2", "b1", "a1"), ids(SessionQuery.builder().build()));
        assertEquals(List.of("a2", "a1"), ids(SessionQuery.builder().subject("alice").build()));
        assertEquals(List.of("a2", "b1"), ids(SessionQuery.builder().target("hr").build()));
        // open at or after 08:30 and started before 09:30: bob only (alice's first ended at 08:10)
        assertEquals(List.of("b1"), ids(SessionQuery.builder()
                .between(Micros.toInstant(T0 + 30 * MINUTE), Micros.toInstant(T0 + 90 * MINUTE)).build()));
        assertEquals(List.of("b1"), ids(SessionQuery.builder().statementContains("delete from").build()));
        assertEquals(List.of("a2", "a1"), ids(SessionQuery.builder().statementContains("ACCOUNTS").build()));
        assertEquals(List.of("a2", "a1"), ids(SessionQuery.builder().table("accounts").build()), "t matches schema.t");
        assertEquals(List.of("a1"), ids(SessionQuery.builder().table("public.accounts").build()));
        assertEquals(List.of("b1"), ids(SessionQuery.builder().verdict("deny").build()));
        assertEquals(List.of("a2", "a1"), ids(SessionQuery.builder().verdict("ALLOW").build()));
        // statement filters apply to one statement: alice's HR session has an ALLOW, but not on accounts
        assertEquals(List.of("a1"), ids(SessionQuery.builder().verdict("ALLOW").table("accounts").build()));
        // LIKE wildcards in the search text are literal
        assertEquals(List.of(), ids(SessionQuery.builder().statementContains("%").build()));
        assertEquals(List.of(), ids(SessionQuery.builder().subject("mallory").build()));
    }

    @Test
    void pagesOfSessionsAndFrames() {
        for (int i = 0; i < 7; i++) {
            store.write(List.of(new Write.InsertSession(session("p" + i, "alice", "sales", T0 + i))));
        }
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 10; offset += 3) {
            seen.addAll(ids(SessionQuery.builder().page(3, offset).build()));
        }
        assertEquals(List.of("p6", "p5", "p4", "p3", "p2", "p1", "p0"), seen);

        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            writes.add(new Write.AppendFrame(frame("p0", i, T0 + i, "STATEMENT", "{}"), FrameIndex.NONE));
        }
        store.write(writes);
        List<Integer> frameNumbers = new ArrayList<>();
        int from = 0;
        while (true) {
            List<FrameRecord> page = store.frames("p0", from, 10);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(frame -> frameNumbers.add(frame.frameNo()));
            from = page.getLast().frameNo() + 1;
        }
        assertEquals(25, frameNumbers.size());
        assertEquals(24, frameNumbers.getLast());
        assertEquals(List.of(20, 21), store.frames("p0", 20, 2).stream().map(FrameRecord::frameNo).toList());
    }

    @Test
    void ruleSetsAreVersionedWithWhoAndWhen() {
        assertTrue(store.latestRuleSet("policy").isEmpty());
        assertEquals(1, store.saveRuleSet("policy", "{\"rules\":[1]}", "alice"));
        assertEquals(2, store.saveRuleSet("policy", "{\"rules\":[1,2]}", "bob"));
        assertEquals(1, store.saveRuleSet("masking", "{\"masks\":[]}", "carol"));
        RuleVersion latest = store.latestRuleSet("policy").orElseThrow();
        assertEquals(2, latest.version());
        assertEquals("{\"rules\":[1,2]}", latest.document());
        assertEquals("bob", latest.changedBy());
        assertTrue(latest.changedMicros() > 0);
        assertEquals(List.of("alice", "bob"), store.ruleSetHistory("policy").stream().map(RuleVersion::changedBy).toList());
        assertEquals(1, store.ruleSetHistory("masking").size());
        assertThrows(IllegalArgumentException.class, () -> store.saveRuleSet("other", "{}", "alice"));
    }

    @Test
    void concurrentRuleSavesGetDistinctVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> saves = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String by = "op" + i;
                saves.add(() -> store.saveRuleSet("policy", "{}", by));
            }
            Set<Integer> versions = new HashSet<>();
            for (Future<Integer> version : pool.invokeAll(saves)) {
                versions.add(version.get());
            }
            assertEquals(12, versions.size());
            assertEquals(12, store.latestRuleSet("policy").orElseThrow().version());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void approvalsAreDecidedOnce() {
        store.saveApproval(new ApprovalRow("ap-1", "local", "s-1", "alice", T0, ApprovalRow.PENDING,
                "{\"statement\":\"DELETE FROM t\"}", null, null, null));
        store.saveApproval(new ApprovalRow("ap-2", "local", "s-1", "alice", T0 + 1, ApprovalRow.PENDING, "{}", null, null, null));
        assertEquals(List.of("ap-2", "ap-1"), store.approvals(ApprovalRow.PENDING, 10).stream().map(ApprovalRow::id).toList());

        assertTrue(store.decideApproval("ap-1", "approved", "bob", T0 + 5, "{\"note\":\"ok\"}"));
        assertFalse(store.decideApproval("ap-1", "denied", "carol", T0 + 6, "{}"), "a decided approval stays decided");
        assertFalse(store.decideApproval("nope", "denied", "carol", T0 + 6, "{}"));
        ApprovalRow decided = store.approval("ap-1").orElseThrow();
        assertEquals("approved", decided.status());
        assertEquals("bob", decided.decidedBy());
        assertEquals(T0 + 5, decided.decidedMicros());
        assertEquals("{\"note\":\"ok\"}", decided.decision());
        assertEquals(List.of("ap-2"), store.approvals(ApprovalRow.PENDING, 10).stream().map(ApprovalRow::id).toList());
        assertEquals(2, store.approvals(null, 10).size());
        assertThrows(IllegalArgumentException.class, () -> store.decideApproval("ap-2", ApprovalRow.PENDING, "x", T0, "{}"));
    }

    @Test
    void engineStateIsAKeyValueMap() {
        assertTrue(store.state("k").isEmpty());
        store.putState("k", "one");
        store.putState("k", "two");
        assertEquals(Optional.of("two"), store.state("k"));
    }

    @Test
    void pruneDeletesAPrefixAndWholeSessions() {
        record(session("old", "alice", "sales", T0), T0 + 1, statement("SELECT 1", "ALLOW", List.of("t")));
        long cut = seq;
        record(session("new", "bob", "sales", T0 + 2), null, statement("SELECT 2", "ALLOW", List.of("t")));
        store.saveApproval(new ApprovalRow("ap", "local", "old", "alice", T0, ApprovalRow.PENDING, "{}", null, null, null));

        List<SessionSpan> spans = store.sessionSpans("local");
        assertEquals(List.of("old", "new"), spans.stream().map(SessionSpan::sessionId).toList());
        assertEquals(1, spans.getFirst().firstSeq());
        assertEquals(cut - 1, spans.getFirst().lastSeq());
        assertEquals(T0 + 1, spans.getFirst().endedMicros());
        assertEquals(null, spans.get(1).endedMicros());

        store.write(List.of(new Write.Prune("local", cut, List.of("old"))));
        assertTrue(store.session("old").isEmpty());
        assertTrue(store.frames("old", 0, 10).isEmpty());
        assertTrue(store.approval("ap").isEmpty());
        assertEquals(cut, store.firstSeq("local").getAsLong());
        assertEquals(List.of("new"), ids(SessionQuery.builder().table("t").build()));
        assertEquals(List.of(), store.framesWithoutSession("local", 10));
    }

    @Test
    void openingAMissingStoreForReadingFailsWithoutCreatingIt() {
        assumeTrue(dialect == Dialect.H2);
        Path empty = tempDir.resolve("nothing-here");
        StoreException failure = assertThrows(StoreException.class, () -> JdbcStore.openExisting(StoreConfig.defaults(), empty));
        assertTrue(failure.getMessage().contains("no Bulwark audit store"), failure.getMessage());
        assertFalse(java.nio.file.Files.exists(empty.resolve("store/bulwark.mv.db")));
    }

    @Test
    void aSecondWriterOnTheSameNodeIsRefused() throws Exception {
        try (AutoCloseable lease = store.acquireWriter()) {
            assertTrue(lease != null);
            JdbcStore second = switch (dialect) {
                case H2 -> TestStores.h2(tempDir);
                case POSTGRESQL -> JdbcStore.postgres(postgresUrl(), "postgres", null, "local", false);
            };
            try (second) {
                StoreException refused = assertThrows(StoreException.class, second::acquireWriter);
                assertTrue(refused.getMessage().contains("another engine"), refused.getMessage());
            }
        }
        // released: it can be taken again
        try (AutoCloseable lease = store.acquireWriter()) {
            assertTrue(lease != null && store.ping());
        }
    }

    // ------------------------------------------------------------------ helpers

    private String postgresUrl() throws SQLException {
        return store.withConnection("url", connection -> connection.getMetaData().getURL());
    }

    private void record(SessionRow session, Long endedMicros, Statement2... statements) {
        List<Write> writes = new ArrayList<>();
        writes.add(new Write.InsertSession(session));
        writes.add(new Write.AppendFrame(frame(session.id(), 0, session.startedMicros(), "SESSION_START", "{}"), FrameIndex.NONE));
        int frameNo = 1;
        for (Statement2 statement : statements) {
            writes.add(new Write.AppendFrame(frame(session.id(), frameNo, session.startedMicros() + frameNo, "STATEMENT", "{}"),
                    new FrameIndex(statement.text(), statement.verdict(), statement.tables())));
            frameNo++;
        }
        if (endedMicros != null) {
            writes.add(new Write.AppendFrame(frame(session.id(), frameNo, endedMicros, "SESSION_END", "{}"), FrameIndex.NONE));
            writes.add(new Write.EndSession(session.id(), endedMicros, "CLIENT_TERMINATE", null));
        }
        store.write(writes);
    }

    private record Statement2(String text, String verdict, List<String> tables) {}

    private static Statement2 statement(String text, String verdict, List<String> tables) {
        return new Statement2(text, verdict, tables);
    }

    private List<String> ids(SessionQuery query) {
        return store.searchSessions(query).stream().map(SessionRow::id).toList();
    }

    private static SessionRow session(String id, String subject, String target, long started) {
        return new SessionRow(id, "local", subject, List.of("analysts", "dba"), "https://idp.example", "jti-" + id,
                "10.0.0.7:5000", "psql", target, "app_ro", "STRICT", started, null, null, null);
    }

    private FrameRecord frame(String sessionId, int frameNo, long at, String kind, String payload) {
        FrameRecord frame = AuditChain.seal(key, previous,
                new FrameRecord("local", seq++, 0, sessionId, frameNo, at, kind, payload, ""));
        previous = frame.hash();
        return frame;
    }

    private AdminRecord admin(String actor, String action, long at) {
        AdminRecord admin = AuditChain.seal(key, previous,
                new AdminRecord("local", seq++, 0, at, actor, action, "s-1", "{}", ""));
        previous = admin.hash();
        return admin;
    }
}
