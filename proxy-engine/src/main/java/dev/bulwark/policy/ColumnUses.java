package dev.bulwark.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How a statement uses columns: the uses the reader traced, and why it could not trace some (then a
 * check that depends on these facts must fail closed).
 *
 * @param uses the column uses found, no repeats
 * @param untraced why some uses could not be traced (empty when every use is listed)
 */
public record ColumnUses(List<ColumnUse> uses, List<String> untraced) {

    /** A statement that reads no column (BEGIN, SET, SHOW ...). */
    public static final ColumnUses NONE = new ColumnUses(List.of(), List.of());

    public ColumnUses {
        uses = List.copyOf(new LinkedHashSet<>(requireNonNull(uses, "uses is null")));
        untraced = List.copyOf(new LinkedHashSet<>(requireNonNull(untraced, "untraced is null")));
    }

    static ColumnUses untraced(String reason) {
        return new ColumnUses(List.of(), List.of(reason));
    }

    public boolean traced() {
        return untraced.isEmpty();
    }

    /** Both sets of facts together. */
    public ColumnUses plus(ColumnUses other) {
        requireNonNull(other, "other is null");
        if (other == NONE || other.equals(this)) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        List<ColumnUse> all = new ArrayList<>(uses);
        all.addAll(other.uses);
        Set<String> reasons = new LinkedHashSet<>(untraced);
        reasons.addAll(other.untraced);
        return new ColumnUses(all, List.copyOf(reasons));
    }
}
