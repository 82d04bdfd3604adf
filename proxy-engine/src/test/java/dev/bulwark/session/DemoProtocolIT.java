package dev.bulwark.session;

import dev.bulwark.cli.DemoCommand;
import dev.bulwark.session.WireClient.Message;
import dev.bulwark.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static dev.bulwark.session.WireClient.params;
import static dev.bulwark.session.WireClient.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Protocol rules through the demo engine (real tokens, real policy), compared with PostgreSQL where it answers. */
class DemoProtocolIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;

    @BeforeAll
    static void start() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private static WireClient as(String user) throws Exception {
        return WireClient.login(demo.port(), params("user", user, "database", "shop"), demo.tokens().get(user));
    }

    @Test
    void aParseOfSeveralStatementsGetsPostgresOwnError() throws Exception {
        List<Message> straight;
        try (WireClient c = WireClient.login(TestPostgres.get().port(), params("user", TestPostgres.PLAIN_USER, "database", "shop"),
                TestPostgres.PASSWORD)) {
            straight = c.parse("", "SELECT 1; SELECT 2").bind("", "").execute("").sync().flush().untilReady();
        }
        for (String user : List.of("alice", "dba")) {
            try (WireClient c = as(user)) {
                List<Message> through = c.parse("", "SELECT 1; SELECT 2").bind("", "").execute("").sync().flush().untilReady();
                assertEquals(types(straight), types(through), user);
                assertEquals("42601", straight.get(0).sqlState());
                assertEquals(straight.get(0).sqlState(), through.get(0).sqlState(), through.toString());
                assertEquals(straight.get(0).fields().get('M'), through.get(0).fields().get('M'));
            }
        }
    }

    @Test
    void theStartupUserMustBeTheTokensSubject() throws Exception {
        try (WireClient c = new WireClient(demo.port())) {
            c.startup(3, 0, params("user", "dba", "database", "shop"));
            c.flush();
            List<Message> replies = c.loginReplies(demo.tokens().get("alice"));
            Message error = replies.get(replies.size() - 1);
            assertEquals('E', error.type(), types(replies));
            assertEquals("28000", error.sqlState());
            assertTrue(error.fields().get('M').contains("\"dba\"") && error.fields().get('M').contains("\"alice\""), error.toString());
        }
        try (WireClient c = as("alice")) {
            assertEquals("T D C Z", types(c.query("SELECT 1").flush().untilReady()));
        }
    }

    @Test
    void anUnsafeClientEncodingIsRefusedWithItsReasonWhateverTheRulesAndDefaultIsAllowed() throws Exception {
        // alice's rules deny what Bulwark cannot read; the dba's allow it (with a warning): the refusal holds for both.
        for (String user : List.of("alice", "dba")) {
            try (WireClient c = as(user)) {
                for (String sql : List.of("SET client_encoding TO 'SJIS'", "SET NAMES 'win932'",
                        "SELECT set_config('client_encoding', 'BIG5', false)", "SET client_encoding = LATIN1")) {
                    List<Message> refused = c.query(sql).flush().untilReady();
                    assertEquals('E', refused.get(0).type(), user + " " + sql + ": " + types(refused));
                    assertEquals("0A000", refused.get(0).sqlState(), refused.toString());
                    assertTrue(refused.get(0).fields().get('M').contains("is not supported through the gateway"), refused.toString());
                }
                assertEquals("T D C Z", types(c.query("SHOW client_encoding").flush().untilReady()));
            }
        }
        try (WireClient c = as("ci-agent")) {
            for (String sql : List.of("SET client_encoding TO DEFAULT", "SET client_encoding TO 'utf-8'", "SET NAMES 'Unicode'")) {
                List<Message> allowed = c.query(sql).flush().untilReady();
                assertTrue(allowed.stream().noneMatch(m -> m.type() == 'E'), sql + ": " + allowed);
            }
        }
    }

    /**
     * Issue 14 class 2 through the demo: an option, setting or role name spelled as PostgreSQL also reads it
     * (quoted, U&-escaped, a value in another case) is the same name to the engine. ci-agent's EXPLAIN that
     * would run an UPDATE or DELETE is refused and nothing changes; alice cannot reach shop_owner by a
     * quoted setting name or an escaped set_config string.
     */
    @Test
    void namesSpelledAsPostgresAlsoReadsThemAreTheSameNames() throws Exception {
        try (WireClient dba = as("dba")) {
            dba.query("CREATE TABLE IF NOT EXISTS names_probe (id int PRIMARY KEY, v int); INSERT INTO names_probe VALUES (1, 0)"
                    + " ON CONFLICT (id) DO UPDATE SET v = 0; GRANT SELECT, UPDATE, DELETE ON names_probe TO shop_reader, shop_analyst")
                    .flush().untilReady();
        }
        try (WireClient agent = as("ci-agent")) {
            for (String sql : List.of(
                    "EXPLAIN (\"analyze\") UPDATE names_probe SET v = v + 1 WHERE id = 1",
                    "EXPLAIN (U&\"an\\0061lyze\") UPDATE names_probe SET v = v + 1 WHERE id = 1",
                    "EXPLAIN (U&\"an!0061lyze\" UESCAPE '!') DELETE FROM names_probe WHERE id = 1",
                    "EXPLAIN (\"analyze\" true) UPDATE names_probe SET v = v + 1 WHERE id = 1",
                    "EXPLAIN (ANALYZE ON, FORMAT JSON) UPDATE names_probe SET v = v + 1 WHERE id = 1",
                    "explain (verbose, \"analyze\" 'True') UPDATE names_probe SET v = v + 1 WHERE id = 1",
                    "EXPLAIN ANALYSE DELETE FROM names_probe WHERE id = 1")) {
                List<Message> replies = agent.query(sql).flush().untilReady();
                assertEquals('E', replies.get(0).type(), sql + ": " + types(replies));
                assertEquals("42501", replies.get(0).sqlState(), sql + ": " + replies);
            }
            assertEquals("0", firstValue(agent.query("SELECT v FROM names_probe WHERE id = 1").flush().untilReady()),
                    "nothing ran");
        }
        try (WireClient alice = as("alice")) {
            for (String sql : List.of("SET \"role\" TO shop_owner", "SET \"ROLE\" = 'shop_owner'", "SET SESSION \"Role\" TO shop_owner",
                    "SELECT set_config(E'\\x72ole', 'shop_owner', false)", "SELECT set_config(' Role', 'shop_owner', false)",
                    "SELECT pg_catalog.set_config(U&'r\\006Fle', 'shop_owner', false)")) {
                List<Message> replies = alice.query(sql).flush().untilReady();
                assertEquals('E', replies.get(0).type(), sql + ": " + types(replies));
                assertEquals("42501", replies.get(0).sqlState(), sql + ": " + replies);
            }
            assertEquals("shop_analyst", firstValue(alice.query("SELECT current_user").flush().untilReady()));
        }
    }

    /** Issue 14 class 10 through the demo: what an analyst or agent commonly sends and is harmless runs. */
    @Test
    void harmlessStatementsAnAnalystSendsRun() throws Exception {
        try (WireClient alice = as("alice")) {
            for (String sql : List.of("RESET ALL", "SET client_encoding TO DEFAULT",
                    "SELECT jsonb_path_query('{\"a\": 1}', '$.a', silent => true)",
                    "SELECT (SELECT count(*) FROM orders) > 0 IS TRUE",
                    "SELECT EXISTS (SELECT 1 FROM orders WHERE id = 1) IS TRUE")) {
                List<Message> replies = alice.query(sql).flush().untilReady();
                assertTrue(replies.stream().noneMatch(m -> m.type() == 'E'), sql + ": " + replies);
            }
            // A large-object read is read as a read: PostgreSQL itself answers for a missing object.
            List<Message> lo = alice.query("SELECT lo_get(4242424242)").flush().untilReady();
            Message error = lo.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow(() -> new AssertionError(lo.toString()));
            assertEquals("42704", error.sqlState(), "PostgreSQL's own answer, not a policy refusal: " + lo);
            assertEquals("shop_analyst", firstValue(alice.query("SELECT current_user").flush().untilReady()),
                    "RESET ALL kept the grant's role");
        }
    }

    /** The first column of the first DataRow, as text. */
    private static String firstValue(List<Message> replies) {
        Message row = replies.stream().filter(m -> m.type() == 'D').findFirst()
                .orElseThrow(() -> new AssertionError("no row in " + replies));
        java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(row.body());
        body.getShort();
        int length = body.getInt();
        return length < 0 ? null : new String(row.body(), body.position(), length, java.nio.charset.StandardCharsets.UTF_8);
    }
}
