package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/** What the engine does with a COPY ... TO STDOUT for this session. */
public sealed interface CopyDecision {

    /** Nothing in this COPY is masked for this identity: forward CopyData as is. */
    record PassThrough() implements CopyDecision {
    }

    /** Run every CopyData message of this COPY through the masker (a fresh one per COPY). */
    record Mask(CopyMasker masker) implements CopyDecision {
        public Mask {
            requireNonNull(masker, "masker is null");
        }
    }

    /**
     * Masking cannot be exact (a COPY of a query reading a table with masked columns, binary format
     * over masked columns, an unknown table): the engine refuses the statement with SQLSTATE 42501
     * and this reason (it names tables and columns, never values).
     */
    record CannotMaskExactly(String reason) implements CopyDecision {
        public CannotMaskExactly {
            requireNonNull(reason, "reason is null");
        }
    }
}
