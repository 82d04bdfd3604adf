package dev.bulwark.policy;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A rule's table pattern: {@code customers}, {@code cust*}, {@code public.*}, {@code *.customers},
 * {@code "Sales"."Q1"}. Unquoted parts fold to lower case as PostgreSQL folds names; quoted parts are
 * kept; parts without wildcards are truncated to 63 bytes like names. A pattern without a schema matches
 * the name in any schema.
 *
 * <p>Two ways to match, because a statement's table may be unqualified (its schema depends on the
 * session's search_path) or a wildcard (DROP SCHEMA s is {@code s.*}):
 * {@link #overlaps} (could this table be one the pattern names? used by DENY, HOLD and LOG rules, so an
 * unqualified {@code customers} is caught by {@code public.customers}) and {@link #covers} (is this table
 * certainly one the pattern names? used by ALLOW rules, so an unqualified {@code customers} is not let
 * through by {@code public.*}).
 *
 * @param schema the schema part, or null when the pattern has none
 * @param name the name part
 */
record TablePattern(String schema, String name) {

    TablePattern {
        requireNonNull(name, "name is null");
    }

    static TablePattern parse(String text) {
        requireNonNull(text, "table pattern is null");
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                    wasQuoted = true;
                }
            } else if (c == '.' && !quoted) {
                parts.add(finish(part, wasQuoted, text));
                part.setLength(0);
                wasQuoted = false;
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("table pattern \"" + text + "\" has an unterminated quote");
        }
        parts.add(finish(part, wasQuoted, text));
        if (parts.size() > 2) {
            throw new IllegalArgumentException("table pattern \"" + text + "\" has more than schema.table");
        }
        return parts.size() == 1 ? new TablePattern(null, parts.get(0)) : new TablePattern(parts.get(0), parts.get(1));
    }

    private static String finish(StringBuilder part, boolean quoted, String text) {
        String value = quoted ? part.toString() : SqlLexer.asciiLowerCase(part.toString().trim());
        if (value.isEmpty()) {
            throw new IllegalArgumentException("table pattern \"" + text + "\" has an empty part");
        }
        // A name is truncated to 63 bytes as PostgreSQL (and the classifier) truncate it; a glob is left
        // whole, since cutting it could drop a star.
        return value.indexOf('*') < 0 && value.indexOf('?') < 0 ? SqlLexer.truncateIdentifier(value) : value;
    }

    /** Could the table be one this pattern names? */
    boolean overlaps(TableName table) {
        boolean schemaMatches = schema == null || !table.isQualified() || table.schema().equals(TableName.WILDCARD)
                || Glob.matches(schema, table.schema());
        boolean nameMatches = table.name().equals(TableName.WILDCARD) || Glob.matches(name, table.name());
        return schemaMatches && nameMatches;
    }

    /** Is the table certainly one this pattern names? */
    boolean covers(TableName table) {
        boolean schemaMatches;
        if (schema == null || Glob.matchesEverything(schema)) {
            schemaMatches = true;
        } else if (!table.isQualified() || table.schema().equals(TableName.WILDCARD)) {
            schemaMatches = false;
        } else {
            schemaMatches = Glob.matches(schema, table.schema());
        }
        boolean nameMatches = table.name().equals(TableName.WILDCARD) ? Glob.matchesEverything(name)
                : Glob.matches(name, table.name());
        return schemaMatches && nameMatches;
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }
}
