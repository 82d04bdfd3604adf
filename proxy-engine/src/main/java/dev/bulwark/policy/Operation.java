package dev.bulwark.policy;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One thing a statement does: a verb, the tables it touches, and for DELETE and UPDATE whether the
 * WHERE clause is missing (or is one that cannot narrow the rows, like {@code WHERE true}).
 *
 * @param verb what is done
 * @param tables the relations (or, for DDL, the objects) it is done to, in statement order, no repeats
 * @param missingWhere true for a DELETE/UPDATE (or MERGE action) that would touch every row
 * @param detail free text: the function called, the prepared statement executed, or why the operation is
 *        unknown; empty when there is nothing to add
 */
public record Operation(Verb verb, List<TableName> tables, boolean missingWhere, String detail) {

    public Operation {
        requireNonNull(verb, "verb is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        requireNonNull(detail, "detail is null");
    }

    static Operation of(Verb verb, List<TableName> tables) {
        return new Operation(verb, tables, false, "");
    }

    static Operation of(Verb verb) {
        return new Operation(verb, List.of(), false, "");
    }

    static Operation unknown(String reason) {
        return new Operation(Verb.UNKNOWN, List.of(), false, reason);
    }

    public StatementKind kind() {
        return verb.kind();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(verb.name());
        if (!tables.isEmpty()) {
            text.append(' ').append(tables);
        }
        if (missingWhere) {
            text.append(" (no WHERE)");
        }
        if (!detail.isEmpty()) {
            text.append(" <").append(detail).append('>');
        }
        return text.toString();
    }
}
