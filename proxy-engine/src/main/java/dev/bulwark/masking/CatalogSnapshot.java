package dev.bulwark.masking;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The catalog facts one RowDescription needs: its table OIDs resolved to tables whose columns are
 * traced to their sources. An OID missing here is treated as unknown (masking fails closed).
 */
public final class CatalogSnapshot {

    /** No facts at all: every table column is of unknown origin. */
    public static final CatalogSnapshot EMPTY = new CatalogSnapshot(Map.of());

    private final Map<Integer, CatalogTable> tables;

    public CatalogSnapshot(Map<Integer, CatalogTable> tables) {
        this.tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    }

    public Optional<CatalogTable> table(int oid) {
        return Optional.ofNullable(tables.get(oid));
    }

    public Map<Integer, CatalogTable> tables() {
        return tables;
    }

    @Override
    public String toString() {
        return "CatalogSnapshot" + tables.keySet();
    }
}
