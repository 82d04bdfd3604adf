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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What recording costs: pgbench TPS straight to PostgreSQL and through the demo engine with the
 * target's audit {@code strict}, {@code async}, and session recording off ({@code recording.enabled:
 * false}), in one run, for select-only ({@code -S}) and the TPC-B-like write mix without the
 * branch/teller updates ({@code -N}). The same engine build, policy, masking and catalog lookups in
 * every engine mode: only the recording differs. Direct runs first and last; its figure is the mean.
 * Run with {@code bench/run recording [seconds] [clients]}.
 */
public final class RecordingComparison {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Map<String, String> WORKLOADS = new LinkedHashMap<>();

    static {
        WORKLOADS.put("select-only (-S)", "-S");
        WORKLOADS.put("write (-N)", "-N");
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String pgbench = Cli.find("pgbench").orElseThrow(() -> new IllegalStateException("pgbench is not installed")).toString();
        Path dir = Files.createTempDirectory("bulwark-bench-recording");
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        DemoCommand.RunningDemo demo = command.start();
        Engine engine = demo.engine();
        try {
            int postgres = demo.database().port();
            Map<String, String> directEnv = Map.of("PGSSLMODE", "disable");
            Map<String, String> engineEnv = Map.of("PGPASSWORD", demo.tokens().get("dba"), "PGSSLMODE", "disable");
            check(Cli.run(directEnv, null, 600, pgbench, "-i", "-q", "-s", "5", "-h", "127.0.0.1", "-p", String.valueOf(postgres),
                    "-U", "postgres", "shop"));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres + "/shop?user=postgres");
                 Statement s = c.createStatement()) {
                s.execute("GRANT ALL ON pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history TO shop_owner");
            }
            String strict = Files.readString(dir.resolve("bulwark.yaml"));
            if (!strict.contains("audit: strict")) {
                throw new IllegalStateException("the demo's target is no longer audit: strict");
            }
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("strict", strict);
            configs.put("async", strict.replace("audit: strict", "audit: async"));
            configs.put("off", strict + "\nrecording:\n  enabled: false\n");

            // Warm-up (JIT, classifier and catalog caches) through the first engine, not measured.
            run(pgbench, engineEnv, engine.address(0).getPort(), "dba", "-S", Math.min(5, seconds), clients);
            run(pgbench, engineEnv, engine.address(0).getPort(), "dba", "-N", Math.min(5, seconds), clients);
            Map<String, Map<String, Double>> tps = new LinkedHashMap<>();
            List<String> writer = new ArrayList<>();
            WORKLOADS.forEach((name, flag) -> tps.put(name, new LinkedHashMap<>()));
            for (String workload : WORKLOADS.keySet()) {
                tps.get(workload).put("direct", tps(run(pgbench, directEnv, postgres, "postgres", WORKLOADS.get(workload), seconds, clients)));
            }
            for (Map.Entry<String, String> mode : configs.entrySet()) {
                if (!mode.getKey().equals("strict")) {
                    engine.close();
                    Path file = dir.resolve("bench-" + mode.getKey() + ".yaml");
                    Files.writeString(file, mode.getValue());
                    engine = Engine.start(ConfigLoader.load(file, EngineConfig.class));
                }
                int port = engine.address(0).getPort();
                for (String workload : WORKLOADS.keySet()) {
                    dev.bulwark.recording.Recorder.Stats before = engine.recorder().stats();
                    long startNanos = System.nanoTime();
                    tps.get(workload).put(mode.getKey(), tps(run(pgbench, engineEnv, port, "dba", WORKLOADS.get(workload), seconds, clients)));
                    dev.bulwark.recording.Recorder.Stats after = engine.recorder().stats();
                    long frames = after.framesWritten() - before.framesWritten();
                    long batches = after.batches() - before.batches();
                    writer.add(String.format("%-18s %-7s %9d frames %8d batches  %6.1f frames/batch  %7.0f frames/s  lost %d",
                            workload, mode.getKey(), frames, batches, batches == 0 ? 0.0 : (double) frames / batches,
                            frames / ((System.nanoTime() - startNanos) / 1e9), after.framesLost() - before.framesLost()));
                }
            }
            for (String workload : WORKLOADS.keySet()) {
                double last = tps(run(pgbench, directEnv, postgres, "postgres", WORKLOADS.get(workload), seconds, clients));
                tps.get(workload).merge("direct", last, (a, b) -> (a + b) / 2);
            }

            System.out.printf("%npgbench -T %d -c %d -j 2 -M simple, scale 5, sslmode=disable, %d cores; engine = bulwark demo "
                    + "(dba, policy + masking on)%n", seconds, clients, Runtime.getRuntime().availableProcessors());
            System.out.printf("%-18s %10s %10s %10s %10s %9s %9s %9s %9s%n", "workload", "direct", "rec off", "async", "strict",
                    "off/dir", "async/off", "strict/off", "strict/dir");
            for (String workload : WORKLOADS.keySet()) {
                Map<String, Double> t = tps.get(workload);
                double direct = t.get("direct");
                double off = t.get("off");
                double async = t.get("async");
                double strictTps = t.get("strict");
                System.out.printf("%-18s %10.0f %10.0f %10.0f %10.0f %9.2f %9.2f %9.2f %9.2f%n", workload, direct, off, async, strictTps,
                        off / direct, async / off, strictTps / off, strictTps / direct);
            }
            System.out.println("\nrecorder writer per run (frames include session start/end, statements, results):");
            writer.forEach(System.out::println);
        } finally {
            Files.deleteIfExists(dir.resolve("demo.json"));
            engine.close();
            demo.database().close();
            deleteTree(dir);
        }
        System.exit(0);
    }

    private static Cli.Result run(String pgbench, Map<String, String> env, int port, String user, String workload, int seconds, int clients)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(pgbench, workload, "-n", "-T", String.valueOf(seconds), "-c", String.valueOf(clients),
                "-j", "2", "-M", "simple", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", user, "shop"));
        return check(Cli.run(env, null, seconds + 120L, args));
    }

    private static Cli.Result check(Cli.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("pgbench failed: " + r.stderr() + r.stdout());
        }
        return r;
    }

    private static double tps(Cli.Result r) {
        Matcher m = TPS.matcher(r.stdout());
        if (!m.find()) {
            throw new IllegalStateException("no tps in: " + r.stdout());
        }
        if (!r.stdout().contains("number of failed transactions: 0")) {
            throw new IllegalStateException("failed transactions: " + r.stdout());
        }
        return Double.parseDouble(m.group(1));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
