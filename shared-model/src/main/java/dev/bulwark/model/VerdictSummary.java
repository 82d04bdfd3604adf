package dev.bulwark.model;

import static java.util.Objects.requireNonNull;

/**
 * A policy verdict on the wire.
 *
 * @param action what was decided
 * @param ruleId the deciding rule's id, absent when the default action decided
 * @param ruleName the deciding rule's name, absent with the id
 * @param message the rule's message to the user (for deny and hold), absent when it has none
 */
public record VerdictSummary(VerdictAction action, String ruleId, String ruleName, String message) {
    public VerdictSummary {
        requireNonNull(action, "action is null");
        ruleId = Checks.optionalText(ruleId);
        ruleName = Checks.optionalText(ruleName);
        message = Checks.optionalText(message);
    }
}
