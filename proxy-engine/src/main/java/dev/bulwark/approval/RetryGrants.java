package dev.bulwark.approval;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Approvals of RETRY-mode requests, waiting to be used by a retry of the same statement. Keyed by
 * everything the reviewer was shown about who runs what where: the requester (exact subject and
 * issuer), the target, the database role the statement runs as, and the statement hash (text and
 * bind values). A retry that differs in any of them finds no grant: an approval given for a
 * {@code shop_reader} session does not run in a {@code shop_analyst} one. Each grant is used at most
 * once, and only before its deadline. All methods are atomic.
 */
final class RetryGrants {
    record Grant(String approvalId, Instant deadline, List<String> approvers) {
        Grant {
            requireNonNull(approvalId, "approvalId is null");
            requireNonNull(deadline, "deadline is null");
            approvers = List.copyOf(approvers);
        }
    }

    private final Map<String, ArrayDeque<Grant>> grants = new HashMap<>();

    synchronized void add(String key, Grant grant) {
        grants.computeIfAbsent(key, ignored -> new ArrayDeque<>()).addLast(grant);
    }

    /** Takes the oldest grant still valid at {@code now}, if any; it cannot be taken again. */
    synchronized Optional<Grant> consume(String key, Instant now) {
        ArrayDeque<Grant> queue = grants.get(key);
        if (queue == null) {
            return Optional.empty();
        }
        queue.removeIf(grant -> !now.isBefore(grant.deadline()));
        Grant taken = queue.pollFirst();
        if (queue.isEmpty()) {
            grants.remove(key);
        }
        return Optional.ofNullable(taken);
    }

    /** Drops grants whose window has passed; returns how many. */
    synchronized int purge(Instant now) {
        int before = size();
        grants.values().forEach(queue -> queue.removeIf(grant -> !now.isBefore(grant.deadline())));
        grants.values().removeIf(ArrayDeque::isEmpty);
        return before - size();
    }

    synchronized int size() {
        return grants.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** The key: every part length-prefixed, so parts cannot run into each other. */
    static String key(String subject, String issuer, String target, String role, String statementHash) {
        StringBuilder key = new StringBuilder();
        for (String part : List.of(subject, issuer, target, role, statementHash)) {
            key.append(part.length()).append(':').append(part);
        }
        return key.toString();
    }
}
