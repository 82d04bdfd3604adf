package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.demo.DemoDatabase;
import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 through the demo. Class 6: each grant logs in as its own role, so PostgreSQL itself refuses a
 * role change that a policy rule lets through; a data directory of an older demo (pooled service login
 * a member of every role) is upgraded on start. Class 11: what an exempt reader (dba) saw clear is kept
 * masked in the recording, flagged, unless the rule says {@code record: as_seen}. Class 7: a recorded
 * statement names the rule that allowed it; a held statement the client cancelled is recorded as withdrawn.
 */
class DemoRolesAndRecordsIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;

    @BeforeAll
    static void start() throws Exception {
        olderDemo();
        // The demo's rules, plus one ahead of them that lets ci-agent change its role: the database must refuse.
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        String demoRules;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/dev/bulwark/policy/demo-rules.yaml")) {
            demoRules = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String extra = """
                rules:
                  - id: ci-may-change-role
                    name: (test) ci-agent may change its role
                    match: {subjects: [ci-agent], text_pattern: "(?is).*(set role|set_config|session authorization).*"}
                    action: ALLOW
                """;
        Files.writeString(rules.resolve("policy.yaml"), demoRules.replaceFirst("(?m)^rules:\\s*$", extra.strip()));
        // The demo's masking rules, with phone numbers recorded as the reader saw them.
        String masking;
        try (InputStream in = DemoCommand.class.getResourceAsStream(dev.bulwark.masking.MaskingConfig.DEMO_RESOURCE)) {
            masking = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String phoneRule = "    params: {keep_last: 2}\n";
        assertTrue(masking.contains(phoneRule));
        Files.writeString(rules.resolve("masking.yaml"), masking.replace(phoneRule, phoneRule + "    record: as_seen\n"));
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
    }

    /** The layout an older demo left: roles NOLOGIN, the service login a member of all three, only its password vaulted. */
    private static void olderDemo() throws Exception {
        try (DemoDatabase old = DemoDatabase.start(dir, Map.of())) {
            try (Connection admin = old.adminConnection(); Statement s = admin.createStatement()) {
                for (String role : DemoDatabase.ROLES) {
                    s.execute("ALTER ROLE " + role + " NOLOGIN PASSWORD NULL");
                }
                s.execute("GRANT " + String.join(", ", DemoDatabase.ROLES) + " TO " + DemoDatabase.SERVICE_USER);
            }
            Vault.openForWriting(dir, System.getenv()).put("shop", new Credential(DemoDatabase.SERVICE_USER, old.servicePassword()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    static Connection connect(String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void eachGrantLogsInAsItsOwnRole() throws Exception {
        for (Map.Entry<String, String> user : Map.of("alice", "shop_analyst", "ci-agent", "shop_reader", "dba", "shop_owner").entrySet()) {
            try (Connection c = connect(user.getKey()); Statement s = c.createStatement()) {
                assertEquals(user.getValue() + "|" + user.getValue(), scalar(s, "SELECT session_user || '|' || current_user"));
            }
        }
    }

    @Test
    void setRoleShopOwnerAsCiAgentIsAllowedByTheRuleAndRefusedByPostgres() throws Exception {
        try (Connection ci = connect("ci-agent"); Statement s = ci.createStatement()) {
            for (String sql : List.of("SET ROLE shop_owner", "SELECT set_config('role', 'shop_owner', false)",
                    "SET SESSION AUTHORIZATION shop_owner")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql);
                assertTrue(e.getMessage().contains("permission denied to set"), "PostgreSQL's refusal, not the gateway's: "
                        + e.getMessage());
                assertEquals("shop_reader", scalar(s, "SELECT current_user"), sql);
            }
            s.execute("RESET ROLE");
            assertEquals("shop_reader", scalar(s, "SELECT current_user"));
        }
    }

    @Test
    void theOlderDemosRolesAreUpgraded() throws Exception {
        try (Connection admin = demo.database().adminConnection(); Statement s = admin.createStatement()) {
            assertEquals("0", scalar(s, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                    + " WHERE r.rolname = '" + DemoDatabase.SERVICE_USER + "'"), "the service login is a member of nothing");
            assertEquals("3", scalar(s, "SELECT count(*) FROM pg_roles WHERE rolcanlogin AND rolname IN ('shop_owner', 'shop_analyst', 'shop_reader')"));
        }
        Vault vault = Vault.open(dir, System.getenv());
        for (String role : DemoDatabase.ROLES) {
            assertEquals(role, vault.credential("shop-" + role).user());
        }
    }

    @Test
    void maskingStillFindsItsColumnsThroughTheLeastPrivilegedServiceLogin() throws Exception {
        try (Connection alice = connect("alice"); Statement s = alice.createStatement()) {
            assertTrue(scalar(s, "SELECT card_number FROM customers WHERE id = 1").matches("\\*{12}\\d{4}"));
        }
    }

    @Test
    void noPasswordIsInTheConfigOrTheInstructions() throws Exception {
        String config = Files.readString(dir.resolve("bulwark.yaml"));
        String vaultFile = Files.readString(dir.resolve("vault.json"));
        for (String login : DemoDatabase.logins()) {
            String password = demo.database().password(login);
            assertFalse(config.contains(password), login);
            assertFalse(vaultFile.contains(password), login);
            assertFalse(demo.instructions().contains(password), login);
        }
        assertTrue(config.contains("credential: vault:shop-shop_reader"), config);
    }

    // ------------------------------------------------------------------ class 11: what exempt readers saw

    @Test
    void dbaReadsCardsClearAndTheRecordingReplayAndExportKeepThemMaskedExceptWhatIsRecordedAsSeen() throws Exception {
        Path psql = dev.bulwark.testing.Cli.find("psql").orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(psql != null, "psql is not installed");
        String marker = "exempt" + java.util.UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String script = "SELECT id, card_number, phone, email, '" + marker + "' AS marker FROM customers WHERE id <= 3 ORDER BY id;\n"
                + "SELECT '4111111111111111' AS typed;\n";
        dev.bulwark.testing.Cli.Result r = dev.bulwark.testing.Cli.run(Map.of("PGPASSWORD", demoJson.path("users").path("dba").asText(),
                        "PGSSLMODE", "require"), script, 60, psql.toString(), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", String.valueOf(demo.port()), "-U", "dba", "-d", "shop", "-f", "-");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String[]> seen = r.stdout().lines().filter(line -> line.endsWith(marker)).map(line -> line.split("\\|")).toList();
        assertEquals(3, seen.size(), r.stdout());
        for (String[] row : seen) {
            assertTrue(row[1].matches("\\d{16}"), "dba reads card numbers clear: " + row[1]);
        }
        assertTrue(r.stdout().contains("4111111111111111"), "and the typed one");

        List<dev.bulwark.recording.RecordedFrame> frames = recordedSession("dba", marker);
        dev.bulwark.recording.FramePayload.Result result = frames.stream().map(dev.bulwark.recording.RecordedFrame::payload)
                .filter(dev.bulwark.recording.FramePayload.Result.class::isInstance).map(dev.bulwark.recording.FramePayload.Result.class::cast)
                .filter(res -> res.columns().stream().anyMatch(c -> c.name().equals("marker"))).findFirst().orElseThrow();
        assertEquals(List.of(false, true, false, true, false),
                result.columns().stream().map(dev.bulwark.recording.FramePayload.Column::maskedForRecord).toList(),
                "card_number and email masked for the record; phone is recorded as_seen");
        for (int i = 0; i < seen.size(); i++) {
            List<String> recorded = result.rows().get(i);
            assertEquals(seen.get(i)[0], recorded.get(0));
            assertEquals("************" + seen.get(i)[1].substring(12), recorded.get(1), "masked as a reader under the rule sees it");
            assertEquals(seen.get(i)[2], recorded.get(2), "record: as_seen keeps what dba saw");
            assertTrue(recorded.get(3).startsWith("***@"), recorded.get(3));
        }
        dev.bulwark.recording.FramePayload.Result typed = frames.stream().map(dev.bulwark.recording.RecordedFrame::payload)
                .filter(dev.bulwark.recording.FramePayload.Result.class::isInstance).map(dev.bulwark.recording.FramePayload.Result.class::cast)
                .filter(res -> res.columns().stream().anyMatch(c -> c.name().equals("typed"))).findFirst().orElseThrow();
        assertTrue(typed.columns().get(0).maskedForRecord());
        assertFalse(typed.rows().get(0).get(0).contains("4111111111111111"), typed.rows().toString());
        String allFrames = frames.toString();
        assertFalse(allFrames.contains("4111111111111111"), "nor in the recorded SQL text");
        for (String[] row : seen) {
            assertFalse(allFrames.contains(row[1]), "no clear card number anywhere in the recording");
        }

        // The export and the replay an operator reads.
        java.io.StringWriter exported = new java.io.StringWriter();
        CommandLine audit = new CommandLine(new dev.bulwark.cli.AuditCommand());
        audit.setOut(new java.io.PrintWriter(exported));
        assertEquals(0, audit.execute("export", "--data", dir.toString()));
        assertTrue(exported.toString().contains("\"masked_for_record\":true"), "the export says which columns");
        String sessionId = frames.get(0).sessionId();
        java.io.StringWriter replayed = new java.io.StringWriter();
        CommandLine ctl = new CommandLine(new dev.bulwark.cli.CtlCommand());
        ctl.setOut(new java.io.PrintWriter(replayed));
        ctl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(0, ctl.execute("replay", sessionId, "--data", dir.toString()), replayed.toString());
        assertTrue(replayed.toString().contains("card_number (masked in recording)"), replayed.toString());
        assertFalse(replayed.toString().contains("phone (masked in recording)"), replayed.toString());
        for (String[] row : seen) {
            assertFalse(exported.toString().contains(row[1]), "export");
            assertFalse(replayed.toString().contains(row[1]), "replay");
        }
    }

    // ------------------------------------------------------------------ class 7: the rule, and withdrawn holds

    @Test
    void aRecordedStatementNamesTheRuleThatAllowedIt() throws Exception {
        String marker = "allowedby" + java.util.UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        try (Connection ci = connect("ci-agent"); Statement s = ci.createStatement()) {
            scalar(s, "SELECT '" + marker + "'");
            assertThrows(SQLException.class, () -> s.execute("SET ROLE shop_owner"));
        }
        List<dev.bulwark.recording.FramePayload> frames = recordedSession("ci-agent", marker).stream()
                .map(dev.bulwark.recording.RecordedFrame::payload).toList();
        dev.bulwark.recording.FramePayload.Statement select = statement(frames, "SELECT '" + marker + "'");
        assertEquals(dev.bulwark.recording.FramePayload.Verdict.ALLOW, select.verdict());
        assertEquals("ci-read-only", select.ruleId());
        dev.bulwark.recording.FramePayload.Statement setRole = statement(frames, "SET ROLE shop_owner");
        assertEquals(dev.bulwark.recording.FramePayload.Verdict.ALLOW, setRole.verdict());
        assertEquals("ci-may-change-role", setRole.ruleId());
        int at = frames.indexOf(setRole);
        assertTrue(frames.get(at + 1) instanceof dev.bulwark.recording.FramePayload.ErrorReport e && e.sqlstate().equals("42501"),
                "then PostgreSQL's refusal: " + frames.get(at + 1));
    }

    @Test
    void aHeldStatementTheClientCancelledIsRecordedAsHeldAndWithdrawn() throws Exception {
        String marker = "cancelled" + java.util.UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String sql = "DELETE FROM orders /* " + marker + " */";
        try (Connection alice = connect("alice"); Statement s = alice.createStatement()) {
            java.util.concurrent.CompletableFuture<Void> cancel = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1000);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SQLException e = assertThrows(SQLException.class, () -> s.execute(sql));
            cancel.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("57014", e.getSQLState());
        }
        assertHeldAndWithdrawn(recordedSession("alice", marker), sql);
    }

    @Test
    void aHeldStatementWhoseClientWentAwayIsRecordedAsHeldAndWithdrawn() throws Exception {
        String marker = "abandoned" + java.util.UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String sql = "UPDATE orders SET status = status /* " + marker + " */";
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Connection alice = connect("alice");
            java.util.concurrent.Future<?> running = runner.submit(() -> {
                try (Statement s = alice.createStatement()) {
                    s.execute(sql);
                } catch (SQLException expected) {
                    // the connection is closed under it
                }
            });
            Thread.sleep(1000);
            alice.abort(Runnable::run); // the socket closes: no Terminate, no cancel
            running.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            runner.shutdownNow();
        }
        assertHeldAndWithdrawn(recordedSession("alice", marker), sql);
    }

    private static void assertHeldAndWithdrawn(List<dev.bulwark.recording.RecordedFrame> recorded, String sql) {
        List<dev.bulwark.recording.FramePayload> frames = recorded.stream().map(dev.bulwark.recording.RecordedFrame::payload).toList();
        List<dev.bulwark.recording.FramePayload.Statement> statements = frames.stream()
                .filter(dev.bulwark.recording.FramePayload.Statement.class::isInstance).map(dev.bulwark.recording.FramePayload.Statement.class::cast)
                .filter(st -> st.text().equals(sql)).toList();
        assertEquals(1, statements.size(), "recorded once: " + frames);
        assertEquals(dev.bulwark.recording.FramePayload.Verdict.HOLD, statements.get(0).verdict());
        assertEquals("hold-unfiltered-writes", statements.get(0).ruleId());
        List<dev.bulwark.recording.FramePayload.ApprovalState> approvals = frames.stream()
                .filter(dev.bulwark.recording.FramePayload.Approval.class::isInstance).map(dev.bulwark.recording.FramePayload.Approval.class::cast)
                .map(dev.bulwark.recording.FramePayload.Approval::state).toList();
        assertEquals(List.of(dev.bulwark.recording.FramePayload.ApprovalState.ASKED, dev.bulwark.recording.FramePayload.ApprovalState.WITHDRAWN),
                approvals, frames.toString());
    }

    private static dev.bulwark.recording.FramePayload.Statement statement(List<dev.bulwark.recording.FramePayload> frames, String text) {
        return frames.stream().filter(dev.bulwark.recording.FramePayload.Statement.class::isInstance)
                .map(dev.bulwark.recording.FramePayload.Statement.class::cast).filter(st -> st.text().equals(text))
                .findFirst().orElseThrow(() -> new AssertionError("no statement " + text + " in " + frames));
    }

    /** The ended recording of {@code subject}'s session whose frames contain {@code marker}. */
    private static List<dev.bulwark.recording.RecordedFrame> recordedSession(String subject, String marker) throws Exception {
        dev.bulwark.recording.AuditQueries queries = new dev.bulwark.recording.AuditQueries(demo.engine().store(),
                java.util.concurrent.Executors.newSingleThreadExecutor());
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            for (dev.bulwark.store.SessionRow row : demo.engine().store().searchSessions(
                    new dev.bulwark.store.SessionQuery(subject, null, null, null, null, null, null, 100, 0))) {
                List<dev.bulwark.recording.RecordedFrame> frames = queries.frames(row.id(), 0, 1000).get(10, java.util.concurrent.TimeUnit.SECONDS);
                if (frames.stream().anyMatch(f -> f.payload().toString().contains(marker))
                        && frames.stream().anyMatch(f -> f.payload() instanceof dev.bulwark.recording.FramePayload.SessionEnd)) {
                    return frames;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ended recording of " + subject + " with " + marker);
    }
}
