package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.management.FakeBackend;
import dev.bulwark.management.ManagementConfig;
import dev.bulwark.management.TestServer;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Classification;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bulwark ctl} through picocli, against the real server and the fake engine. */
class CtlCommandTest {
    @TempDir
    Path directory;

    private TestServer engine;

    private record Run(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        List<JsonNode> json() throws Exception {
            List<JsonNode> messages = new ArrayList<>();
            for (String line : lines()) {
                messages.add(ManagementJson.mapper().readTree(line));
            }
            return messages;
        }
    }

    @BeforeEach
    void start() throws Exception {
        engine = TestServer.start(directory);
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    private Run ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", engine.socket().toString()));
        all.addAll(List.of(args));
        return raw(all.toArray(String[]::new));
    }

    private static Run raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new CtlCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void sessionsAsATableAndAsJson() throws Exception {
        engine.fake.startSession(FakeBackend.session("s-1", "alice@example.com"));
        engine.fake.startSession(FakeBackend.session("s-22", "bob"));
        engine.fake.changeSession("s-22", SessionState.IN_TRANSACTION);

        Run table = ctl("sessions");
        assertEquals(0, table.code(), table.err());
        assertEquals(3, table.lines().size(), table.out());
        assertTrue(table.lines().get(0).startsWith("ID    SUBJECT            TARGET  DATABASE"), table.out());
        assertTrue(table.lines().get(2).matches("s-22  bob\\s+orders\\s+orders\\s+bulwark_ro\\s+in_transaction\\s+.*"),
                table.out());

        Run json = ctl("sessions", "--json");
        assertEquals(0, json.code());
        EngineMessage message = ManagementJson.mapper().readValue(json.out(), EngineMessage.class);
        assertEquals(2, assertInstanceOf(EngineMessage.Sessions.class, message).sessions().size());
        // --json may come before the subcommand too, and --data finds the socket.
        Run viaData = raw("--data", directory.toString(), "--json", "sessions", "list");
        assertEquals(json.out().replaceAll("\"id\":\\d+", ""), viaData.out().replaceAll("\"id\":\\d+", ""));
    }

    @Test
    void killingASessionAndErrorsFromTheEngine() throws Exception {
        engine.fake.startSession(FakeBackend.session("s-1", "alice"));
        Run killed = ctl("sessions", "kill", "s-1", "--reason", "runaway query");
        assertEquals(0, killed.code(), killed.err());
        assertEquals("killed session s-1\n", killed.out());

        Run missing = ctl("sessions", "kill", "s-1");
        assertEquals(CtlCommand.ENGINE_ERROR, missing.code());
        assertEquals("bulwark ctl: not_found: no session s-1\n", missing.err());
        assertEquals("", missing.out());

        Run missingJson = ctl("--json", "sessions", "kill", "s-1");
        assertEquals(CtlCommand.ENGINE_ERROR, missingJson.code());
        assertEquals("not_found", missingJson.json().get(0).at("/error/code").asText());
    }

    @Test
    void approvalsListApproveAndDeny() throws Exception {
        engine.fake.hold("a-1", "s-1", "DELETE FROM orders\n   WHERE id = 1", 1);
        engine.fake.hold("a-2", "s-1", "UPDATE orders SET x = 1", 1);
        Run list = ctl("approvals");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("a-1  pending  alice"), list.out());
        assertTrue(list.out().contains("DELETE FROM orders WHERE id = 1"), "statements on one line: " + list.out());

        Run approved = ctl("approvals", "approve", "a-1", "--reason", "ticket OPS-1");
        assertEquals(0, approved.code(), approved.err());
        assertTrue(approved.out().startsWith("approval a-1 is approved (1/1 approvals)"), approved.out());
        assertTrue(approved.out().contains("approve by root: ticket OPS-1") || approved.out().contains(": ticket OPS-1"));

        Run denied = ctl("approvals", "deny", "a-2", "--reason", "not now", "--json");
        assertEquals(0, denied.code());
        assertEquals("denied", denied.json().get(0).at("/approval/state").asText());

        assertEquals(CtlCommand.ENGINE_ERROR, ctl("approvals", "deny", "a-2", "--reason", "again").code(), "conflict");
        Run noReason = ctl("approvals", "approve", "a-1");
        assertEquals(CtlCommand.USAGE, noReason.code());
        assertTrue(noReason.err().contains("--reason"), noReason.err());
        assertEquals("no pending approvals\n", ctl("approvals", "list").out());
        assertEquals(3, ctl("approvals", "list", "--all").lines().size());
    }

    @Test
    void rulesApplyListAndTest() throws Exception {
        Path file = directory.resolve("rules.yaml");
        Files.writeString(file, """
                rules:
                  - kind: policy
                    id: no-ddl
                    expected_version: 0
                    body: { name: No DDL, match: { kind: ddl }, action: deny }
                  - kind: masking
                    id: pii
                    body: { name: Mask PII, columns: [customers.email], method: redact }
                """);
        Run applied = ctl("rules", "apply", file.toString());
        assertEquals(0, applied.code(), applied.err());
        assertEquals(List.of("policy rule no-ddl is now version 1", "masking rule pii is now version 1"), applied.lines());

        Run again = ctl("rules", "apply", file.toString());
        assertEquals(CtlCommand.ENGINE_ERROR, again.code(), "expected_version 0 no longer holds");
        assertTrue(again.err().contains("conflict"), again.err());

        Run list = ctl("rules", "list");
        assertEquals(0, list.code());
        assertTrue(list.lines().get(1).matches("masking\\s+pii\\s+1\\s+root\\s+\\S+\\s+Mask PII"), list.out());
        assertEquals(2, ctl("rules", "list", "--kind", "POLICY", "--json").json().get(0).get("rules").size() + 1);

        Run test = ctl("rules", "test", "--as", "alice", "--groups", "analysts,oncall", "--target", "orders",
                "SELECT id, email FROM customers");
        assertEquals(0, test.code(), test.err());
        assertEquals(List.of(
                "kind     read",
                "verbs    SELECT",
                "tables   customers",
                "verdict  mask (rule pii \"Mask PII\")",
                "masked   customers.email (redact, rule pii)"), test.lines());
        Run denied = ctl("rules", "test", "--as", "alice", "--json", "DROP TABLE customers");
        assertEquals("deny", denied.json().get(0).at("/result/verdict/action").asText());

        Files.writeString(file, "- kind: policy\n  id: broken\n");
        Run bad = ctl("rules", "apply", file.toString());
        assertEquals(CtlCommand.USAGE, bad.code());
        assertTrue(bad.err().contains("rule 1 (broken): body must be an object"), bad.err());
    }

    @Test
    void replayPrintsFramesAsText() throws Exception {
        engine.fake.record(new RecordingSummary("s-9", "alice", List.of(), "orders", "orders", "10.0.0.1:1",
                FakeBackend.STARTED, null, 2, 1, 0, 6), FakeBackend.sampleFrames());
        Run replay = ctl("replay", "s-9");
        assertEquals(0, replay.code(), replay.err());
        assertEquals(List.of(
                "#1     08:00:00.000  session start  alice (analysts) -> orders/orders as bulwark_ro from 10.0.0.1:50000 [psql]",
                "#2     08:00:00.001  statement      [mask pii] verbs ?; tables -",
                "  | SELECT id, email FROM customers",
                "#3     08:00:00.002  result         SELECT 2 (2 rows)",
                "         id  email",
                "         1   ****",
                "         2   NULL",
                "#4     08:00:00.003  statement      [deny no-ddl] verbs ?; tables -",
                "  | DROP TABLE customers",
                "#5     08:00:00.004  error          42501 denied by rule no-ddl",
                "#6     08:00:00.005  session end    client closed the connection"), replay.lines());
        Run range = ctl("replay", "s-9", "--from", "4", "--to", "5", "--json");
        assertEquals(List.of(4L, 5L), range.json().get(0).get("frames").findValues("seq").stream()
                .map(JsonNode::asLong).toList());
        assertEquals(CtlCommand.ENGINE_ERROR, ctl("replay", "nope").code());
    }

    @Test
    void watchPrintsTheStateThenLiveEvents() throws Exception {
        engine.fake.startSession(FakeBackend.session("s-1", "alice"));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().start(() -> {
            int n = 0;
            while (running.get()) {
                engine.hub.statementExecuted("s-1", "alice", "SELECT " + n++, dev.bulwark.model.VerdictAction.ALLOW, null);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Run watch = ctl("watch", "--topics", "sessions,statements", "--max-events", "2");
            assertEquals(0, watch.code(), watch.err());
            assertEquals(3, watch.lines().size(), watch.out());
            assertEquals("watching sessions,statements; 1 live sessions", watch.lines().get(0));
            assertTrue(watch.lines().get(1).matches("\\S+  statement in s-1 by alice \\[allow\\] SELECT \\d+"), watch.out());

            Run json = ctl("watch", "--json", "--topics", "STATEMENTS", "--max-events", "1");
            assertEquals(0, json.code(), json.err());
            assertEquals(List.of("subscribed", "event"), json.json().stream().map(m -> m.get("type").asText()).toList());
        } finally {
            running.set(false);
            producer.join();
        }
        assertEquals(CtlCommand.USAGE, ctl("watch", "--topics", "everything").code());
    }

    @Test
    void statusShowsTheEngine() {
        Run status = ctl("status");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().startsWith("engine      test-1.0\noperator    root (admin)\n")
                        || status.out().startsWith("engine      test-1.0\noperator    "), status.out());
        assertTrue(status.out().contains("store       healthy (in memory)"), status.out());
        assertTrue(status.out().contains("TARGET  ADDRESS         SESSIONS"), status.out());
        assertEquals(2, ctl("status", "--json").lines().size());
    }

    @Test
    void exitCodesForUsageConnectionAndPermission() throws Exception {
        Run bare = raw();
        assertEquals(CtlCommand.USAGE, bare.code());
        assertTrue(bare.err().contains("Usage: ctl"), bare.err());
        Run help = raw("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("4   not allowed"), help.out());
        assertEquals(CtlCommand.USAGE, ctl("sessions", "--bogus").code());

        Run nobody = raw("--socket", directory.resolve("nobody.sock").toString(), "status");
        assertEquals(CtlCommand.CANNOT_CONNECT, nobody.code());
        assertTrue(nobody.err().startsWith("bulwark ctl: cannot connect to the engine at "), nobody.err());

        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator(null, uid, null, null, "vera", OperatorRole.VIEWER)).build());
        engine.fake.hold("a-1", "s-1", "DELETE FROM orders", 1);
        Run forbidden = ctl("approvals", "approve", "a-1", "--reason", "why not");
        assertEquals(CtlCommand.NOT_ALLOWED, forbidden.code());
        assertEquals("bulwark ctl: forbidden: approvals.approve needs the reviewer role; vera is viewer\n", forbidden.err());
        assertEquals(0, ctl("approvals").code(), "a viewer may list");

        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().trustEngineUser(false).build());
        Run stranger = ctl("sessions");
        assertEquals(CtlCommand.NOT_ALLOWED, stranger.code());
        assertTrue(stranger.err().startsWith("bulwark ctl: unauthorized: the OS user (uid " + uid + ")"), stranger.err());
    }

    // --- what a reviewer or auditor sees (issue 14 class 8, issue 24 classes 2, 3, 6) ----------------

    /** Terminal controls, direction changes and invisible characters, as an attacker would plant them. */
    private static final String HOSTILE = "\u001b[2K\u001b[1A\u009b2K\u202e\u2066\u200b\u200d\ufeff\u00ad\u2028\u2029"
            + "\u061c\u200e\ufe0f\udb40\udc41\u007f\r\u00a0\ud800";

    /** 100 KiB of statement: a comment fills the start, the UPDATE comes late, hostile characters throughout. */
    private static String bigStatement() {
        StringBuilder sql = new StringBuilder("/* read-only report, no changes */ SELECT 1;\n");
        sql.append("-- parameters: $1 = 'harmless'\n");
        while (sql.length() < 100 * 1024) {
            sql.append("SELECT '").append(HOSTILE).append("' AS pad").append(sql.length()).append(";\n");
        }
        return sql.append("UPDATE accounts SET balance = 0 WHERE owner = $1 /*\u202e*/;").toString();
    }

    private static ApprovalSummary hostileApproval(String id, String statement) {
        return new ApprovalSummary(id, "s-\u001b[31mred", "mallory", "orders", "bulwark_rw", "prod-writes", statement,
                "sha256:0123abcd", FakeBackend.STARTED, 0, 1, ApprovalState.PENDING, List.of(),
                java.util.Arrays.asList("x\u202e'; DROP TABLE t; --\n-- parameters: $1 = 'ok'" + HOSTILE, null, "NULL"),
                new Classification("WRITE", List.of("SELECT", "UPDATE"), List.of("accounts")));
    }

    /** Nothing a terminal acts on or does not draw: only printable text, spaces and line feeds. */
    private static void assertTerminalSafe(String out) {
        for (int i = 0; i < out.length(); ) {
            int codePoint = out.codePointAt(i);
            if (codePoint != '\n' && (SafeText.needsEscape(codePoint, SafeText.Layout.BLOCK) && codePoint != SafeText.OPEN
                    || codePoint == '\t')) {
                throw new AssertionError(String.format("raw U+%04X at %d: %s", codePoint, i,
                        out.substring(Math.max(0, i - 40), Math.min(out.length(), i + 40))));
            }
            i += Character.charCount(codePoint);
        }
    }

    @Test
    void approvalsShowPrintsTheWholeRequestWithNothingRaw() throws Exception {
        String statement = bigStatement();
        ApprovalSummary approval = engine.fake.hold(hostileApproval("a-1", statement));

        Run show = ctl("approvals", "show", "a-1");
        assertEquals(0, show.code(), show.err());
        assertTerminalSafe(show.out());
        List<String> lines = show.lines();
        // The labelled facts, each on its own line at column 0.
        assertTrue(lines.contains("approval   a-1"), show.out().substring(0, 600));
        assertTrue(lines.contains("session    " + SafeText.line(approval.sessionId())), show.out().substring(0, 600));
        assertTrue(lines.contains("rule       prod-writes"));
        assertTrue(lines.contains("kind       WRITE"));
        assertTrue(lines.contains("verbs      SELECT,UPDATE"));
        assertTrue(lines.contains("tables     accounts"));
        assertTrue(lines.contains("hash       sha256:0123abcd"));
        // The whole text, every line under the gutter: stripped of it, it is the rendered statement.
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("statement (")).findFirst().orElseThrow());
        assertTrue(lines.get(start).startsWith("statement (" + statement.codePointCount(0, statement.length()) + " characters"),
                lines.get(start));
        int end = lines.indexOf("parameters (3):");
        assertTrue(end > start, "parameters after the statement");
        String shown = String.join("\n", lines.subList(start + 1, end).stream().map(l -> {
            assertTrue(l.startsWith("  | "), "every statement line has the gutter: " + l);
            return l.substring(4);
        }).toList());
        assertEquals(SafeText.block(statement), shown, "the full text, nothing elided");
        assertTrue(shown.contains("UPDATE accounts SET balance = 0"), "the part after 100 KiB is there");
        // The engine's labels cannot be imitated: the only line starting "parameters" is the engine's.
        assertEquals(1, lines.stream().filter(l -> l.startsWith("parameters")).count());
        assertEquals(List.of(
                "  $1 = " + SafeText.value(approval.parameters().get(0)) + "  ("
                        + approval.parameters().get(0).codePointCount(0, approval.parameters().get(0).length()) + " characters)",
                "  $2 = NULL",
                "  $3 = 'NULL'  (4 characters)"), lines.subList(end + 1, end + 4));
        assertTrue(lines.get(end + 1).contains("\u00abU+202E\u00bb") && lines.get(end + 1).contains("\u00abLF\u00bb-- parameters:"),
                lines.get(end + 1));

        Run json = ctl("approvals", "show", "a-1", "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "JSON as printable ASCII");
        EngineMessage.Approval parsed = ManagementJson.mapper().readValue(json.out(), EngineMessage.Approval.class);
        assertEquals(approval, parsed.approval(), "the same values, escaped only on the terminal");

        Run missing = ctl("approvals", "show", "a-\u001b[2Knope");
        assertEquals(CtlCommand.ENGINE_ERROR, missing.code());
        assertTerminalSafe(missing.err());
    }

    @Test
    void approveAndDenyPrintWhatTheyDecide() throws Exception {
        String statement = "/* read-only report, no changes */\nUPDATE accounts SET balance = 0 WHERE owner = $1";
        engine.fake.hold(hostileApproval("a-1", statement));
        engine.fake.hold(hostileApproval("a-2", statement + "\u202e"));

        Run approved = ctl("approvals", "approve", "a-1", "--reason", "ticket OPS-1");
        assertEquals(0, approved.code(), approved.err());
        assertTerminalSafe(approved.out());
        assertTrue(approved.out().startsWith("approval a-1 is approved (1/1 approvals); you approved:\n"), approved.out());
        assertTrue(approved.out().contains("\n  | /* read-only report, no changes */\n  | UPDATE accounts SET balance = 0 WHERE owner = $1\n"),
                approved.out());
        assertTrue(approved.out().contains("\nverbs      SELECT,UPDATE\n") && approved.out().contains("\nhash       sha256:0123abcd\n"));
        assertTrue(approved.out().contains("\n  $1 = 'x\u00abU+202E\u00bb''; DROP TABLE t; --\u00abLF\u00bb-- parameters:"), approved.out());

        Run denied = ctl("approvals", "deny", "a-2", "--reason", "no");
        assertEquals(0, denied.code(), denied.err());
        assertTerminalSafe(denied.out());
        assertTrue(denied.out().startsWith("approval a-2 is denied (0/1 approvals); you denied:\n"), denied.out());
        assertTrue(denied.out().contains("  | UPDATE accounts SET balance = 0 WHERE owner = $1\u00abU+202E\u00bb\n"), denied.out());
    }

    @Test
    void approvalsListShowsWhatTheStatementDoesNotItsFirstCharacters() throws Exception {
        engine.fake.hold(hostileApproval("a-1", bigStatement()));
        Run list = ctl("approvals", "list");
        assertEquals(0, list.code(), list.err());
        assertTerminalSafe(list.out());
        assertTrue(list.lines().get(0).contains("DOES") && list.lines().get(0).contains("TABLES"), list.out());
        String row = list.lines().get(1);
        assertTrue(row.contains("SELECT,UPDATE  accounts  3"), row);
        assertTrue(row.matches(".*/\\* read-only report, no changes \\*/ SELEC…\u00ab\\+\\d+ chars\u00bb$"),
                "the text cut with an explicit marker: " + row);
    }

    @Test
    void everyTextOutputEscapesWhatATerminalWouldRun() throws Exception {
        engine.fake.startSession(new dev.bulwark.model.SessionSummary("s-1", "eve\u001b]0;pwned\u0007", List.of("a\u202eb"),
                "orders", "orders", "bulwark_ro", "10.0.0.1:1", "psql\u001b[2K\u001b[1A\u200b", FakeBackend.STARTED,
                SessionState.IDLE, 0, null));
        Run sessions = ctl("sessions");
        assertEquals(0, sessions.code(), sessions.err());
        assertTerminalSafe(sessions.out());
        assertTrue(sessions.out().contains("psql\u00abESC\u00bb[2K\u00abESC\u00bb[1A\u00abU+200B\u00bb"), sessions.out());

        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                engine.hub.statementExecuted("s-1", "eve\u001b[2K", "SELECT 1 \u001b[2K\u001b[1A\u202e\r-- ok",
                        dev.bulwark.model.VerdictAction.LOG, "r\u200b");
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Run watch = ctl("watch", "--topics", "statements", "--max-events", "1");
            assertEquals(0, watch.code(), watch.err());
            assertTerminalSafe(watch.out());
            assertTrue(watch.out().contains("[log r\u00abU+200B\u00bb] SELECT 1 \u00abESC\u00bb[2K"), watch.out());
            Run json = ctl("watch", "--json", "--topics", "statements", "--max-events", "1");
            assertTerminalSafe(json.out());
        } finally {
            running.set(false);
            producer.join();
        }

        long t = 1_763_712_000_000_000L;
        engine.fake.record(new RecordingSummary("s-9", "eve", List.of(), "orders", "orders", "10.0.0.1:1",
                FakeBackend.STARTED, null, 1, 0, 0, 3), List.of(
                new Frame(1, t, new FramePayload.Statement(FramePayload.Protocol.EXTENDED, "SELECT $1 \u001b[1A\u202e",
                        List.of("v\u001b[2K\u2066"), dev.bulwark.model.VerdictAction.ALLOW, null)),
                new Frame(2, t + 1, new FramePayload.Result(List.of(new ResultColumn("c\u202e", "text")),
                        List.of(List.of("\u001b[31mred\u200b")), false, 1, "SELECT 1")),
                new Frame(3, t + 2, new FramePayload.Error("42501", "no \u001b[2K", "d\u2028"))));
        Run replay = ctl("replay", "s-9");
        assertEquals(0, replay.code(), replay.err());
        assertTerminalSafe(replay.out());
        assertTrue(replay.out().contains("  | SELECT $1 \u00abESC\u00bb[1A\u00abU+202E\u00bb\n"), replay.out());
        assertTrue(replay.out().contains("parameter $1 = 'v\u00abESC\u00bb[2K\u00abU+2066\u00bb'"), replay.out());
        assertTrue(replay.out().contains("\u00abESC\u00bb[31mred\u00abU+200B\u00bb"), replay.out());
    }

    @Test
    void replayShowsTruncationAndClassificationOfEachStatement() throws Exception {
        long t = 1_763_712_000_000_000L;
        String cut = "SELECT * FROM reports /* " + "x".repeat(60);
        engine.fake.record(new RecordingSummary("s-7", "eve", List.of(), "orders", "orders", "10.0.0.1:1",
                FakeBackend.STARTED, null, 1, 0, 0, 2), List.of(
                new Frame(1, t, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, cut, List.of(),
                        dev.bulwark.model.VerdictAction.LOG, "audit-all", true, List.of("SELECT", "UPDATE"),
                        List.of("reports", "accounts"))),
                new Frame(2, t + 1, new FramePayload.Result(List.of(), List.of(), false, 99, "UPDATE 99"))));
        Run replay = ctl("replay", "s-7");
        assertEquals(0, replay.code(), replay.err());
        assertEquals("#1     08:00:00.000  statement      [log audit-all] verbs SELECT,UPDATE; tables reports,accounts;"
                + " TRUNCATED: only the first " + cut.length() + " characters (or a cut bind value) were recorded;"
                + " verbs and tables are of the whole statement", replay.lines().get(0));
        Run json = ctl("replay", "s-7", "--json");
        JsonNode statement = json.json().get(0).at("/frames/0/payload");
        assertTrue(statement.get("truncated").asBoolean(), json.out());
        assertEquals("log", statement.get("verdict").asText());
        assertEquals("UPDATE", statement.at("/verbs/1").asText());
    }
}
