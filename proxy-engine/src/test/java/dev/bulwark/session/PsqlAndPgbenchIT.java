package dev.bulwark.session;

import dev.bulwark.testing.Cli;
import dev.bulwark.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** psql and pgbench, unchanged, through the engine. Skipped (with a message) where they are not installed. */
class PsqlAndPgbenchIT {
    private static TestEngine engine;
    private static Path psql;
    private static Path pgbench;

    @BeforeAll
    static void start() throws Exception {
        psql = Cli.find("psql").orElse(null);
        pgbench = Cli.find("pgbench").orElse(null);
        engine = TestEngine.start();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Map<String, String> env(String token) {
        return Map.of("PGPASSWORD", token, "PGSSLMODE", "prefer", "PGCONNECT_TIMEOUT", "10", "PGAPPNAME", "psql-it");
    }

    private static List<String> psqlArgs(String... extra) {
        var args = new java.util.ArrayList<>(List.of(psql.toString(), "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", String.valueOf(engine.port()), "-U", "alice", "-d", "shop"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void psqlRunsQueriesDescribesAndCopies() throws Exception {
        assumeTrue(psql != null, "psql is not installed: skipping the psql checks");
        Cli.Result r = Cli.run(env("alice-token"), null, 60, psqlArgs("-At", "-c", "SELECT count(*) FROM customers"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("100", r.stdout().strip());

        Cli.Result d = Cli.run(env("alice-token"), null, 60, psqlArgs("-c", "\\d customers"));
        assertEquals(0, d.exitCode(), d.stderr());
        assertTrue(d.stdout().contains("card_number"), d.stdout());
        assertTrue(d.stdout().contains("customers_pkey"), d.stdout());

        Path csv = Files.createTempFile("bulwark-copy", ".csv");
        try {
            Cli.Result out = Cli.run(env("alice-token"), null, 60,
                    psqlArgs("-c", "\\copy (SELECT id, full_name FROM customers ORDER BY id) to '" + csv + "' csv"));
            assertEquals(0, out.exitCode(), out.stderr());
            assertEquals(100, Files.readAllLines(csv).size());
            Cli.Result in = Cli.run(env("alice-token"), null, 60, psqlArgs(
                    "-c", "CREATE TEMP TABLE names (id int, full_name text)",
                    "-c", "\\copy names from '" + csv + "' csv",
                    "-At", "-c", "SELECT count(*) FROM names"));
            assertEquals(0, in.exitCode(), in.stderr());
            assertTrue(in.stdout().strip().endsWith("100"), in.stdout());
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    @Test
    void psqlOverTlsIsRefusedWithoutACertificateAndPlaintextWorksOnLoopback() throws Exception {
        assumeTrue(psql != null, "psql is not installed");
        Map<String, String> env = Map.of("PGPASSWORD", "alice-token", "PGSSLMODE", "require", "PGCONNECT_TIMEOUT", "10");
        Cli.Result r = Cli.run(env, null, 60, psqlArgs("-At", "-c", "SELECT 1"));
        assertTrue(r.exitCode() != 0);
        assertTrue(r.stderr().contains("server does not support SSL"), r.stderr());
    }

    @Test
    void psqlCtrlCCancelsALongQueryWithinASecond() throws Exception {
        assumeTrue(psql != null, "psql is not installed");
        ProcessBuilder pb = new ProcessBuilder(psqlArgs("-c", "SELECT pg_sleep(30)"));
        pb.environment().putAll(env("alice-token"));
        pb.redirectErrorStream(true);
        Path log = Files.createTempFile("bulwark-psql", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            Thread.sleep(1500);
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            long start = System.nanoTime();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "psql did not stop");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String output = Files.readString(log);
            assertTrue(output.contains("canceling statement due to user request"), output);
            assertTrue(ms < 1000, "cancel took " + ms + " ms");
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void pgbenchFinishesWithNoFailedTransactions(String mode) throws Exception {
        assumeTrue(pgbench != null, "pgbench is not installed: skipping the pgbench checks");
        String port = String.valueOf(engine.port());
        synchronized (PsqlAndPgbenchIT.class) {
            if (!initialized) {
                Cli.Result init = Cli.run(env("alice-token"), null, 300,
                        pgbench.toString(), "-i", "-s", "1", "-q", "-h", "127.0.0.1", "-p", port, "-U", "alice", "shop");
                assertEquals(0, init.exitCode(), init.stderr());
                initialized = true;
            }
        }
        Cli.Result run = Cli.run(env("alice-token"), null, 120, pgbench.toString(), "-S", "-T", "3", "-c", "8", "-j", "2",
                "-M", mode, "-h", "127.0.0.1", "-p", port, "-U", "alice", "shop");
        assertEquals(0, run.exitCode(), run.stderr() + run.stdout());
        Matcher failed = Pattern.compile("number of failed transactions: (\\d+)").matcher(run.stdout());
        assertTrue(failed.find(), run.stdout());
        assertEquals("0", failed.group(1));
        Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)").matcher(run.stdout());
        assertTrue(processed.find() && Long.parseLong(processed.group(1)) > 100, run.stdout());
    }

    private static boolean initialized;
}
