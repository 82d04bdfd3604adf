package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.recording.AuditQueries;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.RecordedFrame;
import dev.bulwark.testing.WireClient;
import dev.bulwark.testing.WireClient.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, class 3: the prepared-statement namespace, through a raw wire client against the demo (its
 * real PostgreSQL and default rules). alice's UPDATE of every row is held for a dba's approval; the
 * tests show that whatever name games a client plays, what PostgreSQL runs is what the engine judged:
 * a held statement shows the "held" notice and nothing runs. The client then disconnects, which
 * withdraws the request.
 */
class DemoPreparedStatementsIT {
    private static final String WIPE = "UPDATE ps_scratch SET v = 0";
    private static final String GATEWAY_UNKNOWN = "the gateway does not know it";

    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;
    private static final ExecutorService store = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void start() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
        try (Connection dba = jdbc("dba"); Statement s = dba.createStatement()) {
            s.execute("CREATE TABLE ps_scratch (id int PRIMARY KEY, v int)");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ps_scratch TO shop_analyst");
            s.execute("GRANT SELECT ON ps_scratch TO shop_reader");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        store.shutdownNow();
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void fill() throws Exception {
        try (Connection dba = jdbc("dba"); Statement s = dba.createStatement()) {
            s.execute("TRUNCATE ps_scratch");
            s.execute("INSERT INTO ps_scratch SELECT g, g FROM generate_series(1, 10) g");
        }
    }

    static Connection jdbc(String user) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    static WireClient wire(String user) throws Exception {
        return new WireClient("127.0.0.1", demo.port(), user, "shop", demoJson.path("users").path(user).asText());
    }

    /** Nothing of ps_scratch was wiped (read after the held session ended, so its request is withdrawn). */
    static void assertNotWiped() throws Exception {
        try (Connection dba = jdbc("dba"); Statement s = dba.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM ps_scratch WHERE v = 0")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the UPDATE of every row ran without approval");
        }
    }

    /** After sending an Execute that must be held: the notice comes, the UPDATE's CommandComplete does not. */
    static void assertHeld(WireClient client) throws Exception {
        List<Message> replies = client.readUntil('N', 5_000);
        assertFalse(replies.stream().anyMatch(m -> m.type() == 'C' && m.tag().startsWith("UPDATE")),
                "the UPDATE ran: " + replies);
        Message notice = replies.isEmpty() ? null : replies.get(replies.size() - 1);
        assertTrue(notice != null && notice.type() == 'N' && notice.text().contains("approval"),
                "expected the held notice, got " + replies);
    }

    static Message error(List<Message> replies) {
        return replies.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
    }

    static List<String> tags(List<Message> replies) {
        return replies.stream().filter(m -> m.type() == 'C').map(Message::tag).toList();
    }

    // ------------------------------------------------------------------ SQL PREPARE, protocol Execute

    @ParameterizedTest
    @ValueSource(strings = {"", "named_portal"})
    void aStatementMadeBySqlPrepareIsJudgedWhenTheProtocolExecutesIt(String portal) throws Exception {
        try (WireClient alice = wire("alice")) {
            List<Message> prepared = alice.query("PREPARE wipe AS " + WIPE).exchange(1);
            assertEquals(List.of("PREPARE"), tags(prepared), prepared.toString());
            alice.bind(portal, "wipe").execute(portal).sync().flush();
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @Test
    void aStatementMadeBySqlPrepareAndExecutedByTheProtocolIsRecordedWithItsText() throws Exception {
        // Letters only: digits could look like a phone or card number to the detectors, which mask recorded SQL too.
        String marker = "psmarker" + java.util.UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String body = "SELECT id, '" + marker + "' AS m FROM ps_scratch WHERE id = $1";
        try (WireClient ci = wire("ci-agent")) {
            assertEquals(List.of("PREPARE"), tags(ci.query("PREPARE readone(int) AS " + body).exchange(1)));
            List<Message> replies = ci.bind("", "readone", "3").describe('P', "").execute("").sync().exchange(1);
            assertEquals(List.of("SELECT 1"), tags(replies), replies.toString());
            List<Message> executed = ci.query("EXECUTE readone(4)").exchange(1);
            assertEquals(List.of("SELECT 1"), tags(executed), executed.toString());
        }
        List<FramePayload.Statement> statements = recordedStatements("ci-agent", marker);
        assertTrue(statements.stream().anyMatch(s -> s.protocol() == FramePayload.Protocol.EXTENDED && s.text().equals(body)
                && s.parameters().equals(List.of("3")) && s.verdict() != FramePayload.Verdict.DENY), statements.toString());
        // SQL EXECUTE: the recording says what ran, not only the name.
        assertTrue(statements.stream().anyMatch(s -> s.protocol() == FramePayload.Protocol.SIMPLE
                && s.text().startsWith("EXECUTE readone(4)") && s.text().contains("readone holds: " + body)), statements.toString());
    }

    // ------------------------------------------------------------------ a Parse the server refuses

    @Test
    void aParseOfAnExistingNameChangesNothingAndTheOldTextIsJudged() throws Exception {
        try (WireClient alice = wire("alice")) {
            assertEquals('1', alice.parse("s1", WIPE).sync().exchange(1).get(0).type());
            List<Message> refused = alice.parse("s1", "SELECT 1").sync().exchange(1);
            assertEquals("42P05", error(refused).sqlState(), refused.toString());
            alice.bind("", "s1").execute("").sync().flush();
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @Test
    void theSameAcrossASyncInOnePipelinedWrite() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.parse("s2", WIPE).sync()
                    .parse("s2", "SELECT 1").sync()
                    .bind("", "s2").execute("").sync().flush();
            List<Message> first = alice.readUntilReady(2);
            assertEquals("42P05", error(first).sqlState(), first.toString());
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @Test
    void aProtocolParseOfANameSqlPreparedKeepsTheSqlText() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.query("PREPARE s3 AS " + WIPE)
                    .parse("s3", "SELECT 1").sync()
                    .bind("p3", "s3").execute("p3").sync().flush();
            List<Message> first = alice.readUntilReady(2);
            assertEquals("42P05", error(first).sqlState(), first.toString());
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @Test
    void aSqlPrepareOfANameTheProtocolParsedKeepsTheProtocolText() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.parse("s4", WIPE).sync()
                    .query("PREPARE s4 AS SELECT 1")
                    .query("EXECUTE s4").flush();
            List<Message> first = alice.readUntilReady(2);
            assertEquals("42P05", error(first).sqlState(), first.toString());
            assertHeld(alice);
        }
        assertNotWiped();
    }

    // ------------------------------------------------------------------ names that are gone

    @Test
    void afterDeallocateTheNameHoldsWhatIsPreparedNext() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.parse("d1", "SELECT 1").sync()
                    .query("DEALLOCATE d1")
                    .query("PREPARE d1 AS " + WIPE)
                    .bind("", "d1").execute("").sync().flush();
            List<Message> first = alice.readUntilReady(3);
            assertEquals(List.of("DEALLOCATE", "PREPARE"), tags(first), first.toString());
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "deallocate", "deallocate all"})
    void aBindOfANameThatIsGoneIsRefusedByTheGateway(String how) throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.parse("g1", "SELECT 1").sync();
            switch (how) {
                case "close" -> alice.close('S', "g1").sync();
                case "deallocate" -> alice.query("DEALLOCATE g1");
                default -> alice.query("DEALLOCATE ALL");
            }
            alice.bind("", "g1").execute("").sync().flush();
            List<Message> replies = alice.readUntilReady(3);
            Message error = replies.stream().filter(m -> m.type() == 'E').reduce((a, b) -> b).orElse(null);
            assertNotNull(error, replies.toString());
            assertEquals("26000", error.sqlState());
            assertTrue(error.text().contains(GATEWAY_UNKNOWN), error.text());
            assertEquals(List.of("SELECT 1"), tags(alice.query("SELECT 1").exchange(1)), "the session goes on");
        }
    }

    @Test
    void theUnnamedStatementIsGoneAfterASimpleQuery() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.parse("", "SELECT 1").sync()
                    .query("SELECT 2")
                    .bind("", "").execute("").sync().flush();
            List<Message> replies = alice.readUntilReady(3);
            Message error = replies.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
            assertNotNull(error, replies.toString());
            assertEquals("26000", error.sqlState());
            assertTrue(error.text().contains(GATEWAY_UNKNOWN), error.text());
        }
    }

    // ------------------------------------------------------------------ cursors and portals

    @Test
    void aDeclaredCursorIsNotExecutedByTheProtocol() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.query("BEGIN").query("DECLARE cur CURSOR FOR SELECT email FROM customers ORDER BY id")
                    .execute("cur").sync().flush();
            List<Message> replies = alice.readUntilReady(3);
            Message error = error(replies);
            assertNotNull(error, replies.toString());
            assertEquals("34000", error.sqlState());
            assertTrue(error.text().contains(GATEWAY_UNKNOWN), error.text());
            assertFalse(replies.stream().anyMatch(m -> m.type() == 'D'), "no row came: " + replies);
            assertEquals(List.of("ROLLBACK"), tags(alice.query("ROLLBACK").exchange(1)), "the session goes on");
        }
    }

    @Test
    void aCursorDeclaredUnderABoundPortalsNameIsNotExecutedAsThatPortal() throws Exception {
        // The engine knew p1's columns (an id): a cursor over e-mails under the same name must not be
        // relayed with p1's masking plan.
        try (WireClient alice = wire("alice")) {
            alice.query("BEGIN")
                    .parse("ids", "SELECT id FROM ps_scratch ORDER BY id").bind("p1", "ids").sync()
                    .query("CLOSE p1")
                    .query("DECLARE p1 CURSOR FOR SELECT email FROM customers ORDER BY id")
                    .execute("p1").sync().flush();
            List<Message> replies = alice.readUntilReady(5);
            assertFalse(replies.stream().anyMatch(m -> m.type() == 'D'), "rows came: " + replies);
            Message error = error(replies);
            assertNotNull(error, replies.toString());
            assertEquals("34000", error.sqlState());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FETCH ALL FROM p2", "MOVE FORWARD ALL IN p2", "FETCH 1 p2"})
    void aFetchOfAPortalThatHasNotRunRunsItsStatementAndIsJudgedSo(String fetch) throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.query("BEGIN")
                    .parse("upd", WIPE + " RETURNING id").bind("p2", "upd").sync()
                    .query(fetch).flush();
            List<Message> first = alice.readUntilReady(2);
            assertEquals(null, error(first), first.toString());
            assertHeld(alice);
        }
        assertNotWiped();
    }

    @Test
    void aPortalIsJudgedByTheStatementItsNameHeldAtBind() throws Exception {
        try (WireClient alice = wire("alice")) {
            alice.query("BEGIN")
                    .parse("b1", WIPE).bind("pb", "b1").close('S', "b1").parse("b1", "SELECT 1")
                    .execute("pb").sync().flush();
            assertHeld(alice);
        }
        assertNotWiped();
    }

    // ------------------------------------------------------------------ recording

    private static List<FramePayload.Statement> recordedStatements(String user, String marker) throws Exception {
        AuditQueries queries = new AuditQueries(demo.engine().store(), store);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (dev.bulwark.store.SessionRow row : demo.engine().store().searchSessions(
                    new dev.bulwark.store.SessionQuery(user, null, null, null, null, null, null, 100, 0))) {
                List<RecordedFrame> frames = queries.frames(row.id(), 0, 1000).get(10, TimeUnit.SECONDS);
                if (frames.stream().anyMatch(f -> f.payload() instanceof FramePayload.SessionEnd)
                        && frames.stream().anyMatch(f -> f.payload().toString().contains(marker))) {
                    return frames.stream().map(RecordedFrame::payload).filter(FramePayload.Statement.class::isInstance)
                            .map(FramePayload.Statement.class::cast).toList();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no recorded session of " + user + " with " + marker);
    }
}
