package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * A column of a table, by name.
 *
 * @param table the table
 * @param column the column name as stored
 */
public record ColumnName(TableName table, String column) {

    public ColumnName {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
    }

    public static ColumnName of(String schema, String table, String column) {
        return new ColumnName(new TableName(schema, table), column);
    }

    @Override
    public String toString() {
        return table + "." + column;
    }
}
