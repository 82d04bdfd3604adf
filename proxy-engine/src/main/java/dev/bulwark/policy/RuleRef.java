package dev.bulwark.policy;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Which rule a verdict came from, for messages, recording and the console. */
public record RuleRef(String id, String name) {
    public RuleRef {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
    }

    /**
     * The ids of several rules as one text ("a, b"), null for none: ids hold neither ',' nor ' ', so the
     * text splits back unambiguously. Several only for a query whose statements different rules allowed.
     */
    public static String ids(List<RuleRef> rules) {
        return rules.isEmpty() ? null : String.join(", ", rules.stream().map(RuleRef::id).toList());
    }

    /** Their names, joined by "; ", null for none. */
    public static String names(List<RuleRef> rules) {
        return rules.isEmpty() ? null : String.join("; ", rules.stream().map(RuleRef::name).toList());
    }
}
