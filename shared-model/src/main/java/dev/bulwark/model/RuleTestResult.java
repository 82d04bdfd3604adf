package dev.bulwark.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the rules would do with a statement, found without running it.
 *
 * @param classification what the statement is
 * @param verdict what policy decides
 * @param maskedColumns the result columns masking would change (empty for denied statements)
 */
public record RuleTestResult(Classification classification, VerdictSummary verdict, List<MaskedColumn> maskedColumns) {
    public RuleTestResult {
        requireNonNull(classification, "classification is null");
        requireNonNull(verdict, "verdict is null");
        maskedColumns = Checks.list(maskedColumns);
    }
}
