package dev.bulwark.masking;

import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where the values of a catalog column come from. A table column is its own source; a view column
 * is traced through the view's stored query (and views of views) to a base table column when it
 * is a plain reference, or marked as derived from the base columns the view reads when it is an
 * expression.
 */
public sealed interface ColumnSource {

    /**
     * The column holds the values of exactly this base table column. For a partition or an
     * inheritance child, {@code ancestors} names the same column in its parent tables, so a rule on
     * the parent also masks a query on the child.
     */
    record Base(ColumnName column, List<ColumnName> ancestors) implements ColumnSource {
        public Base {
            requireNonNull(column, "column is null");
            ancestors = List.copyOf(requireNonNull(ancestors, "ancestors is null"));
        }

        public Base(ColumnName column) {
            this(column, List.of());
        }
    }

    /**
     * The column is an expression (or a whole-row value) in a view; it may be computed from any of
     * these base columns. Masking fails closed: if one of them is masked, so is this column.
     */
    record Derived(Set<ColumnName> readsFrom) implements ColumnSource {
        public Derived {
            readsFrom = Set.copyOf(requireNonNull(readsFrom, "readsFrom is null"));
        }
    }

    /** The catalog could not tell (too deep a chain of views, a relation that vanished). */
    record Unknown(String reason) implements ColumnSource {
        public Unknown {
            requireNonNull(reason, "reason is null");
        }
    }
}
