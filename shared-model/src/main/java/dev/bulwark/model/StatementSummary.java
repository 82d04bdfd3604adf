package dev.bulwark.model;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A statement a session ran, as a session's detail lists it.
 *
 * @param at when it arrived
 * @param text the statement text (bind values are not included)
 * @param verdict what policy decided
 * @param rule the id of the deciding rule, absent when the default decided
 */
public record StatementSummary(Instant at, String text, VerdictAction verdict, String rule) {
    public StatementSummary {
        requireNonNull(at, "at is null");
        requireNonNull(text, "text is null");
        requireNonNull(verdict, "verdict is null");
        rule = Checks.optionalText(rule);
    }
}
