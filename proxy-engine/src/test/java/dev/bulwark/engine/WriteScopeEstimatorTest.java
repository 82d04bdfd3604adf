package dev.bulwark.engine;

import dev.bulwark.config.WriteScopeConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimator against a real PostgreSQL 17: what the planner expects, with bind values, as a role; and
 * that asking has no side effects and fails closed (a function the planner would run, a privilege, a lock).
 */
class WriteScopeEstimatorTest {
    private static EmbeddedPostgres postgres;
    private static WriteScopeEstimator estimator;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL);
                    INSERT INTO t SELECT g, g FROM generate_series(1, 10000) g;
                    CREATE TABLE private (id int PRIMARY KEY);
                    CREATE SEQUENCE side_effects;
                    -- Declared STABLE, so the planner may run it to estimate; it has a side effect.
                    CREATE FUNCTION leaky() RETURNS int STABLE LANGUAGE plpgsql AS
                        $$ BEGIN PERFORM nextval('side_effects'); RETURN 0; END $$;
                    CREATE ROLE writer NOLOGIN;
                    GRANT SELECT, UPDATE, DELETE ON t TO writer;
                    GRANT EXECUTE ON FUNCTION leaky() TO writer;
                    GRANT USAGE ON SEQUENCE side_effects TO writer;
                    ANALYZE;
                    """);
        }
        // One connection: a failed estimate must leave it clean for the next one.
        estimator = new WriteScopeEstimator("test", WriteScopeEstimatorTest::connection, new WriteScopeConfig(0.3, 2L, 300, 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (estimator != null) {
            estimator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static Connection connection() {
        try {
            return postgres.getPostgresDatabase().getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static WriteScope.Scope estimate(String sql, List<String> parameters, String role) throws Exception {
        return estimator.estimate(List.of(sql), parameters, role).get(30, TimeUnit.SECONDS);
    }

    static String sum() throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) || '/' || sum(v) FROM t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theWholeTableIsWideAndOneRowIsNarrow() throws Exception {
        String before = sum();
        WriteScope.Scope wide = estimate("UPDATE t SET v = v + 1 WHERE id > 0", List.of(), "writer");
        assertInstanceOf(WriteScope.Scope.Wide.class, wide, wide.reason());
        assertTrue(wide.reason().contains("an estimated 10,000 of 10,000 rows of public.t (100%)"), wide.reason());
        assertInstanceOf(WriteScope.Scope.Narrow.class, estimate("UPDATE t SET v = v + 1 WHERE id = 5;", List.of(), "writer"));
        assertInstanceOf(WriteScope.Scope.Wide.class, estimate("DELETE FROM t WHERE v IS NOT NULL", List.of(), "writer"));
        assertEquals(before, sum(), "EXPLAIN ran nothing");
    }

    @Test
    void bindValuesAreEstimatedAsSentAndLeaveNothingPrepared() throws Exception {
        assertInstanceOf(WriteScope.Scope.Wide.class, estimate("UPDATE t SET v = v WHERE id > $1", List.of("0"), "writer"));
        assertInstanceOf(WriteScope.Scope.Narrow.class, estimate("UPDATE t SET v = v WHERE id > $1", List.of("9999"), "writer"));
        // A value PostgreSQL refuses: the estimate fails closed, and the prepared statement is gone after it.
        WriteScope.Scope bad = estimate("UPDATE t SET v = v WHERE id > $1", List.of("not a number"), "writer");
        assertInstanceOf(WriteScope.Scope.Unknown.class, bad);
        assertTrue(bad.reason().contains("22P02"), bad.reason());
        assertInstanceOf(WriteScope.Scope.Wide.class, estimate("UPDATE t SET v = v WHERE id > $1", List.of("0"), "writer"));
    }

    @Test
    void aFunctionThePlannerWouldRunCannotWrite() throws Exception {
        String before = sequence();
        WriteScope.Scope scope = estimate("UPDATE t SET v = v WHERE id > leaky()", List.of(), "writer");
        assertInstanceOf(WriteScope.Scope.Unknown.class, scope, scope.reason());
        assertEquals(before, sequence(), "the read-only transaction refused nextval()");
    }

    @Test
    void asTheSessionsRoleAndBoundedInTime() throws Exception {
        WriteScope.Scope denied = estimate("DELETE FROM private WHERE id > 0", List.of(), "writer");
        assertTrue(denied.reason().contains("42501"), denied.reason());
        WriteScope.Scope noRole = estimate("DELETE FROM t WHERE id > 0", List.of(), "no_such_role");
        assertInstanceOf(WriteScope.Scope.Unknown.class, noRole);
        try (Connection locker = connection(); Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            long start = System.nanoTime();
            WriteScope.Scope locked = estimate("UPDATE t SET v = v WHERE id = 1", List.of(), "writer");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(WriteScope.Scope.Unknown.class, locked);
            assertTrue(locked.reason().contains("within 300 ms"), locked.reason());
            assertTrue(ms < 10_000, ms + " ms");
            locker.rollback();
        }
        assertInstanceOf(WriteScope.Scope.Narrow.class, estimate("UPDATE t SET v = v WHERE id = 1", List.of(), "writer"));
    }

    /** Not an assertion: one estimate's latency (settings + EXPLAIN in one round trip, table size cached, rollback). */
    @Test
    void latency() throws Exception {
        int rounds = 200;
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds + 20; i++) {
            long start = System.nanoTime();
            estimate("UPDATE t SET v = v WHERE id = $1", List.of(Integer.toString(1 + i)), "writer");
            if (i >= 20) {
                nanos[i - 20] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("write scope estimate with a bind value: p50 %.2f ms, p99 %.2f ms over %d%n",
                nanos[rounds / 2] / 1e6, nanos[rounds * 99 / 100] / 1e6, rounds);
    }

    static String sequence() throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT last_value || '/' || is_called FROM side_effects")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
