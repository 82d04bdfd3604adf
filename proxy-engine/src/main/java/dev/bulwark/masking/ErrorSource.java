package dev.bulwark.masking;

/**
 * The table an ErrorResponse or NoticeResponse is about, from its fields 's' (schema) and 't'
 * (table); empty strings when the message has none.
 */
public record ErrorSource(String schema, String table) {

    public static final ErrorSource NONE = new ErrorSource("", "");

    public ErrorSource {
        schema = schema == null ? "" : schema;
        table = table == null ? "" : table;
    }

    public boolean known() {
        return !table.isEmpty();
    }

    TableName tableName() {
        return new TableName(schema, table);
    }
}
