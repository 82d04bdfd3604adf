package dev.bulwark.model;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One reviewer's decision on an approval.
 *
 * @param by the reviewing operator's name
 * @param at when
 * @param decision approve or deny
 * @param reason the reviewer's reason
 */
public record ApprovalDecision(String by, Instant at, Decision decision, String reason) {
    public ApprovalDecision {
        Checks.text(by, "by");
        requireNonNull(at, "at is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(reason, "reason is null");
    }
}
