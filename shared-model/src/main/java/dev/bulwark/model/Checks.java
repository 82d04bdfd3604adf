package dev.bulwark.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Validation shared by the protocol's records. Messages name the JSON field, never its value. */
final class Checks {
    private Checks() {}

    static String text(String value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
        return value;
    }

    /** A blank optional text becomes absent, so "" and a missing field mean the same. */
    static String optionalText(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static long requestId(long id) {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be a positive number");
        }
        return id;
    }

    static long notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " is negative");
        }
        return value;
    }

    /** An absent list decodes as empty; elements must not be null. */
    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static <K, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : Map.copyOf(value);
    }

    /** Result rows hold SQL NULLs as null, which List.copyOf refuses. */
    static List<List<String>> rows(List<List<String>> rows) {
        if (rows == null) {
            return List.of();
        }
        List<List<String>> copy = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(requireNonNull(row, "rows holds a null row"))));
        }
        return Collections.unmodifiableList(copy);
    }

    /** Bind parameters may be SQL NULL too. */
    static List<String> nullableElements(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }
}
