package dev.bulwark.masking;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Which result column a masker changes and why, for recording and the console (never values).
 *
 * @param index the column's position in the row (0-based)
 * @param name the column label
 * @param ruleIds the rules that mask it
 * @param how "column rule", "name pattern", "detectors", "whole row", or a fail-closed reason
 */
public record MaskedColumn(int index, String name, List<String> ruleIds, String how) {

    public MaskedColumn {
        requireNonNull(name, "name is null");
        ruleIds = List.copyOf(requireNonNull(ruleIds, "ruleIds is null"));
        requireNonNull(how, "how is null");
    }
}
