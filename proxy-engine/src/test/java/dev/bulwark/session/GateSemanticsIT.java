package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.testing.TestEngine;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the session does with a gate's decisions, against a real server: a refused statement never
 * runs and fails exactly where PostgreSQL would fail it (the transaction block is aborted, the
 * extended protocol skips to Sync), a pending one holds the client, and the observer sees it all.
 */
class GateSemanticsIT {
    /** A hand-written gate: refuses text containing "forbidden", holds text containing "hold_me". */
    static final class ScriptedGate implements StatementGate {
        final LinkedBlockingQueue<CompletableFuture<Decision>> held = new LinkedBlockingQueue<>();
        final List<Statement> seen = new CopyOnWriteArrayList<>();

        @Override
        public Decision check(SessionInfo session, Statement statement) {
            seen.add(statement);
            String sql = statement.sql().toLowerCase();
            if (sql.contains("forbidden")) {
                return new Decision.Deny("42501", "statement denied by rule \"no-forbidden\"", "no-forbidden");
            }
            if (sql.contains("hold_me") && statement.protocol() != Protocol.PARSE) {
                CompletableFuture<Decision> outcome = new CompletableFuture<>();
                held.add(outcome);
                return new Decision.Pending(outcome, List.of("statement held for approval: request 7"));
            }
            return Decision.ALLOW;
        }
    }

    /** Records what it sees, and can refuse to make statements durable. */
    static final class RecordingObserver implements SessionObserver {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile boolean storeDown;

        @Override
        public CompletableFuture<Void> statement(long sequence, StatementGate.Statement statement, StatementGate.Decision decision) {
            events.add(sequence + " statement " + statement.protocol() + " " + statement.sql() + " " + statement.parameters() + " "
                    + decision.getClass().getSimpleName());
            return storeDown && decision instanceof StatementGate.Decision.Allow
                    ? CompletableFuture.failedFuture(new IllegalStateException("store down"))
                    : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS, STORE));
        }

        @Override
        public void columns(long sequence, BackendMessage.RowDescription columns) {
            events.add(sequence + " columns " + columns.fields().stream().map(BackendMessage.Field::name).toList());
        }

        @Override
        public void row(long sequence, BackendMessage.RowDescription columns, ByteBuf dataRow) {
            events.add(sequence + " row");
        }

        @Override
        public void completed(long sequence, String commandTag) {
            events.add(sequence + " completed " + commandTag);
        }

        @Override
        public void error(long sequence, BackendMessage.ErrorResponse error) {
            events.add(sequence + " error " + error.sqlState());
        }
    }

    /** Own threads: the common pool has one thread on 2 cores, and blocked clients would starve it. */
    private static final java.util.concurrent.ExecutorService CLIENTS = java.util.concurrent.Executors.newCachedThreadPool();
    private static final java.util.concurrent.ExecutorService STORE = java.util.concurrent.Executors.newSingleThreadExecutor();
    private static final ScriptedGate gate = new ScriptedGate();
    private static final RecordingObserver observer = new RecordingObserver();
    private static TestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(gate, session -> observer);
        try (Connection c = engine.connect("dba-token"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS gate_items (id int PRIMARY KEY, note text)");
            s.execute("TRUNCATE gate_items");
        }
    }

    @AfterAll
    static void stop() {
        engine.close();
        CLIENTS.shutdownNow();
        STORE.shutdownNow();
    }

    @BeforeEach
    void reset() {
        observer.events.clear();
        observer.storeDown = false;
        gate.held.clear();
    }

    private static Properties mode(String m) {
        Properties p = new Properties();
        p.setProperty("preferQueryMode", m);
        return p;
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM gate_items")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void refusedStatementNeverRunsAndTheSessionGoesOn(String queryMode) throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode(queryMode)); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("DROP TABLE gate_items /* forbidden */"));
            assertEquals("42501", e.getSQLState());
            assertTrue(e.getMessage().contains("no-forbidden"), e.getMessage());
            assertEquals(0, count(c)); // the table is still there and the session works
        }
    }

    @Test
    void aRefusalInsideATransactionAbortsItLikeAnyError() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("extended"))) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO gate_items VALUES (100, 'x')");
                assertThrows(SQLException.class, () -> s.execute("SELECT note FROM gate_items /* forbidden */"));
                SQLException aborted = assertThrows(SQLException.class, () -> s.execute("SELECT 1"));
                assertEquals("25P02", aborted.getSQLState());
            }
            c.rollback();
            assertEquals(0, count(c));
        }
    }

    @Test
    void aMultiStatementQueryWithOneRefusedPartRunsNothing() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("simple")); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO gate_items VALUES (1, 'a'); SELECT note FROM gate_items /* forbidden */"));
            assertEquals(0, count(c));
        }
    }

    @Test
    void aRefusedStatementInAPipelinedBatchRollsBackTheImplicitTransaction() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("extended"));
             PreparedStatement ok = c.prepareStatement("INSERT INTO gate_items VALUES (?, 'fine')")) {
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO gate_items VALUES (1, 'a')");
                s.addBatch("INSERT INTO gate_items VALUES (2, 'b') /* forbidden */");
                s.addBatch("INSERT INTO gate_items VALUES (3, 'c')");
                BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
                assertTrue(e.getMessage().contains("no-forbidden") || e.getNextException().getMessage().contains("no-forbidden"));
            }
            assertEquals(0, count(c));
            ok.setInt(1, 5);
            assertEquals(1, ok.executeUpdate());
            assertEquals(1, count(c));
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM gate_items");
            }
        }
    }

    @Test
    void aPendingStatementHoldsTheClientUntilAllowed() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("extended")); Statement s = c.createStatement()) {
            CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.execute("SELECT 'hold_me' AS x");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, CLIENTS);
            CompletableFuture<StatementGate.Decision> outcome = gate.held.poll(10, TimeUnit.SECONDS);
            assertNotNull(outcome);
            try {
                Thread.sleep(200);
                assertFalse(running.isDone(), "the client must wait");
                LiveSession held = engine.registry.list().stream()
                        .filter(session -> session.state() == LiveSession.State.HELD).findFirst().orElse(null);
                // Nothing of the statement reached the server yet, and the session shows as held.
                assertNotNull(held, "a session shows as held");
                assertTrue(held.lastStatement().orElse("").contains("hold_me"), held.lastStatement().toString());
            } finally {
                outcome.complete(StatementGate.Decision.ALLOW);
            }
            assertTrue(running.get(10, TimeUnit.SECONDS));
            SQLWarning warning = s.getWarnings();
            assertNotNull(warning);
            assertTrue(warning.getMessage().contains("held for approval"), warning.getMessage());
        }
    }

    @Test
    void aPendingStatementThatIsDeniedFailsWithTheReviewersReason() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("simple")); Statement s = c.createStatement()) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                SQLException e = assertThrows(SQLException.class, () -> s.execute("DELETE FROM gate_items /* hold_me */"));
                assertEquals("42501", e.getSQLState());
                assertTrue(e.getMessage().contains("not today"), e.getMessage());
            }, CLIENTS);
            gate.held.poll(10, TimeUnit.SECONDS).complete(new StatementGate.Decision.Deny("42501", "denied by bob: not today", "hold"));
            running.get(10, TimeUnit.SECONDS);
            assertEquals(0, count(c));
        }
    }

    @Test
    void theObserverSeesStatementsResultsAndErrorsInOrder() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("extended"));
             PreparedStatement ps = c.prepareStatement("SELECT g FROM generate_series(1, ?) g")) {
            ps.setInt(1, 3);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertTrue(rs.getInt(1) > 0);
                }
            }
            try (Statement s = c.createStatement()) {
                assertThrows(SQLException.class, () -> s.execute("SELECT * FROM no_such_table"));
            }
        }
        List<String> events = observer.events;
        String executed = events.stream().filter(e -> e.endsWith("statement EXECUTE SELECT g FROM generate_series(1, $1) g [3] Allow"))
                .findFirst().orElseThrow(() -> new AssertionError(events.toString()));
        String seq = executed.substring(0, executed.indexOf(' '));
        assertEquals(3, events.stream().filter(e -> e.equals(seq + " row")).count(), events.toString());
        assertTrue(events.contains(seq + " completed SELECT 3"), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.contains("statement PARSE")), "an allowed Parse is not an execution: " + events);
        String failed = events.stream().filter(e -> e.contains("statement EXECUTE SELECT * FROM no_such_table"))
                .findFirst().orElseThrow(() -> new AssertionError(events.toString()));
        String failedSeq = failed.substring(0, failed.indexOf(' '));
        assertEquals(Long.parseLong(seq) + 1, Long.parseLong(failedSeq));
        assertTrue(events.contains(failedSeq + " error 42P01"), events.toString());
        assertTrue(events.indexOf(seq + " completed SELECT 3") < events.indexOf(failedSeq + " error 42P01"));
    }

    @Test
    void whenTheStoreCannotRecordAStatementItDoesNotRun() throws Exception {
        try (Connection c = engine.connect("shop", "alice-token", mode("simple")); Statement s = c.createStatement()) {
            observer.storeDown = true;
            SQLException e = assertThrows(SQLException.class, () -> s.execute("INSERT INTO gate_items VALUES (9, 'x')"));
            assertEquals("58030", e.getSQLState());
            observer.storeDown = false;
            assertEquals(0, count(c));
        }
    }
}
