package dev.bulwark.policy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Classifies query texts: what each statement in a text does ({@link QueryClassification}). Statements
 * jsqlparser 5.4 reads are classified from their syntax tree; the others (COPY, BEGIN, VACUUM, SET ... TO,
 * DO, PREPARE/EXECUTE ...) from their keywords by Bulwark's own PostgreSQL lexer; anything neither can
 * read is UNKNOWN, which policy treats with the target's unknown default.
 *
 * <p>Thread-safe. Results are cached by text (LRU, default 10,000 texts). Classification is CPU-only and
 * never blocks on I/O, but an uncached complex statement can take a few milliseconds (and the very first
 * one about 0.7 s of class loading: call {@link #warmUp()} at start). A parse running longer than the
 * parse budget (default 500 ms) is abandoned and the statement is UNKNOWN.
 *
 * <p>The classification is syntactic: it cannot see what views, triggers, rules, column defaults or
 * user-defined operators and types run. Keep the database's own privileges as the last line.
 */
public final class StatementClassifier {

    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    /** Characters of cached texts; bounds the cache's memory to tens of megabytes. */
    public static final long DEFAULT_CACHE_CHARS = 8_000_000;
    public static final Duration DEFAULT_PARSE_BUDGET = Duration.ofMillis(500);

    private final StatementReader reader;
    private final ClassificationCache cache;

    /** A classifier of PostgreSQL 17 SQL with the built-in function catalog and default limits. */
    public StatementClassifier() {
        this(Set.of(), DEFAULT_CACHE_ENTRIES, DEFAULT_PARSE_BUDGET);
    }

    /**
     * @param extraSafeFunctions functions an operator vouches for (for example an application's own
     *        read-only functions), as {@code name} or {@code schema.name}; calls of them are not unknown
     * @param cacheEntries how many distinct texts to remember
     * @param parseBudget how long one statement's parse may take
     */
    public StatementClassifier(Collection<String> extraSafeFunctions, int cacheEntries, Duration parseBudget) {
        requireNonNull(extraSafeFunctions, "extraSafeFunctions is null");
        this.reader = new StatementReader(FunctionCatalog.builtIn().withExtraSafe(extraSafeFunctions), parseBudget);
        this.cache = new ClassificationCache(cacheEntries, DEFAULT_CACHE_CHARS);
    }

    /** Classifies the text of a simple-protocol Query, which may hold several statements. */
    public QueryClassification classify(String sqlText) {
        requireNonNull(sqlText, "sqlText is null");
        return new QueryClassification(sqlText, statements(sqlText), false);
    }

    /**
     * Classifies the text of an extended-protocol Parse. PostgreSQL refuses more than one statement
     * there; the result says so and policy denies such a text rather than relying on the server.
     */
    public QueryClassification classifyParse(String sqlText) {
        requireNonNull(sqlText, "sqlText is null");
        return new QueryClassification(sqlText, statements(sqlText), true);
    }

    /** Classifies with the session's prepared statements resolved (EXECUTE reads as what it runs). */
    public QueryClassification classify(String sqlText, SessionPolicyState.Names names) {
        return SessionPolicyState.resolve(classify(sqlText), requireNonNull(names, "names is null"));
    }

    /**
     * Loads the parser's classes (about 0.7 s the first time) so that the first client statement is not
     * the one to pay. Call once at engine start, off the event loop. Blocks while it runs.
     */
    public void warmUp() {
        for (String sql : List.of(
                "SELECT a, count(*) FROM s.t JOIN u ON t.id = u.id WHERE a = $1 GROUP BY a ORDER BY 2 DESC LIMIT 5",
                "WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) INSERT INTO log SELECT * FROM d",
                "UPDATE t SET a = a + 1 WHERE id IN (SELECT id FROM u WHERE b ILIKE 'x%')",
                "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
                "CREATE TABLE t2 AS SELECT * FROM t", "ALTER TABLE t ADD COLUMN c int",
                "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = u.a",
                "BEGIN; SET search_path TO public; COMMIT")) {
            reader.read(sql);
        }
    }

    /** Texts currently cached (for tests and metrics). */
    public int cachedTexts() {
        return cache.size();
    }

    private List<StatementClassification> statements(String sqlText) {
        List<StatementClassification> cached = cache.get(sqlText);
        if (cached != null) {
            return cached;
        }
        StatementReader.Reading reading = reader.read(sqlText);
        if (reading.cacheable()) {
            cache.put(sqlText, reading.statements());
        }
        return reading.statements();
    }
}
