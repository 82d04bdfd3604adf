package dev.bulwark.masking;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** What happens to the values of one column (or one field of a whole-row value). */
sealed interface ColumnPlan {

    Pass PASS = new Pass();

    /** Nothing to do. */
    record Pass() implements ColumnPlan {
    }

    /** The whole value is replaced by the strategy. */
    record Whole(ValueType type, MaskingStrategy strategy, String ruleId, String reason) implements ColumnPlan {
        public Whole {
            requireNonNull(type, "type is null");
            requireNonNull(strategy, "strategy is null");
            requireNonNull(ruleId, "ruleId is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** Detectors look inside the value and mask what they find. */
    record Detect(ValueType type, DetectorSet detectors) implements ColumnPlan {
        public Detect {
            requireNonNull(type, "type is null");
            requireNonNull(detectors, "detectors is null");
        }
    }

    /** A whole-row value of a table ({@code SELECT c FROM customers c}): one plan per field. */
    record Row(ValueType type, List<ColumnPlan> fields) implements ColumnPlan {
        public Row {
            requireNonNull(type, "type is null");
            fields = List.copyOf(fields);
        }
    }
}
