package dev.bulwark.auth;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Reads the subject, groups and rule attributes from verified claims, following the issuer's mapping.
 *
 * <p>A claim path is first looked up as one name (claim names such as
 * {@code https://example.com/groups} contain dots), then as a dotted path through nested objects
 * ({@code realm_access.roles}). A groups claim may be a list or a single string; a single string is
 * one group and is never split, so {@code "Domain Admins"} cannot turn into a group {@code Admins}.
 */
final class ClaimMapper {
    private ClaimMapper() {}

    static Object lookup(Map<String, Object> claims, String path) {
        if (claims.containsKey(path)) {
            return claims.get(path);
        }
        Object current = claims;
        for (String part : path.split("\\.", -1)) {
            if (!(current instanceof Map<?, ?> object)) {
                return null;
            }
            current = object.get(part);
        }
        return current;
    }

    static String subject(Map<String, Object> claims, String path) {
        return lookup(claims, path) instanceof String subject && !subject.isEmpty() ? subject : null;
    }

    static Set<String> groups(Map<String, Object> claims, String path) {
        Set<String> groups = new LinkedHashSet<>();
        switch (lookup(claims, path)) {
            case null -> { }
            case String single -> groups.add(single);
            case Collection<?> many -> many.stream()
                    .map(ClaimMapper::scalar)
                    .filter(group -> group != null && !group.isEmpty())
                    .forEach(groups::add);
            default -> { }
        }
        return groups;
    }

    /** The attributes for rules: scalars as text, lists of scalars joined with commas; objects are skipped. */
    static Map<String, String> attributes(Map<String, Object> claims, Map<String, String> mapping) {
        Map<String, String> attributes = new LinkedHashMap<>();
        mapping.forEach((path, attribute) -> {
            String value = switch (lookup(claims, path)) {
                case null -> null;
                case Collection<?> many -> {
                    StringJoiner joined = new StringJoiner(",");
                    many.stream().map(ClaimMapper::scalar).filter(item -> item != null).forEach(joined::add);
                    yield joined.toString();
                }
                case Object single -> scalar(single);
            };
            if (value != null) {
                attributes.put(attribute, value);
            }
        });
        return attributes;
    }

    /** The top-level string claims of these names that are present and not empty, by claim name. */
    static Map<String, String> names(Map<String, Object> claims, Set<String> names) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : names) {
            if (claims.get(name) instanceof String value && !value.isEmpty()) {
                found.put(name, value);
            }
        }
        return found;
    }

    private static String scalar(Object value) {
        return switch (value) {
            case String text -> text;
            case Number number -> number.toString();
            case Boolean flag -> flag.toString();
            case null, default -> null;
        };
    }
}
