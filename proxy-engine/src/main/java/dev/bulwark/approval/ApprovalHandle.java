package dev.bulwark.approval;

import dev.bulwark.policy.HoldMode;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * What {@link ApprovalService#request} gives the session for one held statement.
 *
 * <p>{@link #outcome()} completes on the thread that ended the wait (the management event loop for a
 * decision, the timer thread for an expiry, the caller of withdraw): hop back to the session's event
 * loop before touching the channel. Cancelling the future withdraws the request.
 */
public final class ApprovalHandle {
    private final String id;
    private final String statementHash;
    private final HoldMode mode;
    private final String notice;
    private final CompletableFuture<Outcome> outcome;

    private ApprovalHandle(String id, String statementHash, HoldMode mode, String notice, CompletableFuture<Outcome> outcome) {
        this.id = requireNonNull(id, "id is null");
        this.statementHash = requireNonNull(statementHash, "statementHash is null");
        this.mode = requireNonNull(mode, "mode is null");
        this.notice = requireNonNull(notice, "notice is null");
        this.outcome = requireNonNull(outcome, "outcome is null");
    }

    /** A request that waits: the outcome follows the approval; cancelling it withdraws the approval. */
    static ApprovalHandle waiting(ApprovalService service, PendingApproval pending, String notice) {
        // A copy, so the session cannot complete the service's own future; its cancel means "withdraw".
        CompletableFuture<Outcome> view = pending.settled.copy();
        view.whenComplete((ignored, failure) -> {
            if (failure instanceof CancellationException) {
                service.withdraw(pending.id, "the session stopped waiting");
            }
        });
        return new ApprovalHandle(pending.id, pending.statementHash, HoldMode.WAIT, notice, view);
    }

    /** A request whose outcome is known at once (RETRY mode, or refused). */
    static ApprovalHandle done(String id, String statementHash, HoldMode mode, String notice, Outcome outcome) {
        return new ApprovalHandle(id, statementHash, mode, notice, CompletableFuture.completedFuture(outcome));
    }

    /** The approval's id, as reviewers see it; empty when the statement was {@link Outcome.Refused refused}. */
    public String id() {
        return id;
    }

    /** SHA-256 (hex) of the statement text and its parameters: see {@link StatementHash}. */
    public String statementHash() {
        return statementHash;
    }

    public HoldMode mode() {
        return mode;
    }

    /**
     * What to tell the client at once, as a NoticeResponse (severity NOTICE), e.g.
     * {@code statement held for approval: request 3f2a9c0e51d7b460 (rule "bulk-delete"), waiting for 1
     * approval from group dba; expires in 15m}. Empty when there is nothing to say before the outcome.
     */
    public String notice() {
        return notice;
    }

    /**
     * How the wait ends. In WAIT mode it completes when a reviewer decides, the timeout passes or the
     * request is withdrawn; it is already complete for RETRY mode ({@link Outcome.RetryLater}, or
     * {@link Outcome.Approved} when an earlier approval was used) and for {@link Outcome.Refused}.
     * Never completes exceptionally (unless the session cancels it).
     */
    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    /** The error for the client, empty when the statement may run: {@link ClientError#of}. */
    public Optional<ClientError> clientError(Outcome outcome) {
        return ClientError.of(id, outcome);
    }

    @Override
    public String toString() {
        return "ApprovalHandle[" + id + ", " + mode + "]";
    }
}
