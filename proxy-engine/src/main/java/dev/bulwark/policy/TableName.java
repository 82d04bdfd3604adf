package dev.bulwark.policy;

import static java.util.Objects.requireNonNull;

/**
 * A relation (or other named object) a statement touches, normalised as PostgreSQL would: unquoted
 * names lower-cased, quoted names kept as written, both truncated to 63 bytes.
 *
 * <p>{@code schema} is empty when the statement did not qualify the name (the server resolves it by
 * {@code search_path}, which Bulwark does not know). A {@code name} of {@code *} stands for every
 * relation of the schema (DROP SCHEMA, GRANT ON ALL TABLES IN SCHEMA) and {@code *.*} for any relation
 * at all (VACUUM without a table, TRUNCATE ... CASCADE).
 */
public record TableName(String schema, String name) {

    static final String WILDCARD = "*";
    /** Any relation: what a statement may touch when it names none (VACUUM) or more than it names (CASCADE). */
    static final TableName ANY = new TableName(WILDCARD, WILDCARD);

    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
    }

    static TableName unqualified(String name) {
        return new TableName("", name);
    }

    public boolean isQualified() {
        return !schema.isEmpty();
    }

    @Override
    public String toString() {
        return schema.isEmpty() ? name : schema + "." + name;
    }
}
