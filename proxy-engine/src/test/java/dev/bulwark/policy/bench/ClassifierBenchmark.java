package dev.bulwark.policy.bench;

import dev.bulwark.auth.Identity;
import dev.bulwark.policy.DemoRules;
import dev.bulwark.policy.PolicyEngine;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleSet;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.policy.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Classification cost, cached (same texts again) and uncached (a unique comment per call defeats the
 * cache but not the parse), on simple statements and on a mix of simple and complex ones; plus the cost
 * of a verdict under the demo rules. Not part of the test run. Run it with:
 *
 * <pre>
 * ./mvnw -q -o -pl proxy-engine -am test-compile
 * java -cp proxy-engine/target/test-classes:proxy-engine/target/classes:$(test classpath) \
 *     dev.bulwark.policy.bench.ClassifierBenchmark
 * </pre>
 * Defaults: 1 fork, 3 warm-up and 3 measurement iterations of 1 s; JMH's own options override them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClassifierBenchmark {

    static final String SIMPLE = "SELECT id, name, email FROM customers WHERE id = $1";

    /** From short driver chatter to psql's and pgjdbc's catalog queries. */
    static final List<String> MIX = List.of(
            SIMPLE,
            "BEGIN",
            "SET search_path TO public",
            "INSERT INTO orders (customer_id, amount) VALUES ($1, $2) RETURNING id",
            "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
            "WITH d AS (DELETE FROM jobs WHERE done RETURNING *) INSERT INTO jobs_archive SELECT * FROM d",
            "COPY customers FROM STDIN WITH (FORMAT csv)",
            "SELECT c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast'"
                    + " AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1",
            "SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid FROM pg_catalog.pg_type"
                    + " LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from pg_namespace as ns join ( select s.r,"
                    + " (current_schemas(false))[s.r] as nspname from generate_series(1, array_upper(current_schemas(false), 1))"
                    + " as s(r) ) as r using ( nspname ) ) as sp ON sp.nspoid = typnamespace WHERE pg_type.oid = $1"
                    + " ORDER BY sp.r, pg_type.oid DESC LIMIT 1",
            "BEGIN; UPDATE pgbench_accounts SET abalance = abalance + 5 WHERE aid = 7; SELECT abalance FROM"
                    + " pgbench_accounts WHERE aid = 7; INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)"
                    + " VALUES (1, 1, 7, 5, CURRENT_TIMESTAMP); END;");

    private StatementClassifier classifier;
    private RuleSet rules;
    private Identity identity;
    private QueryClassification classified;
    private long counter;
    private int next;

    @Setup
    public void setUp() {
        classifier = new StatementClassifier();
        classifier.warmUp();
        rules = DemoRules.load();
        identity = new Identity("alice", Set.of("analysts"), "bench", "", Instant.parse("2099-01-01T00:00:00Z"), Map.of());
        classified = classifier.classify(MIX.get(9));
    }

    @Benchmark
    public QueryClassification cachedSimple() {
        return classifier.classify(SIMPLE);
    }

    @Benchmark
    public QueryClassification cachedMix() {
        return classifier.classify(MIX.get(next++ % MIX.size()));
    }

    @Benchmark
    public QueryClassification uncachedSimple() {
        return classifier.classify(SIMPLE + " /* " + counter++ + " */");
    }

    @Benchmark
    public QueryClassification uncachedMix() {
        return classifier.classify(MIX.get(next++ % MIX.size()) + " /* " + counter++ + " */");
    }

    @Benchmark
    public Verdict decideDemoRules() {
        return PolicyEngine.decide(classified, identity, "demo", rules, DemoRules.UNKNOWN_ACTION);
    }

    /** Runs with the defaults above; JMH command-line options ({@code -wi 5 -w 2s ...}) replace them. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(commandLine);
        if (commandLine.getIncludes().isEmpty()) {
            options.include(ClassifierBenchmark.class.getName());
        }
        if (!commandLine.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!commandLine.getWarmupIterations().hasValue()) {
            options.warmupIterations(3);
        }
        if (!commandLine.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(1));
        }
        if (!commandLine.getMeasurementIterations().hasValue()) {
            options.measurementIterations(3);
        }
        if (!commandLine.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(1));
        }
        new Runner(options.build()).run();
    }
}
