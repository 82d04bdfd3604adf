package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.management.FakeBackend;
import dev.bulwark.management.ManagementConfig;
import dev.bulwark.management.TestServer;
import dev.bulwark.model.EngineMessage;
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
                "#2     08:00:00.001  statement      [mask pii] SELECT id, email FROM customers",
                "#3     08:00:00.002  result         SELECT 2 (2 rows)",
                "         id  email",
                "         1   ****",
                "         2   NULL",
                "#4     08:00:00.003  statement      [deny no-ddl] DROP TABLE customers",
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
}
