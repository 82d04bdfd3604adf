package dev.bulwark.approval;

import dev.bulwark.auth.PersonKeys;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * One held statement while the service remembers it live. Its monitor guards the mutable fields; the
 * service changes them, and makes the side effects of each change, while holding it, so every request's
 * events, frames and store writes follow the order of its changes.
 */
final class PendingApproval {
    final String id;
    final HeldStatement held;
    final String statementHash;
    final Instant requestedAt;
    final Instant expiresAt;
    /** The RETRY-mode key, null in WAIT mode. */
    final String retryKey;
    /** Completed (outside the monitor) once the approval ends. */
    final CompletableFuture<Outcome> settled = new CompletableFuture<>();
    /** Who asked, as a person: no reviewer who is the same person may decide. */
    final PersonKeys requesterPerson;

    // guarded by this
    ApprovalState state = ApprovalState.PENDING;
    final List<ApprovalDecision> decisions = new ArrayList<>();
    final Set<String> approvers = new LinkedHashSet<>();
    /** The people who approved so far (the quorum counts people, {@link #approvers} their names). */
    final List<PersonKeys> approverPeople = new ArrayList<>();
    Timers.Cancellable timer;
    /** The last store write of this approval; the next one runs after it. */
    CompletableFuture<Void> storeTail = CompletableFuture.completedFuture(null);

    PendingApproval(String id, HeldStatement held, String statementHash, Instant requestedAt, String retryKey) {
        this.id = requireNonNull(id, "id is null");
        this.held = requireNonNull(held, "held is null");
        this.statementHash = requireNonNull(statementHash, "statementHash is null");
        this.requestedAt = requireNonNull(requestedAt, "requestedAt is null");
        this.expiresAt = requestedAt.plus(held.approval().timeout());
        this.retryKey = retryKey;
        this.requesterPerson = held.requester().person();
    }

    synchronized ApprovalSummary summary() {
        return new ApprovalSummary(id, held.sessionId(), held.requester().subject(), held.target(), held.role(),
                held.rule().id(), held.text(), statementHash, requestedAt, approvers.size(), held.approval().quorum(),
                state, decisions, held.parameters(), classification(held.classification()), held.reason());
    }

    /**
     * Reviewers see the bind values and the classification too, each in its own field, so what they
     * approve is what runs and statement text cannot imitate the engine's annotations.
     */
    static dev.bulwark.model.Classification classification(HeldStatement.Classification classification) {
        return new dev.bulwark.model.Classification(classification.kind().isBlank() ? "UNKNOWN" : classification.kind(),
                classification.verbs(), classification.tables());
    }

    /** The requester as one string for limits: subject and issuer, length-prefixed. */
    String requesterKey() {
        return held.requester().subject().length() + ":" + held.requester().subject() + held.requester().issuer();
    }
}
