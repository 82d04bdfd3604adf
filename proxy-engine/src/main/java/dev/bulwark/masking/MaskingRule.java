package dev.bulwark.masking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One masking rule as configured (YAML keys in snake_case). Checked when the policy is compiled
 * ({@link MaskingPolicy#compile}), with messages that name the rule and the key.
 *
 * <p>A rule selects values in one of three ways:
 * <ul>
 *   <li>{@code table} (+ {@code schema}, {@code column}): columns of a table, found exactly by the
 *       table OID and attribute number RowDescription carries, through aliases, joins, CTEs,
 *       subqueries, {@code SELECT *} and views;</li>
 *   <li>{@code column_name}: a regular expression on the name of computed columns (table OID 0);</li>
 *   <li>neither: only with detectors, which then run on computed columns ({@code scope: computed})
 *       or on every column not masked otherwise ({@code scope: all}), and on message texts.</li>
 * </ul>
 * With {@code detectors} or {@code patterns} the strategy masks only what they find inside the
 * value; without, it masks the whole value.
 *
 * @param id unique id (used in recordings and the console)
 * @param name a human description (defaults to the id)
 * @param enabled false turns the rule off (default true)
 * @param targets target names the rule applies on (empty: all targets)
 * @param appliesTo the identities the rule applies to (empty: everyone)
 * @param exempt identities the rule never applies to (wins over applies_to)
 * @param schema schema glob ('*' and '?'; default '*'); case-insensitive
 * @param table table glob; case-insensitive
 * @param column column glob; required with table
 * @param columnName regular expression (full match, case-insensitive) on computed column names
 * @param detectors built-in detectors to run
 * @param patterns custom regular expressions to detect
 * @param scope where detectors of a rule without table/column_name run (default computed)
 * @param strategy how to mask (default redact)
 * @param params strategy parameters
 * @param record what recordings keep of the values when the reader was not masked by this rule
 *     (null: {@link RecordMode#MASKED}; see {@link #recordMode()})
 * @param access how the identities the rule masks for may use the column in statements (default any;
 *     masked_only needs table + column)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MaskingRule(
        String id,
        String name,
        Boolean enabled,
        List<String> targets,
        IdentitySelector appliesTo,
        IdentitySelector exempt,
        String schema,
        String table,
        String column,
        String columnName,
        List<DetectorKind> detectors,
        List<String> patterns,
        DetectorScope scope,
        StrategyKind strategy,
        Map<String, Object> params,
        RecordMode record,
        ColumnAccess access) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public MaskingRule {
        name = name == null ? id : name;
        enabled = enabled == null ? Boolean.TRUE : enabled;
        targets = copy(targets, "targets");
        appliesTo = appliesTo == null ? IdentitySelector.NOBODY : appliesTo;
        exempt = exempt == null ? IdentitySelector.NOBODY : exempt;
        schema = schema == null ? "*" : schema;
        detectors = copy(detectors, "detectors");
        patterns = copy(patterns, "patterns");
        scope = scope == null ? DetectorScope.COMPUTED : scope;
        strategy = strategy == null ? StrategyKind.REDACT : strategy;
        // Map.copyOf rejects null values; YAML may produce them, validation reports them.
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        access = access == null ? ColumnAccess.ANY : access;
    }

    /** A rule with the defaults for what is recorded (masked) and for access (any). */
    public MaskingRule(String id, String name, Boolean enabled, List<String> targets, IdentitySelector appliesTo,
            IdentitySelector exempt, String schema, String table, String column, String columnName,
            List<DetectorKind> detectors, List<String> patterns, DetectorScope scope, StrategyKind strategy,
            Map<String, Object> params) {
        this(id, name, enabled, targets, appliesTo, exempt, schema, table, column, columnName, detectors, patterns,
                scope, strategy, params, null, null);
    }

    /** A null-free copy; YAML "- " with nothing after it gives a null entry. */
    static <T> List<T> copy(List<T> list, String key) {
        if (list == null) {
            return List.of();
        }
        if (list.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(key + " has an empty entry");
        }
        return List.copyOf(list);
    }

    /** What recordings keep when the reader was not masked by this rule ({@code record}, default masked). */
    public RecordMode recordMode() {
        return record == null ? RecordMode.MASKED : record;
    }

    public boolean usesDetectors() {
        return !detectors.isEmpty() || !patterns.isEmpty();
    }
}
