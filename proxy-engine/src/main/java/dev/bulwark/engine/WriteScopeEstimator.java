package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.config.WriteScopeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Estimates what filtered writes would touch, for one target, by asking PostgreSQL's planner on side
 * connections (see {@link WriteScope}). Never blocks its caller: the JDBC work runs on threads of its own
 * ({@code write_scope.connections} of them, one side connection each), never on an event loop.
 *
 * <p>Each estimate runs in one transaction that is rolled back:
 * <pre>
 *   BEGIN; SET TRANSACTION READ ONLY
 *   SET LOCAL statement_timeout, lock_timeout = write_scope.timeout_ms; plan_cache_mode = force_custom_plan
 *   SET LOCAL ROLE &lt;the session's role&gt;                  -- privileges and row-level security as the client
 *   PREPARE bulwark_write_scope AS &lt;statement&gt;             -- only with bind values
 *   EXPLAIN (FORMAT JSON, VERBOSE) [EXECUTE bulwark_write_scope('v1', ...) | &lt;statement&gt;]
 *   EXPLAIN (FORMAT JSON) SELECT 1 FROM &lt;each target table&gt;
 *   ROLLBACK; DEALLOCATE bulwark_write_scope
 * </pre>
 * EXPLAIN without ANALYZE plans and does not run the statement: no row is written, no trigger fires, no
 * volatile function is called. The planner does evaluate immutable and stable functions on constants
 * (to fold and estimate them); the READ ONLY transaction refuses writes and nextval() from those too.
 *
 * <p>Fail closed: anything that goes wrong (the side connection, the role, a temporary table only the
 * session sees, syntax, a timeout, a text that holds more than one statement, a bind value that came in
 * binary and cannot be rendered exactly) is {@link WriteScope.Scope.Unknown}, and the write counts as
 * unfiltered.
 */
final class WriteScopeEstimator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteScopeEstimator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREPARED_NAME = "bulwark_write_scope";

    private final Supplier<Connection> connections;
    private final WriteScopeConfig config;
    private final ExecutorService executor;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final TableRows tableRows = new TableRows();
    private volatile boolean closed;

    /**
     * @param connections opens a side connection to the target (on this estimator's threads; again after a failure)
     */
    WriteScopeEstimator(String target, Supplier<Connection> connections, WriteScopeConfig config) {
        this.connections = requireNonNull(connections, "connections is null");
        this.config = requireNonNull(config, "config is null");
        this.executor = Executors.newFixedThreadPool(config.connections(),
                Thread.ofPlatform().daemon().name("bulwark-write-scope-" + target + "-", 0).factory());
    }

    WriteScopeConfig config() {
        return config;
    }

    /**
     * Estimates the writes of these statements (texts as the client sent them, in order) with these bind
     * values, as this database role. Always completes normally.
     *
     * @param statements the statement texts that hold filtered writes
     * @param parameters bind values rendered as text (null for NULL); empty for the simple protocol
     * @param role the role the session runs as; empty to plan as the side connection's login
     */
    CompletableFuture<WriteScope.Scope> estimate(List<String> statements, List<String> parameters, String role) {
        List<String> texts = List.copyOf(statements);
        List<String> values = new ArrayList<>(parameters);
        Optional<String> refused = refusal(texts, values);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(new WriteScope.Scope.Unknown(refused.get()));
        }
        try {
            return CompletableFuture.supplyAsync(() -> run(texts, values, role), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new WriteScope.Scope.Unknown("the engine is shutting down"));
        }
    }

    /** What cannot be sent to the side connection as it is; checked before anything is. */
    static Optional<String> refusal(List<String> statements, List<String> parameters) {
        if (statements.isEmpty()) {
            return Optional.of("no statement to estimate");
        }
        for (String text : statements) {
            // The side connection must plan exactly one statement: a text with another ';' than a trailing one
            // (even inside a literal) is not sent, rather than trusting a second splitter to agree with ours.
            String trimmed = withoutTrailingSemicolons(text);
            if (trimmed.isEmpty() || trimmed.indexOf(';') >= 0) {
                return Optional.of("the statement holds a ';' Bulwark does not send to its planner connection");
            }
        }
        if (!parameters.isEmpty() && statements.size() != 1) {
            return Optional.of("bind values for more than one statement");
        }
        for (String value : parameters) {
            if (value != null && (value.indexOf('\0') >= 0 || value.startsWith("\\x"))) {
                return Optional.of("a bind value came in binary and cannot be rendered exactly");
            }
        }
        return Optional.empty();
    }

    private WriteScope.Scope run(List<String> statements, List<String> parameters, String role) {
        if (closed) {
            return new WriteScope.Scope.Unknown("the engine is shutting down");
        }
        Connection connection = null;
        try {
            connection = take();
            List<WriteScope.Measured> measured = explain(connection, statements, parameters, role);
            WriteScope.Scope scope = WriteScope.judge(measured, config);
            idle.push(connection);
            connection = null;
            return scope;
        } catch (SQLException e) {
            // The SQLSTATE and PostgreSQL's message (names, syntax), never the statement or its values.
            String state = e.getSQLState() == null ? "no SQLSTATE" : e.getSQLState();
            LOG.debug("write scope: EXPLAIN failed ({}): {}", state, e.getMessage());
            return new WriteScope.Scope.Unknown(switch (state) {
                case "57014" -> "the planner did not answer within " + config.timeoutMs() + " ms";
                case "55P03" -> "a lock was not granted within " + config.timeoutMs() + " ms";
                default -> "its EXPLAIN failed with SQLSTATE " + state;
            });
        } catch (RuntimeException e) {
            LOG.warn("write scope: estimate failed: {}", e.toString());
            return new WriteScope.Scope.Unknown("the plan could not be read");
        } finally {
            if (connection != null) {
                discard(connection);
            }
        }
    }

    private List<WriteScope.Measured> explain(Connection connection, List<String> statements, List<String> parameters,
            String role) throws SQLException {
        boolean prepared = false;
        boolean failed = true;
        try (Statement sql = connection.createStatement()) {
            sql.setEscapeProcessing(false);
            sql.setQueryTimeout(Math.max(1, (config.timeoutMs() + 999) / 1000 + 1));
            // Round trips are the cost alice pays per write: our own statements go together, and the
            // client's text always comes last in a batch, so nothing of ours can follow it.
            String settings = "SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = " + config.timeoutMs()
                    + "; SET LOCAL lock_timeout = " + config.timeoutMs() + "; SET LOCAL plan_cache_mode = force_custom_plan"
                    + "; SET LOCAL standard_conforming_strings = on"
                    + (role.isEmpty() ? "" : "; SET LOCAL ROLE " + identifier(role)) + "; ";
            List<WriteScope.Touch> touches = new ArrayList<>();
            for (String text : statements) {
                String body = withoutTrailingSemicolons(text);
                List<String> plans;
                if (parameters.isEmpty()) {
                    plans = results(sql, settings + "EXPLAIN (FORMAT JSON, VERBOSE) " + body);
                } else {
                    results(sql, settings + "PREPARE " + PREPARED_NAME + " AS " + body);
                    prepared = true;
                    plans = results(sql, "EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE " + PREPARED_NAME + "("
                            + String.join(", ", parameters.stream().map(WriteScopeEstimator::literal).toList())
                            + "); DEALLOCATE " + PREPARED_NAME);
                    prepared = false;
                }
                settings = "";
                if (plans.size() != 1) {
                    throw new IllegalArgumentException("EXPLAIN gave " + plans.size() + " results");
                }
                touches.addAll(WriteScope.touches(json(plans.get(0))));
            }
            List<WriteScope.Measured> measured = new ArrayList<>(touches.size());
            List<WriteScope.Touch> unknownSize = new ArrayList<>();
            for (WriteScope.Touch touch : touches) {
                if (tableRows.cached(role, touch).isEmpty() && !unknownSize.contains(touch)) {
                    unknownSize.add(touch);
                }
            }
            if (!unknownSize.isEmpty()) {
                // Inheritance children and partitions included, as UPDATE and DELETE without ONLY touch them.
                List<String> sizes = results(sql, String.join("; ", unknownSize.stream()
                        .map(t -> "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + identifier(t.schema()) + "." + identifier(t.relation()))
                        .toList()));
                if (sizes.size() != unknownSize.size()) {
                    throw new IllegalArgumentException("EXPLAIN of the tables gave " + sizes.size() + " results");
                }
                for (int i = 0; i < sizes.size(); i++) {
                    tableRows.put(role, unknownSize.get(i), WriteScope.tableRows(json(sizes.get(i))));
                }
            }
            for (WriteScope.Touch touch : touches) {
                measured.add(new WriteScope.Measured(touch, tableRows.cached(role, touch).orElseThrow()));
            }
            failed = false;
            return measured;
        } finally {
            connection.rollback();
            if (prepared && failed) {
                // PREPARE is not undone by ROLLBACK: its EXPLAIN failed before the DEALLOCATE that followed it.
                try (Statement sql = connection.createStatement()) {
                    sql.execute("DEALLOCATE " + PREPARED_NAME);
                } catch (SQLException ignored) {
                    // not prepared after all
                }
                connection.rollback();
            }
        }
    }

    static String withoutTrailingSemicolons(String text) {
        String trimmed = text.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).stripTrailing();
        }
        return trimmed;
    }

    /** Runs our batch; the first column of the first row of each result set, in order. */
    private static List<String> results(Statement sql, String batch) throws SQLException {
        List<String> out = new ArrayList<>();
        boolean isResultSet = sql.execute(batch);
        while (true) {
            if (isResultSet) {
                try (ResultSet rows = sql.getResultSet()) {
                    if (!rows.next()) {
                        throw new IllegalArgumentException("EXPLAIN returned no row");
                    }
                    out.add(rows.getString(1));
                }
            } else if (sql.getUpdateCount() == -1) {
                return out;
            }
            isResultSet = sql.getMoreResults();
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("EXPLAIN output is not JSON");
        }
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A bind value as a literal of unknown type (PostgreSQL coerces it to the parameter's type), or NULL. */
    static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    private Connection take() throws SQLException {
        Connection connection = idle.poll();
        if (connection != null && !connection.isClosed()) {
            return connection;
        }
        try {
            connection = requireNonNull(connections.get(), "connection supplier returned null");
        } catch (RuntimeException e) {
            throw new SQLException("no side connection: " + e.getMessage(), "08001");
        }
        connection.setAutoCommit(false);
        return connection;
    }

    private static void discard(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    /**
     * The planner's estimate of a table's rows, per role (row-level security) and table, kept a few seconds:
     * it moves slowly (statistics, relation size), and asking for it is a round trip per write.
     */
    private static final class TableRows {
        private static final long TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        private static final int MAX_ENTRIES = 10_000;

        private record Entry(double rows, long at) {}

        private final java.util.concurrent.ConcurrentHashMap<String, Entry> entries = new java.util.concurrent.ConcurrentHashMap<>();

        Optional<Double> cached(String role, WriteScope.Touch touch) {
            Entry entry = entries.get(key(role, touch));
            return entry == null || System.nanoTime() - entry.at() > TTL_NANOS ? Optional.empty() : Optional.of(entry.rows());
        }

        void put(String role, WriteScope.Touch touch, double rows) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key(role, touch), new Entry(rows, System.nanoTime()));
        }

        private static String key(String role, WriteScope.Touch touch) {
            return role + '\0' + touch.schema() + '\0' + touch.relation();
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        Connection connection;
        while ((connection = idle.poll()) != null) {
            discard(connection);
        }
    }
}
