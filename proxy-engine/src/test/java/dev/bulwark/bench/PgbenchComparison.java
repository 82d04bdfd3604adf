package dev.bulwark.bench;

import dev.bulwark.testing.Cli;
import dev.bulwark.testing.TestEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench select-only TPS straight to PostgreSQL and through the engine, in the same run, per query
 * mode, alternating which goes first. Run with {@code bench/run pgbench [seconds] [clients]}.
 */
public final class PgbenchComparison {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String pgbench = Cli.find("pgbench").orElseThrow(() -> new IllegalStateException("pgbench is not installed")).toString();
        try (TestEngine engine = TestEngine.start()) {
            int direct = engine.postgres.port();
            int proxied = engine.port();
            Map<String, String> env = Map.of("PGPASSWORD", "alice-token");
            Map<String, String> directEnv = Map.of("PGPASSWORD", dev.bulwark.testing.TestPostgres.PASSWORD);
            check(Cli.run(directEnv, null, 600, pgbench, "-i", "-q", "-s", "10", "-h", "127.0.0.1", "-p", String.valueOf(direct),
                    "-U", dev.bulwark.testing.TestPostgres.SCRAM_USER, "shop"));
            System.out.printf("pgbench -S -T %d -c %d -j 2, scale 10, %d cores%n", seconds, clients, Runtime.getRuntime().availableProcessors());
            System.out.printf("%-10s %12s %12s %8s%n", "mode", "direct tps", "engine tps", "ratio");
            for (String mode : List.of("simple", "extended", "prepared")) {
                double d1 = tps(run(pgbench, directEnv, direct, dev.bulwark.testing.TestPostgres.SCRAM_USER, mode, seconds, clients));
                double e1 = tps(run(pgbench, env, proxied, "alice", mode, seconds, clients));
                double e2 = tps(run(pgbench, env, proxied, "alice", mode, seconds, clients));
                double d2 = tps(run(pgbench, directEnv, direct, dev.bulwark.testing.TestPostgres.SCRAM_USER, mode, seconds, clients));
                double d = (d1 + d2) / 2;
                double e = (e1 + e2) / 2;
                System.out.printf("%-10s %12.0f %12.0f %8.2f%n", mode, d, e, e / d);
            }
        }
        System.exit(0);
    }

    private static Cli.Result run(String pgbench, Map<String, String> env, int port, String user, String mode, int seconds, int clients)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(pgbench, "-S", "-n", "-T", String.valueOf(seconds), "-c", String.valueOf(clients),
                "-j", "2", "-M", mode, "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", user, "shop"));
        return check(Cli.run(env, null, seconds + 120L, args));
    }

    private static Cli.Result check(Cli.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("pgbench failed: " + r.stderr());
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
}
