package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * One saved version of a rule set.
 *
 * @param kind {@code policy} or {@code masking}
 * @param version 1, 2, 3, ... per kind
 * @param document the rule set as JSON text (owned by the rules part; the store does not read it)
 * @param changedBy who saved it
 * @param changedMicros when
 */
public record RuleVersion(String kind, int version, String document, String changedBy, long changedMicros) {
    public static final String POLICY = "policy";
    public static final String MASKING = "masking";

    public RuleVersion {
        requireNonNull(kind, "kind is null");
        requireNonNull(document, "document is null");
        requireNonNull(changedBy, "changedBy is null");
    }

    static void checkKind(String kind) {
        if (!POLICY.equals(kind) && !MASKING.equals(kind)) {
            throw new IllegalArgumentException("rule set kind must be policy or masking, not '" + kind + "'");
        }
    }
}
