package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * A table (or view) as the catalog names it.
 *
 * @param schema the schema (namespace) name as stored, or an empty string when not known
 *     (an unqualified name taken from SQL)
 * @param table the relation name as stored
 */
public record TableName(String schema, String table) {

    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("table is empty");
        }
    }

    public boolean qualified() {
        return !schema.isEmpty();
    }

    @Override
    public String toString() {
        return qualified() ? schema + "." + table : table;
    }
}
