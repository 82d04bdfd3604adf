package dev.bulwark.policy;

import static java.util.Objects.requireNonNull;

/**
 * One use of a relation's column by a statement, traced through aliases, derived tables (subqueries,
 * CTEs, LATERAL) to the relation the statement names. Views are not looked into here: a use of a view's
 * column names the view (the masking check follows its lineage in the catalog).
 *
 * <p>Where the reader cannot tell which relation an unqualified column belongs to (several relations in
 * scope, no catalog at hand), it lists the use once for every relation that may have it: conservative by
 * name.
 *
 * @param table the relation as the statement names it (schema empty when unqualified)
 * @param column the column name as PostgreSQL folds it, or {@link #WHOLE_ROW} for every column at once
 *     ({@code SELECT *}, {@code t.*}, a whole-row reference such as {@code to_json(t)})
 * @param use how the value is used
 * @param context where in the statement (for messages), e.g. {@code WHERE}, {@code ORDER BY}
 */
public record ColumnUse(TableName table, String column, Use use, String context) {

    /** Every column of the relation (a star or a whole-row reference). */
    public static final String WHOLE_ROW = "*";

    public ColumnUse {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(use, "use is null");
        requireNonNull(context, "context is null");
    }

    public boolean wholeRow() {
        return column.equals(WHOLE_ROW);
    }

    /** How a statement uses a column's value. */
    public enum Use {
        /**
         * Selected as it is into the statement's own result (the outermost select list, also through
         * derived tables whose own uses are plain): the result's RowDescription names the column, so
         * masking masks it.
         */
        PROJECTED,
        /** Only counted ({@code count(col)}) or tested for NULL ({@code col IS [NOT] NULL}). */
        COUNTED_OR_NULL_TEST,
        /**
         * Anything else: inside an expression, a function argument, a cast, a predicate, a join
         * condition, GROUP BY, ORDER BY, DISTINCT, an aggregate, a window, a set operation, a subquery's
         * value, RETURNING, or copied by INSERT/UPDATE/CREATE ... AS. The value is computed on before
         * masking sees it.
         */
        OTHER
    }
}
