package dev.bulwark.session;

import dev.bulwark.testing.TestEngine;
import dev.bulwark.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's own login to the target: each method, SET ROLE after a pooled login, and a target that dies. */
class UpstreamLoginIT {
    private TestEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = TestEngine.start();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {TestPostgres.SCRAM_USER, TestPostgres.MD5_USER, TestPostgres.PLAIN_USER})
    void logsInWithEachMethod(String upstreamUser) throws Exception {
        engine.gatekeeper.upstreamUser(upstreamUser);
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals(upstreamUser, rs.getString(1));
        }
    }

    @Test
    void pooledLoginSetsTheGrantedRole() throws Exception {
        engine.gatekeeper.setRole("analyst");
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, session_user")) {
            rs.next();
            assertEquals("analyst", rs.getString(1));
            assertEquals(TestPostgres.SCRAM_USER, rs.getString(2));
        }
    }

    /**
     * The pooled role is the session's startup default: PostgreSQL's own RESET ROLE, RESET ALL and
     * DISCARD ALL come back to it, not to the service login (this engine has no policy: the server decides).
     */
    @Test
    void resettingComesBackToTheGrantedRoleNotTheServiceLogin() throws Exception {
        engine.gatekeeper.setRole("analyst");
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement()) {
            for (String reset : java.util.List.of("RESET ROLE", "RESET ALL", "DISCARD ALL", "SET role TO DEFAULT")) {
                s.execute(reset);
                assertEquals("analyst", currentUser(s), reset);
                assertEquals(TestPostgres.SCRAM_USER, scalar(s, "SELECT session_user"), reset);
            }
            // What the gateway refuses for such sessions is what really leaves the role: the server allows it here.
            s.execute("SET ROLE NONE");
            assertEquals(TestPostgres.SCRAM_USER, currentUser(s));
            s.execute("RESET ROLE");
            assertEquals("analyst", currentUser(s));
            // The role setting outlives a change of session authorization (checked here, PostgreSQL 17).
            s.execute("SET SESSION AUTHORIZATION DEFAULT");
            assertEquals("analyst", currentUser(s));
        }
    }

    /** A client's own startup options cannot choose another role: the engine's role parameter is applied after them. */
    @ParameterizedTest
    @ValueSource(strings = {"-c role=" + TestPostgres.SCRAM_USER, "-c role=none", "--role=" + TestPostgres.SCRAM_USER})
    void aClientsStartupOptionsCannotPickTheRole(String options) throws Exception {
        engine.gatekeeper.setRole("analyst");
        java.util.Properties p = new java.util.Properties();
        p.setProperty("options", options);
        try (Connection c = engine.connect("shop", "alice-token", p); Statement s = c.createStatement()) {
            assertEquals("analyst", currentUser(s), options);
            s.execute("RESET ROLE");
            assertEquals("analyst", currentUser(s), options);
        }
    }

    @Test
    void withoutAPooledRoleTheClientsOptionsCannotSetOne() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("options", "-c role=analyst");
        try (Connection c = engine.connect("shop", "alice-token", p); Statement s = c.createStatement()) {
            assertEquals(TestPostgres.SCRAM_USER, currentUser(s));
        }
    }

    @Test
    void aPooledRoleTheLoginCannotBecomeFailsTheLogin() {
        engine.gatekeeper.upstreamUser(TestPostgres.MD5_USER).setRole("analyst");
        SQLException e = assertThrows(SQLException.class, () -> engine.connect("alice-token"));
        assertEquals("08004", e.getSQLState());
        assertFalse(e.getMessage().contains("analyst"), e.getMessage());
    }

    private static String currentUser(Statement s) throws SQLException {
        return scalar(s, "SELECT current_user");
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void wrongUpstreamPasswordGivesAClearErrorWithoutTheCredential() {
        engine.gatekeeper.upstreamUser("nobody_such_role");
        SQLException e = assertThrows(SQLException.class, () -> engine.connect("alice-token"));
        assertEquals("08004", e.getSQLState());
        assertTrue(e.getMessage().contains("could not log in to target \"shop\""), e.getMessage());
        assertFalse(e.getMessage().contains("nobody_such_role"), e.getMessage());
        assertFalse(e.getMessage().contains(TestPostgres.PASSWORD), e.getMessage());
    }

    @Test
    void targetThatDiesMidQueryGivesAnErrorNotAHang() throws Exception {
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement()) {
            int pid;
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> {
                try (Connection admin = engine.postgres.adminConnection("postgres"); Statement a = admin.createStatement()) {
                    Thread.sleep(500);
                    a.execute("SELECT pg_terminate_backend(" + pid + ")");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(30)"));
            kill.get();
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5);
            assertTrue(e.getSQLState().startsWith("57P01") || e.getSQLState().startsWith("08"), e.getSQLState());
        }
        // The engine keeps serving.
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void sessionsAreListedWhileOpenAndGoneAfter() throws Exception {
        try (Connection c = engine.connect("alice-token"); Statement s = c.createStatement()) {
            s.execute("SELECT 42");
            var sessions = engine.registry.list();
            assertEquals(1, sessions.size());
            LiveSession live = sessions.get(0);
            assertEquals("alice", live.identity().orElseThrow().subject());
            assertEquals("shop", live.target());
            assertEquals(LiveSession.State.IDLE, live.state());
            assertEquals("SELECT 42", live.lastStatement().orElseThrow());
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (engine.registry.size() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, engine.registry.size());
    }
}
