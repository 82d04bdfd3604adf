package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * A statement's use of a column other than selecting it as it is, counting it or testing it for NULL: in
 * an expression, a function argument, a cast, a predicate, a join, GROUP BY, ORDER BY, an aggregate, a
 * set operation, a copy into another relation. Found by the engine's SQL reader, traced through aliases
 * and derived tables to the relation the statement names (views are followed here, in the catalog).
 *
 * @param table the relation as the statement names it (schema empty when unqualified: matched by name)
 * @param column the column name, or {@link #WHOLE_ROW} for every column (a whole-row reference, {@code t.*})
 * @param context where in the statement, for the refusal message (e.g. {@code WHERE})
 */
public record ComputedUse(TableName table, String column, String context) {

    public static final String WHOLE_ROW = "*";
    /** The context of a read of a statistics view (pg_stats ...), whose samples are values of any column. */
    public static final String STATISTICS = "statistics of column values";

    public ComputedUse {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(context, "context is null");
    }

    boolean wholeRow() {
        return column.equals(WHOLE_ROW);
    }

    String describe() {
        return wholeRow() ? "the whole row of " + table : "column " + table + "." + column;
    }
}
