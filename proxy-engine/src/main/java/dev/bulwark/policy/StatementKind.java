package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a statement does, coarsely. Every {@link Verb} belongs to exactly one kind; a statement's kind
 * is the most severe kind among its operations, so a SELECT hiding a DELETE in a CTE is WRITE.
 */
public enum StatementKind {
    /** Reads rows or catalog data; changes nothing. */
    READ(0),
    /** Begins, ends or marks a transaction. */
    TRANSACTION(1),
    /** Changes only this session's state (settings, prepared statements, cursors, LISTEN). */
    SESSION(2),
    /** Changes rows (or sequences, large objects, materialized view contents). */
    WRITE(3),
    /** Maintenance and server-side effects: VACUUM, LOCK, signals, server files, advisory locks. */
    UTILITY(4),
    /** Changes the schema. */
    DDL(5),
    /** Changes who may do what: GRANT, REVOKE, roles, SET ROLE. */
    DCL(6),
    /** Bulwark could not tell what it does; policy applies the unknown default to it. */
    UNKNOWN(7);

    private final int severity;

    StatementKind(int severity) {
        this.severity = severity;
    }

    /** Higher is more severe; used to summarise a statement by its most severe operation. */
    public int severity() {
        return severity;
    }

    public static StatementKind mostSevere(StatementKind first, StatementKind second) {
        return first.severity >= second.severity ? first : second;
    }

    /** Case-insensitive, so rule files may say {@code ddl} or {@code DDL}. */
    @JsonCreator
    public static StatementKind fromJson(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown kind \"" + text + "\"; expected one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }
}
