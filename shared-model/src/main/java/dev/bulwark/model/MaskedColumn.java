package dev.bulwark.model;

/**
 * A result column masking would change.
 *
 * @param table the source table, absent when the column is computed
 * @param column the column name
 * @param rule the masking rule's id
 * @param method how it masks (for example redact, hash, partial); the masking part owns the vocabulary
 */
public record MaskedColumn(String table, String column, String rule, String method) {
    public MaskedColumn {
        table = Checks.optionalText(table);
        Checks.text(column, "column");
        Checks.text(rule, "rule");
        Checks.text(method, "method");
    }
}
