package dev.bulwark.masking;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A relation as the catalog describes it, with each column traced to its source.
 *
 * @param oid pg_class.oid
 * @param name schema and relation name
 * @param kind pg_class.relkind ('r' table, 'p' partitioned table, 'v' view, 'm' materialized view,
 *     'f' foreign table, ...)
 * @param columns the live columns in attnum order (dropped columns left out, as in a whole-row value)
 */
public record CatalogTable(int oid, TableName name, char kind, List<CatalogColumn> columns) {

    public CatalogTable {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    public Optional<CatalogColumn> column(int attributeNumber) {
        for (CatalogColumn column : columns) {
            if (column.attributeNumber() == attributeNumber) {
                return Optional.of(column);
            }
        }
        return Optional.empty();
    }

    public Optional<CatalogColumn> column(String columnName) {
        for (CatalogColumn column : columns) {
            if (column.name().equals(columnName)) {
                return Optional.of(column);
            }
        }
        return Optional.empty();
    }

    public boolean isView() {
        return kind == 'v' || kind == 'm';
    }
}
