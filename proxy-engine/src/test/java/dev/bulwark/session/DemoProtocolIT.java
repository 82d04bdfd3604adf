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
}
