package dev.bulwark.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.auth.GrantRule;
import dev.bulwark.auth.Identity;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.EngineStats;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.TargetStatus;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VaultEntry;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.AuditMode;
import dev.bulwark.recording.SessionInfo;
import dev.bulwark.recording.SessionRecording;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.TestStores;
import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.engine.RuleBookTest.await;
import static dev.bulwark.engine.RuleBookTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineManagementBackendTest {
    private static final Operator BOB = new Operator("bob", OperatorRole.ADMIN);

    @TempDir
    Path dataDir;

    private EngineFixture engine;
    private ManagementBackend backend;

    @BeforeEach
    void start() {
        engine = new EngineFixture(dataDir);
        backend = engine.backend;
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    // ---------------------------------------------------------------- rules.test

    @Test
    void aliceMayNotDropTables() throws Exception {
        RuleTestResult result = test("DROP TABLE customers", "alice", "analysts");
        assertEquals(VerdictAction.DENY, result.verdict().action());
        assertEquals("no-ddl", result.verdict().ruleId());
        assertEquals("Only dba may change the schema or privileges", result.verdict().ruleName());
        assertTrue(result.verdict().message().contains("only dba may run DDL"), result.verdict().message());
        assertEquals("ddl", result.classification().kind());
        assertEquals(List.of("DROP"), result.classification().verbs());
        assertEquals(List.of("customers"), result.classification().tables());
        assertTrue(result.maskedColumns().isEmpty());
    }

    @Test
    void aDbaMayDropTables() throws Exception {
        RuleTestResult result = test("DROP TABLE customers", "dba-user", "dba");
        assertEquals(VerdictAction.ALLOW, result.verdict().action());
        assertTrue(result.maskedColumns().isEmpty());
    }

    @Test
    void aliceSeesEmailMasked() throws Exception {
        RuleTestResult result = test("SELECT email FROM customers", "alice", "analysts");
        assertEquals(VerdictAction.MASK, result.verdict().action());
        assertEquals(List.of(new MaskedColumn("customers", "email", "customers-email", "partial")), result.maskedColumns());
        assertEquals("read", result.classification().kind());

        RuleTestResult dba = test("SELECT email FROM customers", "dba-user", "dba");
        assertEquals(VerdictAction.ALLOW, dba.verdict().action());
        assertTrue(dba.maskedColumns().isEmpty(), "dba is exempt");
    }

    @Test
    void columnsAreReadThroughAliasesJoinsAndExpressions() throws Exception {
        // upper(city), not upper(phone): the demo's alice may not compute on phone (access: masked_only, below).
        RuleTestResult result = test("SELECT c.id, c.email AS contact, upper(city) AS phone, o.amount "
                + "FROM public.customers c JOIN orders o ON o.customer_id = c.id", "alice", "analysts");
        assertEquals(List.of(
                new MaskedColumn("public.customers", "contact", "customers-email", "partial"),
                new MaskedColumn(null, "phone", "computed-by-name", "redact")), result.maskedColumns());

        RuleTestResult refused = test("SELECT c.id, upper(phone) AS phone FROM public.customers c", "alice", "analysts");
        assertEquals(VerdictAction.DENY, refused.verdict().action());
        assertEquals("customers-phone", refused.verdict().ruleId());
        assertTrue(refused.verdict().message().contains("column public.customers.phone is masked for you by rule"),
                refused.verdict().message());
        assertTrue(refused.maskedColumns().isEmpty());

        RuleTestResult computed = test("SELECT lower(full_name) FROM customers", "alice", "analysts");
        assertEquals(List.of(new MaskedColumn(null, "lower", "computed-detectors", "redact (detected values)")),
                computed.maskedColumns(), "an unnamed expression is named after its function and detectors look into it");
    }

    @Test
    void whatCannotBeReadColumnByColumnListsTheRulesOnItsTables() throws Exception {
        RuleTestResult star = test("SELECT * FROM customers", "alice", "analysts");
        assertEquals(List.of("email", "card_number", "phone", "ssn"),
                star.maskedColumns().stream().map(MaskedColumn::column).toList());
        RuleTestResult cte = test("WITH c AS (SELECT * FROM customers WHERE id = 1) SELECT email FROM c", "alice", "analysts");
        assertEquals(List.of("customers-email", "customers-card", "customers-phone", "customers-ssn"),
                cte.maskedColumns().stream().map(MaskedColumn::rule).toList());
        assertTrue(test("SELECT amount FROM orders", "alice", "analysts").maskedColumns().isEmpty());
    }

    @Test
    void aTestNeedsAKnownTarget() {
        assertEquals(ErrorCode.NOT_FOUND, failure(backend.rules().test("SELECT 1", new TestIdentity("alice", List.of()),
                Optional.of("nope"))).code());
        ManagementBackend two = engine.backend(engine.vault, List.of(EngineFixture.SHOP,
                new dev.bulwark.config.TargetConfig("ledger", "10.0.0.9", null, null, "app", "env:X", null, null, null, null)), List.of());
        dev.bulwark.model.ManagementException unnamed = failure(two.rules().test("SELECT 1", new TestIdentity("alice", List.of()), Optional.empty()));
        assertEquals(ErrorCode.BAD_REQUEST, unnamed.code());
        assertTrue(unnamed.getMessage().contains("shop, ledger"), unnamed.getMessage());
    }

    @Test
    void theTestIdentityHoldsNoToken() {
        Identity identity = RuleBookBackend.identity(new TestIdentity("alice", List.of("analysts")));
        assertEquals("test", identity.issuer());
        assertEquals("", identity.tokenId());
        assertTrue(identity.expiresAt().isAfter(Instant.now().plusSeconds(365L * 24 * 3600)));
    }

    private RuleTestResult test(String sql, String subject, String... groups) throws Exception {
        return await(backend.rules().test(sql, new TestIdentity(subject, List.of(groups)), Optional.of("shop")));
    }

    // ---------------------------------------------------------------- engine

    @Test
    void statusAndStatsComeFromTheParts() throws Exception {
        EngineStatus status = await(backend.engine().status());
        assertEquals("dev", status.version());
        assertEquals("dev", backend.engine().version());
        assertTrue(status.uptimeSeconds() >= 3600);
        assertEquals(List.of(new TargetStatus("shop", "127.0.0.1:5432", 0)), status.targets());
        assertTrue(status.store().healthy(), status.store().detail());

        FakeLiveSession session = new FakeLiveSession("s-1", "alice", "analysts");
        engine.sessionEvents.started(session);
        engine.sessionEvents.statement(session, "SELECT 1", VerdictAction.ALLOW, null);
        engine.sessionEvents.statement(session, "DROP TABLE t", VerdictAction.DENY, "no-ddl");
        engine.sessionEvents.statement(session, "SELECT email FROM customers", VerdictAction.MASK, null);
        EngineStats stats = await(backend.engine().stats());
        assertEquals(1, stats.sessionsTotal());
        assertEquals(3, stats.statementsTotal());
        assertEquals(1, stats.statementsAllowed());
        assertEquals(1, stats.statementsDenied());
        assertEquals(1, stats.statementsMasked());
        assertEquals(0, stats.statementsHeld());
        assertEquals(1L, stats.other().get("policy_rules_version"));
        assertTrue(stats.framesRecorded() >= 0);
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void theSessionListIsTheHubs() throws Exception {
        FakeLiveSession session = new FakeLiveSession("s-1", "alice", "analysts");
        engine.sessionEvents.started(session);
        List<SessionSummary> sessions = await(backend.sessions().list());
        assertEquals(List.of("s-1"), sessions.stream().map(SessionSummary::id).toList());
        engine.sessionEvents.ended(session, "client closed");
        assertTrue(await(backend.sessions().list()).isEmpty());
    }

    @Test
    void unknownSessionsAreNotFound() {
        assertEquals(ErrorCode.NOT_FOUND, failure(backend.sessions().get("s-9")).code());
        assertEquals(ErrorCode.NOT_FOUND, failure(backend.sessions().kill("s-9", BOB, Optional.empty())).code());
    }

    // ---------------------------------------------------------------- recordings

    @Test
    void recordingsAreSearchedWithTheirCountsAndPaged() throws Exception {
        record("r-1", "alice", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.ALLOW),
                verdict(dev.bulwark.recording.FramePayload.Verdict.DENY)));
        record("r-2", "carol", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.HOLD),
                verdict(dev.bulwark.recording.FramePayload.Verdict.LOG), verdict(dev.bulwark.recording.FramePayload.Verdict.HOLD)));

        ManagementBackend.RecordingPage all = await(backend.recordings().search(RecordingQuery.all()));
        assertEquals(List.of("r-2", "r-1"), all.recordings().stream().map(RecordingSummary::sessionId).toList());
        assertTrue(all.next().isEmpty());
        RecordingSummary carol = all.recordings().getFirst();
        assertEquals(3, carol.statements());
        assertEquals(0, carol.denied());
        assertEquals(2, carol.held());
        assertEquals(1 + 3 + 1 + 1, carol.frames(), "start, three statements, a result, the end");
        assertEquals("shop", carol.target());
        assertTrue(carol.endedAt() != null);

        ManagementBackend.RecordingPage denied = await(backend.recordings().search(
                new RecordingQuery(null, null, null, null, null, null, VerdictAction.DENY, 0, null)));
        assertEquals(List.of("r-1"), denied.recordings().stream().map(RecordingSummary::sessionId).toList());

        ManagementBackend.RecordingPage first = await(backend.recordings().search(
                new RecordingQuery(null, null, null, null, null, null, null, 1, null)));
        assertEquals(Optional.of("1"), first.next());
        ManagementBackend.RecordingPage second = await(backend.recordings().search(
                new RecordingQuery(null, null, null, null, null, null, null, 1, first.next().get())));
        assertEquals(List.of("r-1"), second.recordings().stream().map(RecordingSummary::sessionId).toList());
        assertTrue(second.next().isEmpty());

        assertEquals(ErrorCode.BAD_REQUEST, failure(backend.recordings().search(
                new RecordingQuery(null, null, null, null, null, null, null, 1, "banana"))).code());
        assertEquals(ErrorCode.BAD_REQUEST, failure(backend.recordings().search(
                new RecordingQuery(null, null, null, null, null, null, VerdictAction.MASK, 0, null))).code());
    }

    @Test
    void framesArePagedBySeq() throws Exception {
        record("r-1", "alice", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.ALLOW),
                verdict(dev.bulwark.recording.FramePayload.Verdict.DENY)));
        ManagementBackend.FramePage first = await(backend.recordings().frames("r-1", 0, OptionalLong.empty(), 2));
        assertEquals(List.of(1L, 2L), first.frames().stream().map(Frame::seq).toList());
        assertInstanceOf(FramePayload.SessionStart.class, first.frames().getFirst().payload());
        assertEquals(OptionalLong.of(3), first.next());

        ManagementBackend.FramePage rest = await(backend.recordings().frames("r-1", 3, OptionalLong.empty(), 100));
        assertEquals(List.of(3L, 4L, 5L), rest.frames().stream().map(Frame::seq).toList());
        assertInstanceOf(FramePayload.SessionEnd.class, rest.frames().getLast().payload());
        assertTrue(rest.next().isEmpty());

        ManagementBackend.FramePage bounded = await(backend.recordings().frames("r-1", 2, OptionalLong.of(3), 1));
        assertEquals(OptionalLong.of(3), bounded.next());
        assertTrue(await(backend.recordings().frames("r-1", 3, OptionalLong.of(3), 1)).next().isEmpty());
        assertTrue(await(backend.recordings().frames("r-1", 50, OptionalLong.empty(), 10)).frames().isEmpty(),
                "past the end of a known session is an empty page");

        assertEquals(ErrorCode.NOT_FOUND, failure(backend.recordings().frames("nope", 0, OptionalLong.empty(), 10)).code());
    }

    private static dev.bulwark.recording.FramePayload.Statement verdict(dev.bulwark.recording.FramePayload.Verdict verdict) {
        return new dev.bulwark.recording.FramePayload.Statement(dev.bulwark.recording.FramePayload.Protocol.SIMPLE,
                "SELECT 1", List.of(), verdict, null, null, List.of(), List.of("SELECT"));
    }

    /** Records a session: its statements, one result after the first, and its end; returns once durable. */
    private void record(String id, String subject, List<dev.bulwark.recording.FramePayload.Statement> statements)
            throws Exception {
        SessionRecording recording = engine.recorder.open(new SessionInfo(id, new Identity(subject, Set.of("analysts"),
                "https://idp.test", "jti-" + id, Instant.now().plusSeconds(3600), Map.of()), "10.0.0.7:5000", "psql", "shop",
                "app_ro", AuditMode.STRICT), Runnable::run);
        for (int i = 0; i < statements.size(); i++) {
            recording.statement(statements.get(i)).get(10, TimeUnit.SECONDS);
            if (i == 0) {
                recording.result().columns(List.of(new dev.bulwark.recording.FramePayload.Column("?column?", "int4")))
                        .row(List.of("1")).complete("SELECT 1").get(10, TimeUnit.SECONDS);
            }
        }
        recording.end(dev.bulwark.recording.FramePayload.EndReason.CLIENT_TERMINATE, null).get(10, TimeUnit.SECONDS);
        Thread.sleep(2); // distinct start times, so "newest first" is defined
    }

    // ---------------------------------------------------------------- audit

    @Test
    void anUntouchedChainVerifiesAndAnEditedOneDoesNot() throws Exception {
        record("r-1", "alice", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.ALLOW)));
        AuditVerification ok = await(backend.audit().verify());
        assertTrue(ok.ok());
        assertTrue(ok.recordsChecked() > 3, "key roll, rule changes and the session's frames");

        FrameRecord statement = engine.store.frames("r-1", 1, 1).getFirst();
        try (Connection connection = TestStores.rawH2(dataDir);
             PreparedStatement update = connection.prepareStatement("UPDATE frames SET payload = ? WHERE node_id = ? AND seq = ?")) {
            update.setString(1, statement.payload().replace("SELECT 1", "SELECT 2"));
            update.setString(2, statement.nodeId());
            update.setLong(3, statement.seq());
            assertEquals(1, update.executeUpdate());
        }
        AuditVerification broken = await(backend.audit().verify());
        assertFalse(broken.ok());
        assertEquals(statement.seq(), broken.firstBroken().sequence());
        assertTrue(broken.firstBroken().reason().contains("session r-1 frame 1"), broken.firstBroken().reason());
    }

    @Test
    void exportsGoToAFileInTheExportDirectoryAndNowhereElse() throws Exception {
        record("r-1", "alice", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.ALLOW)));
        long lines = await(backend.audit().exportToFile("audit-1.jsonl"));
        Path file = dataDir.resolve("exports/audit-1.jsonl");
        List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(lines, written.size());
        assertTrue(written.stream().anyMatch(line -> line.contains("\"session_id\":\"r-1\"")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.writeString(dataDir.resolve("exports/keep.jsonl"), "mine\n");
        assertEquals(ErrorCode.CONFLICT, failure(backend.audit().exportToFile("keep.jsonl")).code());
        assertEquals("mine\n", Files.readString(dataDir.resolve("exports/keep.jsonl")), "an existing file is left alone");
        for (String name : List.of("../escape.jsonl", "/tmp/x.jsonl", "a/b.jsonl", ".hidden", "..", "")) {
            assertEquals(ErrorCode.BAD_REQUEST, failure(backend.audit().exportToFile(name)).code(), name);
        }
        assertFalse(Files.exists(dataDir.resolve("escape.jsonl")));
    }

    @Test
    void aStreamedExportComesInBatchesAndStopsWhenTheOperatorIsGone() throws Exception {
        record("r-1", "alice", List.of(verdict(dev.bulwark.recording.FramePayload.Verdict.ALLOW)));
        List<List<String>> batches = new ArrayList<>();
        long lines = await(backend.audit().export(batches::add));
        assertEquals(lines, batches.stream().mapToLong(List::size).sum());
        for (String line : batches.getFirst()) {
            assertTrue(ManagementJson.mapper().readTree(line).isObject(), line);
        }

        CompletableFuture<Long> gone = backend.audit().export(batch -> {
            throw new IOException("connection closed");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> gone.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause().getCause());
    }

    @Test
    void batchesAreCutByLinesAndSize() throws IOException {
        List<List<String>> batches = new ArrayList<>();
        try (ChainAuditBackend.BatchingWriter out = new ChainAuditBackend.BatchingWriter(batches::add)) {
            for (int i = 0; i < ChainAuditBackend.BATCH_LINES + 3; i++) {
                out.write("{\"n\":" + i + "}");
                out.write('\n');
            }
            out.write("tail");
        }
        assertEquals(List.of(ChainAuditBackend.BATCH_LINES, 4), batches.stream().map(List::size).toList());
        assertEquals("tail", batches.getLast().getLast());
    }

    // ---------------------------------------------------------------- vault

    @Test
    void vaultEntriesNameTargetsAndUsersButNeverSecrets() throws Exception {
        Vault writable = Vault.openForWriting(dataDir, Map.of());
        writable.put("shop-app", new Credential("app_user", "s3cret-Shop-Pw"));
        writable.put("ledger-rw", new Credential("ledger_rw", "s3cret-Ledger-Pw"));
        writable.put("spare", new Credential("nobody", "s3cret-Spare-Pw"));
        GrantRule grant = new GrantRule(null, "finance", null, null, null, "ledger", "ledger_rw", "vault:ledger-rw");
        ManagementBackend withVault = engine.backend(Vault.open(dataDir, Map.of()), List.of(EngineFixture.SHOP), List.of(grant));

        List<VaultEntry> entries = await(withVault.vault().entries());
        assertEquals(Set.of("shop-app/shop/app_user", "ledger-rw/ledger/ledger_rw", "spare/(unused)/nobody"),
                Set.copyOf(entries.stream().map(entry -> entry.name() + "/" + entry.target() + "/" + entry.role()).toList()));
        assertTrue(entries.stream().allMatch(entry -> entry.updatedAt() != null));
        String json = ManagementJson.mapper().writeValueAsString(entries);
        assertFalse(json.contains("s3cret"), json);
    }

    @Test
    void aStoreThatIsDownIsUnavailableAndChangesNothing() {
        engine.store.close();
        dev.bulwark.model.ManagementException search = failure(backend.recordings().search(RecordingQuery.all()));
        assertEquals(ErrorCode.UNAVAILABLE, search.code());
        assertTrue(search.getMessage().startsWith("the audit store is not available now"), search.getMessage());

        ObjectNode body = ManagementJson.mapper().createObjectNode().put("action", "LOG");
        assertEquals(ErrorCode.UNAVAILABLE, failure(backend.rules().put(dev.bulwark.model.RuleKind.POLICY, "log-all", body,
                OptionalLong.empty(), BOB)).code());
        assertTrue(engine.rules.document(dev.bulwark.model.RuleKind.POLICY, "log-all").isEmpty());
        assertEquals(1, engine.rules.policyVersion());
    }
}
