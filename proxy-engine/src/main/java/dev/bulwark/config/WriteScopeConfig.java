package dev.bulwark.config;

import java.util.Objects;

/**
 * How a target decides that a filtered UPDATE/DELETE/MERGE is in effect unfiltered (issue 14 class 4):
 * the planner's estimate of the rows it would touch against the planner's estimate of its table's rows.
 * Used only where a rule would decide differently for the unfiltered write (for example
 * {@code missing_where: true}); everything else is never estimated.
 *
 * @param unfilteredFraction a write estimated to touch at least this share of its target table counts as
 *        unfiltered (0 &lt; f &le; 1; default 0.3: PostgreSQL's guess for an inequality it has no statistics for,
 *        such as {@code coalesce(id, 0) >= 0}, is one third, and it must count as unfiltered)
 * @param minRows ...and at least this many rows (default 2: a write the planner expects to touch one row
 *        is never held for its scope, even in a one-row table)
 * @param timeoutMs statement_timeout of the side connection's EXPLAINs, in milliseconds (default 2000);
 *        an EXPLAIN that runs out counts as unfiltered
 * @param connections side connections (and threads) for the EXPLAINs of this target (default 2)
 */
public record WriteScopeConfig(Double unfilteredFraction, Long minRows, Integer timeoutMs, Integer connections) {

    public static final double DEFAULT_FRACTION = 0.3;
    public static final long DEFAULT_MIN_ROWS = 2;
    public static final int DEFAULT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_CONNECTIONS = 2;

    public WriteScopeConfig {
        unfilteredFraction = Objects.requireNonNullElse(unfilteredFraction, DEFAULT_FRACTION);
        minRows = Objects.requireNonNullElse(minRows, DEFAULT_MIN_ROWS);
        timeoutMs = Objects.requireNonNullElse(timeoutMs, DEFAULT_TIMEOUT_MS);
        connections = Objects.requireNonNullElse(connections, DEFAULT_CONNECTIONS);
        if (!(unfilteredFraction > 0 && unfilteredFraction <= 1)) {
            throw new IllegalArgumentException("write_scope.unfiltered_fraction must be greater than 0 and at most 1, got "
                    + unfilteredFraction);
        }
        if (minRows < 1) {
            throw new IllegalArgumentException("write_scope.min_rows must be at least 1, got " + minRows);
        }
        if (timeoutMs < 10 || timeoutMs > 60_000) {
            throw new IllegalArgumentException("write_scope.timeout_ms must be between 10 and 60000, got " + timeoutMs);
        }
        if (connections < 1 || connections > 32) {
            throw new IllegalArgumentException("write_scope.connections must be between 1 and 32, got " + connections);
        }
    }

    public static WriteScopeConfig defaults() {
        return new WriteScopeConfig(null, null, null, null);
    }
}
