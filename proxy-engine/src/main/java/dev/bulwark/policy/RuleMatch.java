package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * When a rule applies. Every condition given must hold; within a list, any entry may. An empty list (or
 * a null) is no condition. Names and patterns may use {@code *} and {@code ?} wildcards.
 *
 * <p>Conditions on the session: {@code targets}, {@code subjects}, {@code groups} (any of the identity's
 * groups), {@code claims} (each key's attribute must match its value).
 *
 * <p>Conditions on what the statement does — {@code kinds}, {@code verbs}, {@code tables},
 * {@code missing_where} — are checked per operation (a SELECT that hides a DELETE has two), and how
 * depends on the action, so that the obvious reading is the safe one:
 * <ul>
 *   <li>an ALLOW rule matches only when <em>every</em> operation satisfies them (every table certainly
 *       matching a pattern): {@code kinds: [READ]} allows statements that only read;</li>
 *   <li>DENY, HOLD and LOG rules match when <em>any</em> operation does (any table possibly matching):
 *       {@code kinds: [DDL]} denies statements that do any DDL.</li>
 * </ul>
 * A rule with none of these conditions matches any statement, unknown ones included.
 *
 * <p>{@code text_pattern}, the last resort, is a Java regular expression searched for in the statement's
 * normalised text (comments stripped, whitespace collapsed, lower case outside quotes and literals).
 *
 * @param targets target names
 * @param subjects identity subjects
 * @param groups identity groups
 * @param claims identity attributes that must match (key to value pattern)
 * @param kinds statement kinds
 * @param verbs verbs
 * @param tables table patterns ({@code public.*}, {@code *.customers}, {@code cust*})
 * @param missingWhere true: a DELETE/UPDATE without an effective WHERE; false: one with it; null: either
 * @param textPattern regular expression over the normalised text, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RuleMatch(
        List<String> targets,
        List<String> subjects,
        List<String> groups,
        Map<String, String> claims,
        List<StatementKind> kinds,
        List<Verb> verbs,
        List<String> tables,
        Boolean missingWhere,
        String textPattern) {

    /** Matches everything. */
    public static final RuleMatch ANYTHING = new RuleMatch(null, null, null, null, null, null, null, null, null);

    public RuleMatch {
        targets = names(targets, "targets");
        subjects = names(subjects, "subjects");
        groups = names(groups, "groups");
        claims = claims == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(claims));
        for (Map.Entry<String, String> claim : claims.entrySet()) {
            if (claim.getKey().isBlank() || claim.getValue() == null) {
                throw new IllegalArgumentException("claims needs a non-empty key and a value for every entry");
            }
        }
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        verbs = verbs == null ? List.of() : List.copyOf(verbs);
        tables = names(tables, "tables");
        for (String table : tables) {
            TablePattern.parse(table);
        }
        if (textPattern != null) {
            if (textPattern.isEmpty()) {
                throw new IllegalArgumentException("text_pattern is empty; leave it out instead");
            }
            try {
                Pattern.compile(textPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("text_pattern is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }
    }

    @JsonCreator
    static RuleMatch fromJson(
            @JsonProperty("targets") List<String> targets,
            @JsonProperty("subjects") List<String> subjects,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("claims") Map<String, String> claims,
            @JsonProperty("kinds") List<StatementKind> kinds,
            @JsonProperty("verbs") List<Verb> verbs,
            @JsonProperty("tables") List<String> tables,
            @JsonProperty("missing_where") Boolean missingWhere,
            @JsonProperty("text_pattern") String textPattern) {
        return new RuleMatch(targets, subjects, groups, claims, kinds, verbs, tables, missingWhere, textPattern);
    }

    /** Whether any condition on what the statement does is given. */
    @JsonIgnore
    boolean hasOperationConditions() {
        return !kinds.isEmpty() || !verbs.isEmpty() || !tables.isEmpty() || missingWhere != null;
    }

    /** Whether the rule has no condition at all. */
    @JsonIgnore
    boolean isUnconditional() {
        return targets.isEmpty() && subjects.isEmpty() && groups.isEmpty() && claims.isEmpty()
                && !hasOperationConditions() && textPattern == null;
    }

    private static List<String> names(List<String> values, String key) {
        if (values == null) {
            return List.of();
        }
        for (String value : values) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(key + " holds an empty entry");
            }
        }
        return List.copyOf(values);
    }
}
