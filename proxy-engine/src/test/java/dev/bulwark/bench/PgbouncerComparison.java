package dev.bulwark.bench;

import dev.bulwark.cli.DemoCommand;
import dev.bulwark.config.ConfigLoader;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.engine.Engine;
import dev.bulwark.testing.Cli;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine with everything on (the demo's configuration: policy, masking rules, {@code audit: strict})
 * next to a direct connection and pgbouncer (session mode, inspecting nothing) in front of the same
 * PostgreSQL, in one run: pgbench -S in simple, extended and prepared modes at 1 and 8 clients and the
 * TPC-B-like workload at 8 clients, rounds interleaved so machine load hits every contender alike.
 * Latency percentiles come from pgbench's per-transaction log. With {@code --layers} it also runs the
 * engine as alice with {@code audit: async} and with recording off, so each layer's cost is visible.
 * Run with {@code bench/run compare [seconds] [rounds] [--layers]}; pgbouncer is Debian's package
 * ({@code apt-get install -y pgbouncer}); without it the table has no pgbouncer column.
 */
public final class PgbouncerComparison {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    /** Statements per transaction of each workload's script (TPC-B-like: BEGIN, 3 UPDATEs, SELECT, INSERT, END). */
    private static long statementsThroughDemoEngine;

    /** One pgbench workload: its flags and client count. */
    private record Workload(String name, List<String> flags, int clients) {}

    /** Where a pgbench run connects, as whom. */
    private record Contender(String name, int port, String user, Map<String, String> env) {}

    /** TPS and latency (ms) of one run, or the mean of several. */
    private record Figures(double tps, double p50, double p99) {
        static Figures mean(List<Figures> runs) {
            return new Figures(runs.stream().mapToDouble(Figures::tps).average().orElse(0),
                    runs.stream().mapToDouble(Figures::p50).average().orElse(0),
                    runs.stream().mapToDouble(Figures::p99).average().orElse(0));
        }
    }

    private static final List<Workload> WORKLOADS = List.of(
            new Workload("-S simple c1", List.of("-S", "-M", "simple"), 1),
            new Workload("-S extended c1", List.of("-S", "-M", "extended"), 1),
            new Workload("-S prepared c1", List.of("-S", "-M", "prepared"), 1),
            new Workload("-S simple c8", List.of("-S", "-M", "simple"), 8),
            new Workload("-S extended c8", List.of("-S", "-M", "extended"), 8),
            new Workload("-S prepared c8", List.of("-S", "-M", "prepared"), 8),
            new Workload("TPC-B simple c8", List.of("-M", "simple"), 8));

    public static void main(String[] args) throws Exception {
        List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        boolean layers = Arrays.asList(args).contains("--layers");
        int seconds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 5;
        int rounds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 2;
        String pgbench = Cli.find("pgbench").orElseThrow(() -> new IllegalStateException(
                "pgbench is not installed (apt-get install -y postgresql-client)")).toString();
        Optional<Path> pgbouncerBinary = Cli.find("pgbouncer").or(() -> Optional.of(Path.of("/usr/sbin/pgbouncer")).filter(Files::isExecutable));
        if (pgbouncerBinary.isEmpty()) {
            System.out.println("pgbouncer is not installed: running without it (install: apt-get install -y pgbouncer)");
        }
        Path dir = Files.createTempDirectory("bulwark-bench-compare");
        Path logs = Files.createTempDirectory("bulwark-bench-latency");
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        DemoCommand.RunningDemo demo = command.start();
        Engine engine = demo.engine();
        List<Engine> extraEngines = new ArrayList<>();
        Process pgbouncer = null;
        Path bouncerDir = null;
        try {
            int postgres = demo.database().port();
            Map<String, String> directEnv = Map.of("PGSSLMODE", "disable");
            check(Cli.run(directEnv, null, 600, pgbench, "-i", "-q", "-s", "5", "-h", "127.0.0.1", "-p", String.valueOf(postgres),
                    "-U", "postgres", "shop"));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres + "/shop?user=postgres");
                 Statement s = c.createStatement()) {
                s.execute("GRANT ALL ON pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history "
                        + "TO shop_owner, shop_analyst");
            }
            String strict = Files.readString(dir.resolve("bulwark.yaml"));
            if (!strict.contains("audit: strict")) {
                throw new IllegalStateException("the demo's target is no longer audit: strict");
            }

            List<Contender> contenders = new ArrayList<>();
            contenders.add(new Contender("direct", postgres, "postgres", directEnv));
            if (pgbouncerBinary.isPresent()) {
                bouncerDir = Files.createTempDirectory("bulwark-bench-pgbouncer");
                int bouncerPort = freePort();
                pgbouncer = startPgbouncer(pgbouncerBinary.get(), bouncerDir, bouncerPort, postgres);
                contenders.add(new Contender("pgbouncer", bouncerPort, "postgres", directEnv));
            }
            int enginePort = engine.address(0).getPort();
            contenders.add(new Contender("engine alice", enginePort, "alice",
                    Map.of("PGPASSWORD", demo.tokens().get("alice"), "PGSSLMODE", "disable")));
            contenders.add(new Contender("engine dba", enginePort, "dba",
                    Map.of("PGPASSWORD", demo.tokens().get("dba"), "PGSSLMODE", "disable")));
            if (layers) {
                Map<String, String> variants = new LinkedHashMap<>();
                variants.put("alice async", strict.replace("audit: strict", "audit: async"));
                variants.put("alice rec off", strict + "\nrecording:\n  enabled: false\n");
                for (Map.Entry<String, String> variant : variants.entrySet()) {
                    // A second engine on its own port and data dir, sharing the demo's PostgreSQL, keys and vault.
                    String name = variant.getKey().replace(' ', '-');
                    Path data = Files.createDirectory(dir.resolve("layer-" + name));
                    copyKeys(dir, data);
                    Path file = data.resolve("bulwark.yaml");
                    Files.writeString(file, withFreshListener(variant.getValue(), freePort())
                            .replaceFirst("data_dir: .*", "data_dir: " + data));
                    Engine extra = Engine.start(ConfigLoader.load(file, EngineConfig.class));
                    extraEngines.add(extra);
                    contenders.add(new Contender("engine " + variant.getKey(), extra.address(0).getPort(), "alice",
                            Map.of("PGPASSWORD", demo.tokens().get("alice"), "PGSSLMODE", "disable")));
                }
            }

            // Warm-up (JIT, classifier and catalog caches, pgbouncer's pool), not measured.
            for (Contender contender : contenders) {
                for (Workload workload : List.of(WORKLOADS.get(3), WORKLOADS.get(5), WORKLOADS.get(6))) {
                    run(pgbench, contender, workload, Math.min(3, seconds), logs);
                }
            }
            Map<String, Map<String, List<Figures>>> results = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Workload workload : WORKLOADS) {
                    // Interleaved, and the order turns each round so no contender always runs first.
                    List<Contender> order = new ArrayList<>(contenders);
                    java.util.Collections.rotate(order, round);
                    for (Contender contender : order) {
                        Figures figures = run(pgbench, contender, workload, seconds, logs);
                        results.computeIfAbsent(workload.name(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(contender.name(), k -> new ArrayList<>()).add(figures);
                    }
                }
            }
            print(seconds, rounds, contenders, results);
            long bytes = treeBytes(dir.resolve("store"));
            long frames = engine.recorder().stats().framesWritten();
            System.out.printf("%naudit on disk (the demo engine's H2 store, after this run): %.1f MB for %d frames, %d statements:"
                    + " %.0f bytes per frame, %.0f bytes per statement (journal now %d bytes)%n", bytes / 1e6, frames,
                    statementsThroughDemoEngine, (double) bytes / Math.max(1, frames),
                    (double) bytes / Math.max(1, statementsThroughDemoEngine), treeBytes(dir.resolve("journal")));
        } finally {
            Files.deleteIfExists(dir.resolve("demo.json"));
            for (Engine extra : extraEngines) {
                extra.close();
            }
            engine.close();
            if (pgbouncer != null) {
                pgbouncer.destroy();
                pgbouncer.waitFor();
            }
            demo.database().close();
            deleteTree(dir);
            deleteTree(logs);
            if (bouncerDir != null) {
                deleteTree(bouncerDir);
            }
        }
        System.exit(0);
    }

    private static void print(int seconds, int rounds, List<Contender> contenders, Map<String, Map<String, List<Figures>>> results) {
        System.out.printf("%npgbench -T %d x %d rounds, scale 5, -j 2, sslmode=disable, %d cores, load average %s%n", seconds, rounds,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println("engine = the demo's configuration (policy, masking rules, audit: strict); pgbouncer 1.x in session mode");
        StringBuilder header = new StringBuilder(String.format("%-16s", "workload"));
        for (Contender c : contenders) {
            header.append(String.format(" %15s", c.name()));
        }
        boolean bouncer = contenders.stream().anyMatch(c -> c.name().equals("pgbouncer"));
        System.out.println("\nTPS (mean of rounds)");
        System.out.println(header);
        for (var workload : results.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-16s", workload.getKey()));
            for (Contender c : contenders) {
                line.append(String.format(" %15.0f", Figures.mean(workload.getValue().get(c.name())).tps()));
            }
            System.out.println(line);
        }
        System.out.println("\nlatency p50 / p99 ms");
        System.out.println(header);
        for (var workload : results.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-16s", workload.getKey()));
            for (Contender c : contenders) {
                Figures f = Figures.mean(workload.getValue().get(c.name()));
                line.append(String.format(" %15s", String.format("%.3f / %.3f", f.p50(), f.p99())));
            }
            System.out.println(line);
        }
        System.out.println("\nratios of TPS" + (bouncer ? " (x direct | x pgbouncer)" : " (x direct)"));
        System.out.println(header);
        for (var workload : results.entrySet()) {
            double direct = Figures.mean(workload.getValue().get("direct")).tps();
            double pgb = bouncer ? Figures.mean(workload.getValue().get("pgbouncer")).tps() : Double.NaN;
            StringBuilder line = new StringBuilder(String.format("%-16s", workload.getKey()));
            for (Contender c : contenders) {
                double tps = Figures.mean(workload.getValue().get(c.name())).tps();
                line.append(String.format(" %15s", bouncer ? String.format("%.2f | %.2f", tps / direct, tps / pgb)
                        : String.format("%.2f", tps / direct)));
            }
            System.out.println(line);
        }
        if (bouncer) {
            System.out.println("\nadded p50 latency over direct at 1 client (ms): engine alice vs pgbouncer");
            for (var workload : results.entrySet()) {
                if (!workload.getKey().endsWith("c1")) {
                    continue;
                }
                double direct = Figures.mean(workload.getValue().get("direct")).p50();
                System.out.printf("%-16s pgbouncer +%.3f  engine alice +%.3f  engine dba +%.3f%n", workload.getKey(),
                        Figures.mean(workload.getValue().get("pgbouncer")).p50() - direct,
                        Figures.mean(workload.getValue().get("engine alice")).p50() - direct,
                        Figures.mean(workload.getValue().get("engine dba")).p50() - direct);
            }
        }
    }

    private static Figures run(String pgbench, Contender contender, Workload workload, int seconds, Path logs) throws Exception {
        Path runDir = Files.createTempDirectory(logs, "run");
        try {
            List<String> args = new ArrayList<>(List.of(pgbench));
            args.addAll(workload.flags());
            args.addAll(List.of("-n", "-T", String.valueOf(seconds), "-c", String.valueOf(workload.clients()),
                    "-j", String.valueOf(Math.min(2, workload.clients())), "-l", "--log-prefix=" + runDir.resolve("tx"),
                    "-h", "127.0.0.1", "-p", String.valueOf(contender.port()), "-U", contender.user(), "shop"));
            Cli.Result r = check(Cli.run(contender.env(), null, seconds + 120L, args));
            Matcher processed = PROCESSED.matcher(r.stdout());
            if ((contender.name().equals("engine alice") || contender.name().equals("engine dba")) && processed.find()) {
                statementsThroughDemoEngine += Long.parseLong(processed.group(1)) * (workload.flags().contains("-S") ? 1 : 7);
            }
            Matcher m = TPS.matcher(r.stdout());
            if (!m.find()) {
                throw new IllegalStateException("no tps in: " + r.stdout());
            }
            if (!r.stdout().contains("number of failed transactions: 0")) {
                throw new IllegalStateException(contender.name() + ": failed transactions: " + r.stdout());
            }
            long[] latencies = latencies(runDir);
            return new Figures(Double.parseDouble(m.group(1)), percentile(latencies, 0.50), percentile(latencies, 0.99));
        } finally {
            deleteTree(runDir);
        }
    }

    /** Per-transaction latencies in microseconds: the third field of each line of pgbench's -l logs. */
    private static long[] latencies(Path runDir) throws IOException {
        List<Long> values = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.toList()) {
                try (Stream<String> lines = Files.lines(file)) {
                    lines.forEach(line -> {
                        String[] fields = line.split(" ");
                        if (fields.length >= 3) {
                            values.add(Long.parseLong(fields[2]));
                        }
                    });
                }
            }
        }
        long[] out = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[index] / 1000.0;
    }

    /** pgbouncer refuses to run as root: it runs as the postgres system user, from a directory that user owns. */
    private static Process startPgbouncer(Path binary, Path dir, int port, int postgres) throws Exception {
        String ini = """
                [databases]
                shop = host=127.0.0.1 port=%d dbname=shop user=postgres
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = any
                pool_mode = session
                max_client_conn = 200
                default_pool_size = 40
                logfile = %s
                pidfile = %s
                """.formatted(postgres, port, dir.resolve("pgbouncer.log"), dir.resolve("pgbouncer.pid"));
        Files.writeString(dir.resolve("pgbouncer.ini"), ini);
        check(Cli.run(Map.of(), null, 30, "chown", "-R", "postgres", dir.toString()));
        Process process = new ProcessBuilder("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--",
                binary.toString(), dir.resolve("pgbouncer.ini").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("pgbouncer.out").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("pgbouncer did not start: " + Files.readString(dir.resolve("pgbouncer.out")));
                }
                Thread.sleep(100);
            }
        }
        process.destroy();
        throw new IllegalStateException("pgbouncer did not listen on " + port);
    }

    /** The vault, its key and the rules: what a second engine needs to serve the demo's users; not the store or the socket. */
    private static void copyKeys(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && (name.startsWith("vault") || name.equals("masking.key"))) {
                    Files.copy(file, to.resolve(name));
                }
            }
        }
    }

    /** The demo's config with its client listener on another port and its own management socket and store. */
    private static String withFreshListener(String config, int port) {
        return config.replaceFirst("port: \\d+", "port: " + port);
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static Cli.Result check(Cli.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("command failed: " + r.stderr() + r.stdout());
        }
        return r;
    }

    private static long treeBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            long total = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
