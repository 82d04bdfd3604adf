package dev.bulwark.masking;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/** What {@code access: masked_only} says about one statement ({@link SessionMasking#checkAccess}). */
public sealed interface MaskedAccess {

    /** Nothing the statement does computes on a column masked for this identity with masked_only. */
    record Allowed() implements MaskedAccess {
        public static final Allowed INSTANCE = new Allowed();
    }

    /**
     * Refused before it runs.
     *
     * @param message client-safe: names the column and the rule, never a value
     * @param ruleId the masking rule that refused it ({@code masking} when the statement could not be read)
     */
    record Refused(String message, String ruleId) implements MaskedAccess {
        public Refused {
            requireNonNull(message, "message is null");
            requireNonNull(ruleId, "ruleId is null");
        }
    }

    /**
     * The catalog must say what these relations are (a view over a masked column? a partition of a masked
     * table?) before the statement can be judged: resolve them, then check again.
     */
    record NeedsCatalog(Set<TableName> relations) implements MaskedAccess {
        public NeedsCatalog {
            relations = Set.copyOf(relations);
        }
    }
}
