package dev.bulwark.session;

import dev.bulwark.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client may not outlive its token: the engine ends the session when the token expires, and says why. */
class TokenExpiryIT {
    private static final List<String> ends = new CopyOnWriteArrayList<>();
    private static TestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(StatementGate.ALLOW_ALL, session -> new SessionObserver() {
            @Override
            public void ended(String reason) {
                ends.add(reason);
            }
        });
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void theSessionEndsWithinASecondOfTheTokenExpiring() throws Exception {
        Instant expiry = Instant.now().plusMillis(2500);
        engine.gatekeeper.identity("short-lived-token", "shorty", expiry, "analysts");
        try (Connection c = engine.connect("short-lived-token"); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            // A long statement is running when the token expires: it is cut off too.
            SQLException e = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(20)"));
            long lateMs = Instant.now().toEpochMilli() - expiry.toEpochMilli();
            assertEquals("57P01", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("access token expired"), e.getMessage());
            assertTrue(lateMs >= 0 && lateMs < 1000, "ended " + lateMs + " ms after expiry");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (ends.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(ends.stream().anyMatch(r -> r.contains("access token expired")), ends.toString());
    }

    @Test
    void aTokenAlreadyExpiredAtLoginEndsAtOnce() throws Exception {
        engine.gatekeeper.identity("stale-token", "stale", Instant.now().minusSeconds(1), "analysts");
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = engine.connect("stale-token"); Statement s = c.createStatement()) {
                Thread.sleep(200);
                s.execute("SELECT 1");
            }
        });
        assertEquals("57P01", e.getSQLState(), e.getMessage());
    }
}
