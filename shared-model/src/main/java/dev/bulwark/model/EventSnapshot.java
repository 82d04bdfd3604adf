package dev.bulwark.model;

import java.util.List;

/**
 * The state a subscription starts from. Lists are empty for topics not subscribed to.
 *
 * @param seq the sequence number of the last event the snapshot includes (0 before any event);
 *     the subscription's events all have higher numbers
 * @param sessions live sessions, in the order they started
 * @param approvals pending approvals, oldest first
 * @param rules every rule, by kind and id
 */
public record EventSnapshot(long seq, List<SessionSummary> sessions, List<ApprovalSummary> approvals,
        List<RuleDocument> rules) {
    public EventSnapshot {
        Checks.notNegative(seq, "seq");
        sessions = Checks.list(sessions);
        approvals = Checks.list(approvals);
        rules = Checks.list(rules);
    }
}
