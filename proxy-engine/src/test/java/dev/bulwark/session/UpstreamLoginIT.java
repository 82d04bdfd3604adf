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
