package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * What a RowDescription says about one result column.
 *
 * <pre>
 * RowDescription (B): Byte1('T') Int32 len Int16 count, then per field:
 *   String name, Int32 tableOid, Int16 attributeNumber, Int32 typeOid,
 *   Int16 typeSize, Int32 typeModifier, Int16 format
 * </pre>
 *
 * <p>For the extended protocol the {@code format} must be the one the client asked for in Bind
 * (a RowDescription answering Describe of a statement always says 0).
 *
 * @param name the column label (an alias, the column name, or a function name for expressions)
 * @param tableOid the OID of the table (or view) the column comes from, 0 for a computed column
 * @param attributeNumber the column's attribute number in that table; 0 for a whole-row
 *     reference or a computed column, negative for system columns
 * @param typeOid the data type's OID
 * @param typeSize the pg_type.typlen (negative for variable width)
 * @param typeModifier the type modifier (atttypmod), -1 when none
 * @param format 0 for text, 1 for binary
 */
public record ResultColumn(
        String name,
        int tableOid,
        int attributeNumber,
        int typeOid,
        int typeSize,
        int typeModifier,
        int format) {

    public static final int TEXT = 0;
    public static final int BINARY = 1;

    public ResultColumn {
        requireNonNull(name, "name is null");
        if (format != TEXT && format != BINARY) {
            throw new IllegalArgumentException("format must be 0 (text) or 1 (binary): " + format);
        }
    }

    /** A column computed by an expression (RowDescription table OID 0). */
    public boolean computed() {
        return tableOid == 0;
    }
}
