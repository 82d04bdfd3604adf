package dev.bulwark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A large streamed SELECT straight to PostgreSQL, through the engine unmasked (dba) and through the
 * engine masked (alice), in one run, alternating the order; with the engine's heap measured alone.
 *
 * <p>The engine is {@code bulwark demo} in its own JVM ({@code -Xmx256m}), so what jstat and the GC
 * log report is the engine's heap and nothing of this client's. Before the demo starts, its rules
 * file gets two extra rules for the benchmark tables ({@code people*}): e-mail keeps its domain, card
 * numbers keep their last 4 digits, group dba exempt. Every row alice reads is checked to be masked
 * and every row dba or the direct login reads to be clear, so a rule that silently stops matching
 * fails the run instead of flattering it.
 *
 * <p>Run with {@code bench/run masking [rows] [rounds]}; arguments: the data directory (empty or
 * absent), the path of proxy-engine.jar, the large row count (default 1,000,000) and the rounds per
 * mode (default 2). Extra engine JVM options (say JFR) come from the environment variable
 * {@code BENCH_ENGINE_OPTS}.
 */
public final class MaskingThroughput {
    private static final int SMALL_ROWS = 100_000;
    private static final int FETCH_SIZE = 10_000;
    /** G1's pause lines: "Pause Young (Normal) (G1 Evacuation Pause) 120M->5M(256M) 3.1ms". */
    private static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private static final String BENCH_RULES = """

              # Added by bench/run masking: the benchmark tables people and people_small.
              - id: bench-people-email
                name: Benchmark e-mail addresses keep only their domain
                exempt: {groups: [dba]}
                schema: public
                table: "people*"
                column: email
                strategy: partial
                params: {keep_email_domain: true}

              - id: bench-people-card
                name: Benchmark card numbers keep their last 4 digits
                exempt: {groups: [dba]}
                schema: public
                table: "people*"
                column: card_number
                strategy: partial
                params: {keep_last: 4}
            """;

    enum Mode { DIRECT, ENGINE_DBA, ENGINE_ALICE }

    enum Format { TEXT, BINARY }

    record Result(Mode mode, Format format, String table, long rows, long bytes, long nanos, HeapPeak heap, long engineCpuNanos) {
        /** The engine process's CPU (user + system, all threads) per row: robust where the wall clock is shared. */
        double engineMicrosPerRow() {
            return engineCpuNanos / 1e3 / rows;
        }

        double rowsPerSecond() {
            return rows / (nanos / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }
    }

    /** Peak heap used as sampled (live data plus garbage not collected yet) and the peak right after a GC (live data). */
    record HeapPeak(long sampledUsedKb, long oldGenKb, long afterGcMb, int collections) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MaskingThroughput DATA_DIR PROXY_ENGINE_JAR [rows] [rounds]");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        Path jar = Path.of(args[1]).toAbsolutePath();
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int exit = new MaskingThroughput(data, jar).run(rows, rounds);
        System.exit(exit);
    }

    private final Path data;
    private final Path jar;
    private final Path gcLog;
    private final Path engineLog;
    private Process engine;

    private MaskingThroughput(Path data, Path jar) {
        this.data = data;
        this.jar = jar;
        this.gcLog = data.resolve("engine-gc.log");
        this.engineLog = data.resolve("engine.log");
    }

    private int run(int rows, int rounds) throws Exception {
        Files.createDirectories(data.resolve("rules"));
        writeRules();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopEngine));
        try {
            startEngine();
            JsonNode demo = awaitDemoJson();
            int port = demo.path("port").asInt();
            String dbaToken = demo.path("users").path("dba").asText();
            String aliceToken = demo.path("users").path("alice").asText();
            JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(data.resolve("bulwark.yaml").toFile());
            int postgresPort = config.path("targets").path(0).path("port").asInt();
            // The demo's dba grant logs in as shop_owner itself (its own vaulted login): so does the direct run.
            Credential owner = Vault.open(data, Map.of()).credential("shop-shop_owner");

            long started = System.nanoTime();
            try (Connection dba = connect(port, "dba", dbaToken, Format.TEXT); Statement s = dba.createStatement()) {
                // Through the engine as dba: the tables belong to shop_owner, as a dba would make them.
                for (String table : List.of("people", "people_small")) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
                s.execute(createTable("people", rows));
                s.execute(createTable("people_small", SMALL_ROWS));
                s.execute("GRANT SELECT ON people, people_small TO shop_analyst");
                s.execute("ANALYZE people");
                s.execute("ANALYZE people_small");
            }
            System.out.printf("data: people (%,d rows), people_small (%,d rows) created through the engine as dba in %.1f s%n",
                    rows, SMALL_ROWS, (System.nanoTime() - started) / 1e9);

            Map<Mode, Connector> connectors = new LinkedHashMap<>();
            connectors.put(Mode.DIRECT, format -> {
                return connectDirect(postgresPort, owner, format);
            });
            connectors.put(Mode.ENGINE_DBA, format -> connect(port, "dba", dbaToken, format));
            connectors.put(Mode.ENGINE_ALICE, format -> connect(port, "alice", aliceToken, format));

            // Warm up both JVMs (JIT: the engine's masking and relay paths reach C2 only after a few
            // hundred thousand rows; the first measured runs cost twice the CPU per row without this)
            // and PostgreSQL's cache, in both formats; not reported.
            System.out.println("warm-up (not counted):");
            for (int i = 0; i < 3; i++) {
                for (Format format : Format.values()) {
                    for (Mode mode : Mode.values()) {
                        measure(connectors.get(mode), mode, format, "people_small");
                    }
                }
            }
            System.out.println("measured:");
            List<Result> results = new ArrayList<>();
            for (String table : List.of("people_small", "people")) {
                for (Format format : Format.values()) {
                    for (int round = 0; round < rounds; round++) {
                        List<Mode> order = new ArrayList<>(List.of(Mode.values()));
                        if (round % 2 == 1) {
                            java.util.Collections.reverse(order);
                        }
                        for (Mode mode : order) {
                            results.add(measure(connectors.get(mode), mode, format, table));
                        }
                    }
                }
            }
            return report(results, rows, rounds);
        } finally {
            stopEngine();
        }
    }

    @FunctionalInterface
    interface Connector {
        Connection open(Format format) throws SQLException;
    }

    private static String createTable(String table, int rows) {
        return "CREATE TABLE " + table + " AS SELECT g AS id, 'person' || g || '@example.com' AS email,"
                + " lpad(g::text, 16, '4') AS card_number, 'n' || g AS name FROM generate_series(1, " + rows + ") g";
    }

    private void writeRules() throws IOException {
        Path file = data.resolve("rules/masking.yaml");
        String defaults;
        try (InputStream in = MaskingThroughput.class.getResourceAsStream(dev.bulwark.masking.MaskingConfig.DEMO_RESOURCE)) {
            if (in == null) {
                throw new IOException("missing resource " + dev.bulwark.masking.MaskingConfig.DEMO_RESOURCE);
            }
            defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The demo rules end with the rules list, so the benchmark's rules append to it.
        Files.writeString(file, defaults.stripTrailing() + "\n" + BENCH_RULES);
    }

    private void startEngine() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Xlog:gc:file=" + gcLog + ":uptime", "-Dio.netty.leakDetection.level=disabled"));
        String extra = System.getenv("BENCH_ENGINE_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "demo", "--port", "0", "--data", data.toString()));
        System.out.println("engine: " + String.join(" ", command));
        engine = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(engineLog.toFile()).start();
    }

    private void stopEngine() {
        Process p = engine;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: the demo stops the engine and then its PostgreSQL
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode awaitDemoJson() throws Exception {
        Path json = data.resolve("demo.json");
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.exists(json)) {
            if (!engine.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the demo did not start; its log:\n" + Files.readString(engineLog));
            }
            Thread.sleep(200);
        }
        return new ObjectMapper().readTree(json.toFile());
    }

    private static Properties properties(String user, String password, Format format) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        // Both legs in plaintext on loopback, so the comparison is of the engine and not of TLS.
        p.setProperty("sslmode", "disable");
        // Binary: a server-prepared statement from the first execution, so pgjdbc asks for binary
        // results of the types it can read so (int4 here; text columns stay text).
        p.setProperty("prepareThreshold", format == Format.BINARY ? "-1" : "0");
        return p;
    }

    private static Connection connect(int port, String user, String token, Format format) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop", properties(user, token, format));
    }

    private static Connection connectDirect(int port, Credential credential, Format format) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop",
                properties(credential.user(), credential.password(), format));
    }

    private Result measure(Connector connector, Mode mode, Format format, String table) throws Exception {
        try (Connection c = connector.open(format); HeapSampler sampler = HeapSampler.start(engine.pid())) {
            long gcOffset = Files.exists(gcLog) ? Files.size(gcLog) : 0;
            c.setAutoCommit(false);
            long rows = 0;
            long bytes = 0;
            long cpuBefore = cpuNanos(engine.pid());
            java.time.Instant from = java.time.Instant.now();
            long started = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String email = rs.getString(2);
                        String card = rs.getString(3);
                        String name = rs.getString(4);
                        check(mode, id, email, card);
                        rows++;
                        bytes += 8 + email.length() + card.length() + name.length();
                    }
                }
            }
            long nanos = System.nanoTime() - started;
            long engineCpu = cpuNanos(engine.pid()) - cpuBefore;
            c.commit();
            Thread.sleep(250); // one more heap sample after the last row
            HeapPeak heap = sampler.peak(afterGc(gcOffset));
            Result result = new Result(mode, format, table, rows, bytes, nanos, heap, engineCpu);
            // The instants let a profile of the engine (BENCH_ENGINE_OPTS=-XX:StartFlightRecording=...) be cut per run.
            System.out.printf("  %-12s %-6s %-12s %,10d rows %7.2f s %,10.0f rows/s  engine CPU %5.2f us/row  heap peak %,6d MB (old gen %,d MB, after GC %d MB, %d GCs)  %s..%s%n",
                    mode, format, table, rows, nanos / 1e9, result.rowsPerSecond(), result.engineMicrosPerRow(), heap.sampledUsedKb() / 1024,
                    heap.oldGenKb() / 1024, heap.afterGcMb(), heap.collections(), from, from.plusNanos(nanos));
            return result;
        }
    }

    /** Alice's rows must be masked, everyone else's clear: the benchmark must not pass by accident. */
    private static void check(Mode mode, long id, String email, String card) {
        String clearEmail = "person" + id + "@example.com";
        String clearCard = String.valueOf(id);
        clearCard = "4".repeat(Math.max(0, 16 - clearCard.length())) + clearCard;
        if (mode == Mode.ENGINE_ALICE) {
            if (email.equals(clearEmail) || email.contains("person") || !email.endsWith("@example.com")) {
                throw new IllegalStateException("row " + id + ": alice's e-mail is not masked (keeping the domain)");
            }
            if (card.equals(clearCard) || !card.endsWith(clearCard.substring(12))) {
                throw new IllegalStateException("row " + id + ": alice's card number is not masked (keeping the last 4)");
            }
        } else if (!email.equals(clearEmail) || !card.equals(clearCard)) {
            throw new IllegalStateException("row " + id + ": " + mode + " did not get the clear values");
        }
    }

    /** CPU time (user + system) of a process so far, from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms). */
    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is the state (field 3 of stat), so utime (field 14) is fields[11] and stime fields[12]
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /** Peaks of G1's young and full "before->after(capacity)" lines written since {offset}: the largest after-GC heap and the count. */
    private long[] afterGc(long offset) throws IOException {
        if (!Files.exists(gcLog)) {
            return new long[] {0, 0};
        }
        long max = 0;
        long count = 0;
        try (var channel = Files.newByteChannel(gcLog)) {
            channel.position(offset);
            BufferedReader reader = new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Matcher m = GC_AFTER.matcher(line);
                // Only collections: G1's Remark and Cleanup pauses print the same "a->b(c)" but free
                // nothing, so their "after" is the heap at that moment, garbage included.
                if ((line.contains("Pause Young") || line.contains("Pause Full")) && m.find()) {
                    max = Math.max(max, Long.parseLong(m.group(2)));
                    count++;
                }
            }
        }
        return new long[] {max, count};
    }

    private int report(List<Result> results, int rows, int rounds) {
        System.out.printf("%nSELECT * streamed with fetch size %,d, autocommit off; %d rounds per mode alternating order;"
                + " engine -Xmx256m in its own JVM; %d cores shared by client, engine and PostgreSQL%n",
                FETCH_SIZE, rounds, Runtime.getRuntime().availableProcessors());
        System.out.println("load average now (other work on this machine skews the wall-clock ratios; engine CPU per row does not"
                + " depend on it much): " + loadAverage());
        System.out.printf("%-12s %-6s %-12s %12s %8s %7s %16s %14s %14s%n", "table", "format", "mode", "rows/s", "MB/s", "ratio",
                "engine CPU us/row", "heap peak MB", "after GC MB");
        boolean goal = true;
        for (String table : List.of("people_small", "people")) {
            for (Format format : Format.values()) {
                double direct = mean(results, table, format, Mode.DIRECT);
                for (Mode mode : Mode.values()) {
                    List<Result> these = results.stream()
                            .filter(r -> r.table().equals(table) && r.format() == format && r.mode() == mode).toList();
                    double rowsPerSecond = mean(results, table, format, mode);
                    double mbPerSecond = these.stream().mapToDouble(Result::megabytesPerSecond).average().orElse(0);
                    long heapPeak = these.stream().mapToLong(r -> r.heap().sampledUsedKb()).max().orElse(0) / 1024;
                    long afterGc = these.stream().mapToLong(r -> r.heap().afterGcMb()).max().orElse(0);
                    double cpu = these.stream().mapToDouble(Result::engineMicrosPerRow).average().orElse(0);
                    double ratio = rowsPerSecond / direct;
                    System.out.printf("%-12s %-6s %-12s %,12.0f %8.1f %7.2f %16.2f %14s %14s%n", table, format, mode, rowsPerSecond,
                            mbPerSecond, ratio, cpu, mode == Mode.DIRECT ? "-" : String.valueOf(heapPeak),
                            mode == Mode.DIRECT ? "-" : String.valueOf(afterGc));
                    if (mode == Mode.ENGINE_ALICE && table.equals("people") && ratio < 0.7) {
                        goal = false;
                    }
                    if (mode != Mode.DIRECT && heapPeak > 256) {
                        goal = false;
                    }
                }
            }
        }
        System.out.printf("%ngoal (masked >= 0.7x direct at %,d rows, engine heap <= 256 MB): %s%n", rows, goal ? "met" : "MISSED");
        System.out.println("heap peak: max of S0U+S1U+EU+OU from jstat -gc every 200 ms (includes garbage not yet collected);"
                + " after GC: largest heap right after a collection in the engine's GC log (the live set)");
        return 0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double mean(List<Result> results, String table, Format format, Mode mode) {
        return results.stream().filter(r -> r.table().equals(table) && r.format() == format && r.mode() == mode)
                .mapToDouble(Result::rowsPerSecond).average().orElse(Double.NaN);
    }

    /** {@code jstat -gc PID 200} in the background; the largest used heap it printed. */
    private static final class HeapSampler implements AutoCloseable {
        private final Process process;
        private final Thread reader;
        private final AtomicLong maxUsedKb = new AtomicLong();
        private final AtomicLong maxOldKb = new AtomicLong();
        private final java.util.concurrent.CountDownLatch firstSample = new java.util.concurrent.CountDownLatch(1);

        private HeapSampler(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().start(this::read);
        }

        static HeapSampler start(long pid) throws IOException {
            String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
            HeapSampler sampler = new HeapSampler(new ProcessBuilder(jstat, "-gc", String.valueOf(pid), "200")
                    .redirectErrorStream(true).start());
            // jstat needs a moment to attach; a short run must not finish before the first sample.
            try {
                if (!sampler.firstSample.await(10, TimeUnit.SECONDS)) {
                    sampler.close();
                    throw new IllegalStateException("jstat printed no sample of the engine's heap");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return sampler;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> header = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 0 && fields[0].equals("S0C")) {
                        header = List.of(fields);
                        continue;
                    }
                    if (header == null || fields.length != header.size()) {
                        continue;
                    }
                    double used = value(header, fields, "S0U") + value(header, fields, "S1U") + value(header, fields, "EU")
                            + value(header, fields, "OU");
                    maxUsedKb.accumulateAndGet((long) used, Math::max);
                    maxOldKb.accumulateAndGet((long) value(header, fields, "OU"), Math::max);
                    firstSample.countDown();
                }
            } catch (IOException | NumberFormatException e) {
                // the sampler stops; the peak so far stands
            }
        }

        private static double value(List<String> header, String[] fields, String column) {
            int i = header.indexOf(column);
            return i < 0 || fields[i].equals("-") ? 0 : Double.parseDouble(fields[i]);
        }

        HeapPeak peak(long[] afterGc) {
            return new HeapPeak(maxUsedKb.get(), maxOldKb.get(), afterGc[0], (int) afterGc[1]);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(5_000);
        }
    }
}
