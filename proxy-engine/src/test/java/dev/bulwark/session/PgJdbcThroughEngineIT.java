package dev.bulwark.session;

import dev.bulwark.testing.TestEngine;
import dev.bulwark.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pgjdbc, the real driver, through the engine to a real PostgreSQL, in simple and extended mode. */
class PgJdbcThroughEngineIT {
    private static TestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static Properties mode(String preferQueryMode) {
        Properties p = new Properties();
        p.setProperty("preferQueryMode", preferQueryMode);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended", "extendedForPrepared", "extendedCacheEverything"})
    void queriesPreparedStatementsAndBatches(String queryMode) throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode(queryMode))) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
                assertTrue(rs.next());
                assertEquals(100, rs.getInt(1));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT full_name, created FROM customers WHERE id = ?")) {
                for (int i = 1; i <= 10; i++) { // past prepareThreshold: named server-side statements
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals("Customer " + i, rs.getString(1));
                        assertTrue(rs.getDate(2) != null);
                    }
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE batch_" + queryMode + " (id int, v text)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch_" + queryMode + " VALUES (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "v" + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertEquals(500, counts.length);
            }
            c.commit();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sum(id) FROM batch_" + queryMode)) {
                rs.next();
                assertEquals(124750, rs.getLong(1));
            }
            c.rollback();
        }
    }

    @Test
    void errorsKeepTheSessionUsable() throws Exception {
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
            assertEquals("42P01", e.getSQLState());
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void copyInAndOutThroughCopyManager() throws Exception {
        try (Connection c = engine.connect("alice-token")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE copy_target (id int, name text)");
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                data.append(i).append('\t').append("name ").append(i).append('\n');
            }
            long in = copy.copyIn("COPY copy_target FROM STDIN", new StringReader(data.toString()));
            assertEquals(10_000, in);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("COPY (SELECT * FROM copy_target ORDER BY id) TO STDOUT", out);
            assertEquals(10_000, outRows);
            assertEquals(data.toString(), out.toString(StandardCharsets.UTF_8));
        }
    }

    /** A connection straight to PostgreSQL, as the engine's upstream user would log in, for comparisons. */
    private static Connection direct(Properties extra) throws SQLException {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("user", TestPostgres.PLAIN_USER);
        p.setProperty("password", TestPostgres.PASSWORD);
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + engine.postgres.port() + "/shop?sslmode=disable", p);
    }

    /**
     * pgjdbc's CopyManager COPYs (some failing mid-copy on a bad row), a COPY FROM STDIN run as a plain
     * statement (pgjdbc answers it with CopyFail; in the extended protocol its Sync went out before and
     * the server ignored it in copy-in mode), and prepared statements after each (whose Bind makes the
     * engine ask for columns). Through the engine the outcomes are those of a direct
     * connection, iteration for iteration.
     */
    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void copyManagerLoopsBehaveAsDirect(String queryMode) throws Exception {
        int iterations = 150;
        List<String> straight;
        try (Connection c = direct(mode(queryMode))) {
            straight = copyLoop(c, iterations);
        }
        List<String> through;
        try (Connection c = engine.connect("shop", "alice-token", mode(queryMode))) {
            through = copyLoop(c, iterations);
        }
        assertEquals(straight, through);
        assertEquals(iterations, through.size());
    }

    private static List<String> copyLoop(Connection c, int iterations) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE copy_loop (id int, name text)");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        List<String> outcomes = new ArrayList<>();
        try (PreparedStatement count = c.prepareStatement("SELECT count(*), max(id) FROM copy_loop WHERE id >= ?")) {
            for (int i = 0; i < iterations; i++) {
                String outcome;
                try {
                    // Every fifth COPY carries a bad row: the server fails it mid-copy.
                    String rows = i + "\tname " + i + "\n" + (i % 5 == 4 ? "not-a-number\tx\n" : (i + 1000) + "\tname\n");
                    outcome = "in " + copy.copyIn("COPY copy_loop FROM STDIN", new StringReader(rows));
                } catch (SQLException e) {
                    outcome = "in " + e.getSQLState();
                }
                count.setInt(1, 0);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    outcome += " count " + rs.getInt(1) + " max " + rs.getInt(2);
                }
                if (i % 3 == 0) {
                    // A COPY FROM STDIN outside the CopyManager: pgjdbc answers the CopyInResponse with CopyFail
                    // (in the extended protocol after a Sync the server ignored in copy-in mode).
                    try (Statement s = c.createStatement()) {
                        s.execute("COPY copy_loop FROM STDIN");
                        outcome += " statement copy ran";
                    } catch (SQLException e) {
                        outcome += " statement copy " + e.getSQLState();
                    }
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                outcome += " out " + copy.copyOut("COPY (SELECT id FROM copy_loop WHERE id = " + i + ") TO STDOUT", out);
                outcomes.add(outcome);
            }
        }
        return outcomes;
    }

    /**
     * Statement.setQueryTimeout: pgjdbc cancels on a timer through a CancelRequest. Quick statements
     * under a timeout, and statements that run past it, interleaved: each outcome as on a direct connection,
     * and no cancel ever lands on the statement after the one it was meant for.
     */
    @Test
    void queryTimeoutLoopsBehaveAsDirect() throws Exception {
        List<String> straight;
        try (Connection c = direct(new Properties())) {
            straight = timeoutLoop(c);
        }
        List<String> through;
        try (Connection c = engine.connect("alice-token")) {
            through = timeoutLoop(c);
        }
        assertEquals(straight, through);
    }

    private static List<String> timeoutLoop(Connection c) throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            for (int i = 0; i < 303; i++) {
                String sql = i % 100 == 0 ? "SELECT pg_sleep(3)" : "SELECT " + i;
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    outcomes.add(sql + " ok");
                } catch (SQLException e) {
                    outcomes.add(sql + " " + e.getSQLState());
                }
            }
        }
        return outcomes;
    }

    @Test
    void listenNotifyCarriesTheRealBackendPid() throws Exception {
        try (Connection listener = engine.connect("alice-token"); Connection sender = engine.connect("alice-token")) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN orders_changed");
            }
            int senderPid;
            try (Statement s = sender.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                senderPid = rs.getInt(1);
                s.execute("NOTIFY orders_changed, 'order 42'");
            }
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, notifications.length);
            assertEquals("order 42", notifications[0].getParameter());
            assertEquals(senderPid, notifications[0].getPID());
            assertEquals(senderPid, sender.unwrap(PGConnection.class).getBackendPID());
        }
    }

    @Test
    void statementCancelStopsALongQueryWithinASecond() throws Exception {
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement()) {
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(30)"));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            cancel.get();
            assertEquals("57014", e.getSQLState());
            assertTrue(elapsedMs < 1500, "cancel took " + elapsedMs + " ms");
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void largeResultsStreamWithAFetchSize() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("extended"))) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                long sum = 0;
                int rows = 0;
                try (ResultSet rs = s.executeQuery("SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g")) {
                    while (rs.next()) {
                        sum += rs.getLong(1);
                        rows++;
                    }
                }
                assertEquals(200_000, rows);
                assertEquals(200_000L * 200_001 / 2, sum);
            }
            c.commit();
        }
    }

    @Test
    void badTokenIsRefusedWith28P01() {
        PSQLException e = assertThrows(PSQLException.class, () -> engine.connect("not-a-token"));
        assertEquals("28P01", e.getSQLState());
        assertFalse(e.getMessage().contains("not-a-token"), e.getMessage());
    }

    @Test
    void unknownTargetIsRefusedWith3D000() {
        PSQLException e = assertThrows(PSQLException.class, () -> engine.connect("nope", "alice-token", new Properties()));
        assertEquals("3D000", e.getSQLState());
    }

    @Test
    void clientNeverSeesTheUpstreamCredential() throws Exception {
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, session_user")) {
            rs.next();
            assertEquals(TestPostgres.SCRAM_USER, rs.getString(1));
        }
    }

    @Test
    void twoHundredConcurrentSessionsAllSucceed() throws Exception {
        int sessions = 200;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        AtomicInteger ok = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                int n = i;
                all.add(CompletableFuture.runAsync(() -> {
                    try (Connection c = engine.connect("alice-token");
                         PreparedStatement ps = c.prepareStatement("SELECT email FROM customers WHERE id = ?")) {
                        for (int q = 0; q < 5; q++) {
                            ps.setInt(1, 1 + (n + q) % 100);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertTrue(rs.next());
                            }
                        }
                        ok.incrementAndGet();
                    } catch (SQLException e) {
                        throw new IllegalStateException("session " + n + " failed: " + e.getMessage(), e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(sessions, ok.get());
    }
}
