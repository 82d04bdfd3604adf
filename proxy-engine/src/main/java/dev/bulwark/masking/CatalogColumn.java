package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * One live (not dropped) column of a table or view.
 *
 * @param attributeNumber pg_attribute.attnum (1-based)
 * @param name the column name
 * @param typeOid the declared type (a domain's own OID for a domain column)
 * @param baseTypeOid the type under any domains (equal to typeOid when not a domain)
 * @param typeModifier atttypmod
 * @param generated true for a generated column (COPY TO without a column list skips those)
 * @param source where the values come from
 */
public record CatalogColumn(
        int attributeNumber,
        String name,
        int typeOid,
        int baseTypeOid,
        int typeModifier,
        boolean generated,
        ColumnSource source) {

    public CatalogColumn {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        if (attributeNumber <= 0) {
            throw new IllegalArgumentException("attributeNumber must be positive: " + attributeNumber);
        }
    }
}
