package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An ordered, versioned list of rules. Immutable; a change makes a new version.
 *
 * @param version increases with every change (the store assigns it); 0 for a set never stored
 * @param rules in evaluation order; ids unique
 * @param changedBy who made this version (subject), or empty
 * @param changedAt when this version was made
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RuleSet(
        long version,
        List<Rule> rules,
        String changedBy,
        @JsonSerialize(using = PolicyJson.InstantSerializer.class) Instant changedAt) {

    public static final RuleSet EMPTY = new RuleSet(0, List.of(), "", Instant.EPOCH);

    public RuleSet {
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative (got " + version + ")");
        }
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
        changedBy = changedBy == null ? "" : changedBy;
        requireNonNull(changedAt, "changed_at is null");
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            positions.computeIfAbsent(rules.get(i).id(), id -> new ArrayList<>()).add(i);
        }
        List<String> duplicates = new ArrayList<>();
        positions.forEach((id, at) -> {
            if (at.size() > 1) {
                duplicates.add("\"" + id + "\" (rules " + at + ")");
            }
        });
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("rule ids must be unique; repeated: " + String.join(", ", duplicates));
        }
    }

    @JsonCreator
    static RuleSet fromJson(
            @JsonProperty("version") Long version,
            @JsonProperty("rules") List<Rule> rules,
            @JsonProperty("changed_by") String changedBy,
            @JsonProperty("changed_at") @JsonDeserialize(using = PolicyJson.InstantDeserializer.class) Instant changedAt) {
        return new RuleSet(version == null ? 0 : version, rules == null ? List.of() : rules, changedBy,
                changedAt == null ? Instant.EPOCH : changedAt);
    }

    public static RuleSet of(List<Rule> rules) {
        return new RuleSet(0, rules, "", Instant.EPOCH);
    }

    /** The same rules as a new version. */
    public RuleSet withVersion(long newVersion, String newChangedBy, Instant newChangedAt) {
        return new RuleSet(newVersion, rules, newChangedBy, newChangedAt);
    }
}
