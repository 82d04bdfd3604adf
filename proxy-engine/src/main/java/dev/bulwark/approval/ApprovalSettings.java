package dev.bulwark.approval;

import static java.util.Objects.requireNonNullElse;

/**
 * Limits of the approval desk (YAML section {@code approvals:}). Per-rule parameters (reviewer groups,
 * quorum, timeout, mode, retry window) live on the rules; these are engine-wide.
 *
 * <pre>
 * approvals:
 *   history_size: 1000               # ended approvals kept in memory for approvals.list (older: from the store)
 *   max_pending: 1000                # statements waiting at once, engine-wide
 *   max_pending_per_requester: 20    # statements one identity may have waiting at once
 *   max_statement_chars: 100000      # longer statements (text + parameters) are refused, not held
 *   list_limit: 500                  # at most this many approvals in one approvals.list answer (the newest)
 * </pre>
 *
 * @param historySize ended approvals remembered in memory
 * @param maxPending pending approvals engine-wide; beyond it statements are refused (53400)
 * @param maxPendingPerRequester pending approvals per identity (subject + issuer); beyond it refused (53400)
 * @param maxStatementChars statement text plus parameters, in characters; longer ones are refused (53400),
 *        since reviewers must see all of what they approve and events must stay bounded
 * @param listLimit approvals in one list answer
 */
public record ApprovalSettings(
        Integer historySize,
        Integer maxPending,
        Integer maxPendingPerRequester,
        Integer maxStatementChars,
        Integer listLimit) {

    public ApprovalSettings {
        historySize = atLeast(requireNonNullElse(historySize, 1000), 0, "approvals.history_size");
        maxPending = atLeast(requireNonNullElse(maxPending, 1000), 1, "approvals.max_pending");
        maxPendingPerRequester = atLeast(requireNonNullElse(maxPendingPerRequester, 20), 1,
                "approvals.max_pending_per_requester");
        maxStatementChars = atLeast(requireNonNullElse(maxStatementChars, 100_000), 1, "approvals.max_statement_chars");
        listLimit = atLeast(requireNonNullElse(listLimit, 500), 1, "approvals.list_limit");
    }

    public static ApprovalSettings defaults() {
        return new ApprovalSettings(null, null, null, null, null);
    }

    private static int atLeast(int value, int minimum, String key) {
        if (value < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + " (got " + value + ")");
        }
        return value;
    }
}
