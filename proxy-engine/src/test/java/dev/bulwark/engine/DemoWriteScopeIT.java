package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;
import dev.bulwark.model.client.ManagementListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 class 4 through the demo: writes with a WHERE that does not narrow them are held like writes
 * without one (the planner's estimate against the table's size), a targeted write is not, and dba (whose
 * rule allows either way) is never estimated. Each held statement is denied by a reviewer, so nothing runs.
 */
class DemoWriteScopeIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;
    private static ManagementClient root;
    private static final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private static final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
        root = ManagementClient.connect(new Endpoint.Unix(dir.resolve("bulwark.sock")),
                ClientOptions.defaults("write-scope-it").withListener(new ManagementListener() {
                    @Override
                    public void onEvent(EngineMessage.EventMessage event) {
                        events.add(event.event());
                    }
                }));
        root.subscribe(List.of(EventTopic.APPROVALS)).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        clients.shutdownNow();
        if (root != null) {
            root.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    static Connection connect(String user, boolean simple) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", "require");
        if (simple) {
            p.setProperty("preferQueryMode", "simple");
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    /** What the client saw: the update count or the error, and the notices. */
    record Result(String outcome, String notices) {}

    interface Work {
        String run(Connection connection, StringBuilder notices) throws SQLException;
    }

    static void collect(SQLWarning warning, StringBuilder notices) {
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            notices.append(w.getMessage()).append('\n');
        }
    }

    static CompletableFuture<Result> as(String user, boolean simple, Work work) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection c = connect(user, simple)) {
                String outcome;
                StringBuilder notices = new StringBuilder();
                try {
                    outcome = work.run(c, notices);
                } catch (SQLException e) {
                    outcome = e.getSQLState() + " " + e.getMessage();
                }
                collect(c.getWarnings(), notices);
                return new Result(outcome, notices.toString());
            } catch (SQLException e) {
                return new Result("connect failed: " + e.getMessage(), "");
            }
        }, clients);
    }

    static Work simple(String sql) {
        return (c, notices) -> {
            try (Statement s = c.createStatement()) {
                try {
                    s.execute(sql);
                    return "updated " + s.getUpdateCount();
                } finally {
                    collect(s.getWarnings(), notices);
                }
            }
        };
    }

    /** The next approval request whose statement contains this text. */
    static ApprovalSummary requested(String contains) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Event event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event instanceof Event.ApprovalRequested requested && requested.approval().statement().contains(contains)) {
                return requested.approval();
            }
        }
        throw new AssertionError("no approval request for " + contains);
    }

    /** Runs it as alice, expects an approval request naming why, denies it, and checks what the client saw. */
    static ApprovalSummary heldAndDenied(Work work, boolean simple, String statementText, String why) throws Exception {
        CompletableFuture<Result> client = as("alice", simple, work);
        ApprovalSummary held = requested(statementText);
        assertEquals("hold-unfiltered-writes", held.rule());
        assertTrue(held.reason() != null && held.reason().contains(why), String.valueOf(held.reason()));
        root.callAndWait(rid -> new ClientMessage.ApprovalDeny(rid, held.id(), "too wide"), EngineMessage.Approval.class);
        Result result = client.get(15, TimeUnit.SECONDS);
        assertTrue(result.outcome().startsWith("42501"), result.outcome());
        assertTrue(result.outcome().contains("too wide"), result.outcome());
        assertTrue(result.notices().contains("held for approval: request " + held.id()), result.notices());
        assertTrue(result.notices().contains(why), "the client is told why: " + result.notices());
        return held;
    }

    static long orders() throws Exception {
        try (Connection dba = connect("dba", true); Statement s = dba.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // the six
            "UPDATE orders SET amount = amount WHERE id IS NOT NULL",
            "DELETE FROM orders WHERE id > 0",
            "UPDATE orders SET amount = amount WHERE status LIKE '%'",
            "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id",
            "UPDATE orders o SET amount = o.amount FROM customers c WHERE o.customer_id = c.id",
            "MERGE INTO orders o USING orders s ON o.id = s.id WHEN MATCHED THEN UPDATE SET amount = s.amount",
            // variants
            "UPDATE orders SET amount = amount WHERE coalesce(id, 0) >= 0",
            "DELETE FROM orders WHERE id = ANY(SELECT id FROM orders)",
            "UPDATE orders SET amount = amount WHERE customer_id IN (SELECT id FROM customers)",
            "DELETE FROM orders WHERE NOT (id < 0)",
            "WITH d AS (DELETE FROM orders WHERE id > 0 RETURNING id) SELECT count(*) FROM d",
            "MERGE INTO orders o USING (SELECT id FROM orders) s ON o.id = s.id WHEN MATCHED THEN DELETE"})
    void aWriteThatWouldTouchTheWholeTableIsHeldWithItsEstimate(String sql) throws Exception {
        ApprovalSummary held = heldAndDenied(simple(sql), true, sql, "the statement would touch an estimated ");
        assertTrue(held.reason().contains("of public.orders"), held.reason());
        assertEquals(20000, orders(), "nothing ran");
    }

    @Test
    void aTautologyTheReaderKnowsIsHeldWithoutAnEstimate() throws Exception {
        String sql = "UPDATE orders SET amount = amount WHERE true OR id = 1";
        CompletableFuture<Result> client = as("alice", true, simple(sql));
        ApprovalSummary held = requested(sql);
        assertNull(held.reason(), "the syntactic fast path: " + held.reason());
        root.callAndWait(rid -> new ClientMessage.ApprovalDeny(rid, held.id(), "no"), EngineMessage.Approval.class);
        assertTrue(client.get(15, TimeUnit.SECONDS).outcome().startsWith("42501"));
    }

    @Test
    void aTargetedUpdateRunsWithoutAHold() throws Exception {
        Result result = as("alice", true, simple("UPDATE orders SET amount = amount WHERE id = 42")).get(15, TimeUnit.SECONDS);
        assertEquals("updated 1", result.outcome());
        assertTrue(!result.notices().contains("held"), result.notices());
    }

    /** Not an assertion: what the estimate adds to a targeted write, alice (estimated) next to dba (not), interleaved. */
    @Test
    void whatTheEstimateCosts() throws Exception {
        try (Connection alice = connect("alice", false); Connection dba = connect("dba", false);
                PreparedStatement a = alice.prepareStatement("UPDATE orders SET amount = amount WHERE id = ?");
                PreparedStatement d = dba.prepareStatement("UPDATE orders SET amount = amount WHERE id = ?")) {
            int rounds = 300;
            long[] aliceNanos = new long[rounds];
            long[] dbaNanos = new long[rounds];
            for (int i = 0; i < rounds + 50; i++) {
                a.setInt(1, 1 + i);
                d.setInt(1, 1 + i);
                long start = System.nanoTime();
                assertEquals(1, a.executeUpdate());
                long mid = System.nanoTime();
                assertEquals(1, d.executeUpdate());
                long end = System.nanoTime();
                if (i >= 50) {
                    aliceNanos[i - 50] = mid - start;
                    dbaNanos[i - 50] = end - mid;
                }
            }
            java.util.Arrays.sort(aliceNanos);
            java.util.Arrays.sort(dbaNanos);
            System.out.printf("write scope cost, UPDATE ... WHERE id = ? over %d rounds: alice (estimated) p50 %.2f ms p99 %.2f ms;"
                    + " dba (not estimated) p50 %.2f ms p99 %.2f ms%n", rounds, aliceNanos[rounds / 2] / 1e6,
                    aliceNanos[rounds * 99 / 100] / 1e6, dbaNanos[rounds / 2] / 1e6, dbaNanos[rounds * 99 / 100] / 1e6);
        }
    }

    @Test
    void dbaIsNotEstimatedAtAll() throws Exception {
        Result result = as("dba", true, simple("UPDATE orders SET amount = amount WHERE id > 0")).get(15, TimeUnit.SECONDS);
        assertEquals("updated 20000", result.outcome());
    }

    @Test
    void extendedProtocolIsEstimatedWithItsBindValues() throws Exception {
        String sql = "UPDATE orders SET amount = amount WHERE id > ?";
        Work wide = (c, notices) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, 0);
                try {
                    return "updated " + ps.executeUpdate();
                } finally {
                    collect(ps.getWarnings(), notices);
                }
            }
        };
        ApprovalSummary held = heldAndDenied(wide, false, "WHERE id > $1", "the statement would touch an estimated ");
        assertEquals(List.of("0"), held.parameters(), "the reviewer sees the bind value that was estimated");
        Work narrow = (c, notices) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, 19999);
                return "updated " + ps.executeUpdate();
            }
        };
        Result result = as("alice", false, narrow).get(15, TimeUnit.SECONDS);
        assertEquals("updated 1", result.outcome());
        // The same prepared statement, executed again with a wide value: held again (estimated per Execute).
        Work both = (c, notices) -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < 6; i++) { // past pgjdbc's prepareThreshold: a named server statement
                    ps.setInt(1, 19999);
                    ps.executeUpdate();
                }
                ps.setInt(1, 0);
                try {
                    return "updated " + ps.executeUpdate();
                } finally {
                    collect(ps.getWarnings(), notices);
                }
            }
        };
        heldAndDenied(both, false, "WHERE id > $1", "the statement would touch an estimated ");
    }

    @Test
    void whatCannotBeEstimatedIsHeld() throws Exception {
        // The session's search_path is not the planner connection's: fail closed, with the reason.
        String sql = "SET search_path = public; UPDATE orders SET amount = amount WHERE id = 42";
        heldAndDenied(simple(sql), true, "WHERE id = 42", "Bulwark could not estimate");
        // A ';' in a literal: the text is not sent to the planner connection.
        heldAndDenied(simple("UPDATE orders SET status = 'a;b' WHERE id = -1"), true, "'a;b'", "Bulwark could not estimate");
    }
}
