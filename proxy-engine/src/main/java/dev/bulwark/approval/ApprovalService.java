package dev.bulwark.approval;

import dev.bulwark.auth.Identity;
import dev.bulwark.auth.PersonKeys;
import dev.bulwark.management.AuthenticatedOperator;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.policy.Approval;
import dev.bulwark.policy.HoldMode;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.store.ApprovalRow;
import dev.bulwark.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Just-in-time approval: statements that policy holds wait here until enough reviewers approve, one
 * denies, the rule's timeout passes, or the client gives up. Engine-wide and thread-safe.
 *
 * <pre>
 *  session (event loop)            ApprovalService                     console / ctl (management loop)
 *  Verdict.Hold ── request() ───►  pending ── approval.requested ──►   approvals.list
 *     ◄── notice, outcome future       │  ◄── decide(APPROVE) ───────   approvals.approve
 *                                      │  (quorum of distinct reviewers in the rule's groups)
 *     ◄── outcome APPROVED ────────────┘  ── approval.changed ──────►
 *  forward the statement
 * </pre>
 *
 * <p><b>Blocking.</b> No method blocks except {@link #close()}: store writes and reads run on the
 * executor given at construction (one write chain per approval, in order), timeouts on a
 * {@link ScheduledExecutorService}. {@link #request}, {@link #withdraw}, {@link #consumeRetryApproval} may
 * be called from a Netty event loop. Outcome futures complete on the thread that ended the wait.
 *
 * <p><b>Who may decide.</b> An operator with role reviewer or admin (never viewer) who belongs to one
 * of the rule's reviewer groups ({@link Operator#groups()}), whose token has not expired, and who is
 * not the requester. Quorum N needs N approvals by N different people (a second vote by the same
 * person, under whatever account, is refused); one deny by any such operator ends it at once. An approval lets exactly that held statement run (WAIT),
 * or exactly one byte-identical retry (text and bind values) by the same subject and issuer, on the
 * same target, as the same database role (RETRY): everything the reviewer was shown.
 *
 * <p><b>"The same person"</b> is decided by {@link PersonKeys} alone: the requester's names (subject,
 * email, preferred_username) and the reviewer's (a token's subject and the same claims, or a Unix
 * operator's name, OS user and configured {@code also_known_as}), normalized (case, whitespace,
 * NFKC, invisible characters); any name in common makes them the same person, whatever the issuers
 * (the safe side: it can only refuse a decision). A reviewer who is the requester may neither approve
 * nor deny; a reviewer who is the same person as an earlier approver does not count again.
 *
 * <p><b>Persistence.</b> Every request is saved as a pending row and its end through
 * {@link Store#decideApproval} with a decision document of every reviewer's decision. Intermediate
 * votes (1 of 2) are in the audit chain as admin actions and in the session recording, and in the
 * final document. Nothing pending survives a restart: {@link #recoverAtStart()} marks this node's
 * leftover pending rows withdrawn. Unused RETRY approvals are memory only and lost on restart.
 */
public final class ApprovalService implements ManagementBackend.ApprovalsBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);
    /** Who ends an approval that no reviewer ended (expiry, withdrawal), in the store's decided_by. */
    static final String ENGINE = "engine";
    static final int MAX_REASON_CHARS = 1000;
    private static final int RECOVERY_PAGE = 1000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Store store;
    private final String nodeId;
    private final Executor storeExecutor;
    private final Timers timers;
    private final ScheduledExecutorService ownedScheduler;
    private final ApprovalEffects effects;
    private final InstantSource clock;
    private final ApprovalSettings settings;
    private final SecureRandom random = new SecureRandom();

    private final ConcurrentHashMap<String, PendingApproval> live = new ConcurrentHashMap<>();
    /** Guards the admission counters; taken inside a request's monitor, never the other way round. */
    private final Object admission = new Object();
    private final Map<String, Integer> pendingByRequester = new HashMap<>();
    /** RETRY-mode requests still pending, by retry key, so a client retrying early does not file another. */
    private final Map<String, String> pendingRetries = new HashMap<>();
    private final History history;
    private final RetryGrants retryGrants = new RetryGrants();
    private final Set<CompletableFuture<Void>> storeWrites = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong approved = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong withdrawn = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong retriesUsed = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();

    ApprovalService(Store store, Executor storeExecutor, Timers timers, ScheduledExecutorService ownedScheduler,
            ApprovalEffects effects, InstantSource clock, ApprovalSettings settings) {
        this.store = requireNonNull(store, "store is null");
        this.nodeId = store.nodeId();
        this.storeExecutor = requireNonNull(storeExecutor, "storeExecutor is null");
        this.timers = requireNonNull(timers, "timers is null");
        this.ownedScheduler = ownedScheduler;
        this.effects = requireNonNull(effects, "effects is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.history = new History(settings.historySize());
    }

    /**
     * The service, with timers on the given scheduler (which it does not shut down).
     *
     * @param store the audit store; only ever called on {@code storeExecutor}
     * @param storeExecutor runs store reads and writes (blocking JDBC); not an event loop
     * @param scheduler runs timeouts; a task only takes a request's lock briefly
     * @param effects events for consoles and admin actions for the audit chain: {@link ApprovalEffects#of}
     */
    public static ApprovalService create(Store store, Executor storeExecutor, ScheduledExecutorService scheduler,
            ApprovalEffects effects, InstantSource clock, ApprovalSettings settings) {
        return new ApprovalService(store, storeExecutor, Timers.of(scheduler), null, effects, clock, settings);
    }

    /** The service with a timer thread of its own (a daemon), stopped by {@link #close()}. */
    public static ApprovalService create(Store store, Executor storeExecutor, ApprovalEffects effects,
            ApprovalSettings settings) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bulwark-approval-timers");
            thread.setDaemon(true);
            return thread;
        });
        // Most timeouts are cancelled by a decision; do not keep them queued for 15 minutes.
        scheduler.setRemoveOnCancelPolicy(true);
        return new ApprovalService(store, storeExecutor, Timers.of(scheduler), scheduler, effects,
                InstantSource.system(), settings);
    }

    // ------------------------------------------------------------------ the session's side

    /**
     * Holds a statement for approval. Never blocks; may be called on the session's event loop.
     *
     * <p>WAIT mode: files a request (saved, published, recorded) and returns a handle whose outcome
     * completes when it ends. RETRY mode: first tries to use an earlier approval of the same statement
     * by the same identity ({@link #consumeRetryApproval}); if there is one the outcome is
     * {@link Outcome.Approved} at once and no request is filed. Otherwise it files a request (or
     * points at the one this identity already has pending for the same statement) and the outcome is
     * {@link Outcome.RetryLater} at once. When a limit is reached the outcome is {@link Outcome.Refused}
     * and nothing is filed.
     */
    public ApprovalHandle request(HeldStatement held) {
        requireNonNull(held, "held is null");
        Approval approval = held.approval();
        String hash = StatementHash.of(held.text(), held.parameters());
        String retryKey = approval.mode() == HoldMode.RETRY
                ? RetryGrants.key(held.requester().subject(), held.requester().issuer(), held.target(), held.role(), hash)
                : null;
        if (retryKey != null) {
            Optional<RetryGrants.Grant> grant = retryGrants.consume(retryKey, clock.instant());
            if (grant.isPresent()) {
                return retryApproved(held, hash, grant.get());
            }
        }
        String tooLarge = sizeRefusal(held);
        if (tooLarge != null) {
            return refuse(held, hash, tooLarge);
        }
        PendingApproval pending = new PendingApproval(newId(), held, hash, clock.instant(), retryKey);
        synchronized (pending) {
            String existing = null;
            String refusal;
            synchronized (admission) {
                refusal = closed ? "the engine is shutting down" : null;
                if (refusal == null && retryKey != null) {
                    existing = pendingRetries.get(retryKey);
                }
                if (refusal == null && existing == null) {
                    refusal = admit(pending);
                }
            }
            if (existing != null) {
                return alreadyWaiting(held, hash, existing);
            }
            if (refusal != null) {
                return refuse(held, hash, refusal);
            }
            pending.timer = timers.schedule(approval.timeout(), () -> expire(pending.id));
            ApprovalSummary summary = pending.summary();
            // The document is written on the store thread: the caller may be an event loop.
            persist(pending, "save", () -> store.saveApproval(new ApprovalRow(pending.id, nodeId, held.sessionId(),
                    held.requester().subject(), micros(pending.requestedAt),
                    ApprovalDocuments.status(ApprovalState.PENDING), ApprovalDocuments.request(pending), null, null,
                    null)));
            frame(pending, FramePayload.ApprovalState.ASKED, null, "held by rule \"" + held.rule().id() + "\": needs "
                    + Texts.needed(approval) + " within " + Texts.duration(approval.timeout())
                    + (held.reason().isEmpty() ? "" : "; " + held.reason()));
            publish(() -> effects.requested(summary));
        }
        requested.incrementAndGet();
        LOG.info("session {}: statement held for approval {} by rule {} ({} mode)", held.sessionId(), pending.id,
                held.rule().id(), approval.mode());
        if (retryKey != null) {
            return ApprovalHandle.done(pending.id, hash, HoldMode.RETRY, retryNotice(pending.id, held),
                    new Outcome.RetryLater(approval.timeout(), approval.retryWindow()));
        }
        return ApprovalHandle.waiting(this, pending, "statement held for approval: request " + pending.id + " (rule \""
                + held.rule().id() + "\"), waiting for " + Texts.needed(approval) + "; expires in "
                + Texts.duration(approval.timeout()));
    }

    /**
     * The client cancelled (CancelRequest) or disconnected, or the session was killed: the request
     * ends WITHDRAWN, nobody can decide it afterwards. Never blocks.
     *
     * @param why for the recording, the store and the client ("client cancelled", "client disconnected")
     * @return false when it was not pending (unknown, or already ended)
     */
    public boolean withdraw(String approvalId, String why) {
        requireNonNull(approvalId, "approvalId is null");
        requireNonNull(why, "why is null");
        PendingApproval pending = live.get(approvalId);
        if (pending == null) {
            return false;
        }
        Outcome outcome;
        synchronized (pending) {
            if (pending.state != ApprovalState.PENDING) {
                return false;
            }
            outcome = new Outcome.Withdrawn(why);
            end(pending, ApprovalState.WITHDRAWN, outcome, ENGINE, why, "withdrawn: " + why);
        }
        pending.settled.complete(outcome);
        return true;
    }

    /**
     * Withdraws the WAIT-mode requests of a session (it ended or was killed); returns how many.
     * RETRY-mode requests stay: nobody waits on them, and the identity may retry from a new session
     * once one is approved (a client that gets "retry later" usually disconnects).
     */
    public int withdrawSession(String sessionId, String why) {
        requireNonNull(sessionId, "sessionId is null");
        int count = 0;
        for (PendingApproval pending : live.values()) {
            if (pending.held.sessionId().equals(sessionId) && pending.retryKey == null && withdraw(pending.id, why)) {
                count++;
            }
        }
        return count;
    }

    /**
     * RETRY mode: whether the identity may run the statement with this hash on this target as this
     * database role now, using up one approval (atomic: two concurrent callers cannot both get true).
     * True only for the same subject and issuer that asked, the same target and role, the
     * byte-identical statement and parameters, once,
     * before the retry window (counted from the approval) has passed. {@link #request} calls this itself
     * for RETRY-mode holds, so a session only needs it when it checks before asking policy again.
     */
    public boolean consumeRetryApproval(Identity identity, String target, String role, String statementHash) {
        requireNonNull(identity, "identity is null");
        requireNonNull(target, "target is null");
        requireNonNull(role, "role is null");
        requireNonNull(statementHash, "statementHash is null");
        boolean used = retryGrants.consume(RetryGrants.key(identity.subject(), identity.issuer(), target, role,
                statementHash), clock.instant()).isPresent();
        if (used) {
            retriesUsed.incrementAndGet();
        }
        return used;
    }

    // ------------------------------------------------------------------ the reviewers' side

    /**
     * Approves or denies. Completes at once for a pending approval (the store write follows on the
     * executor); for an id no longer in memory it reads the store to tell not_found from conflict.
     * Fails with bad_request (reason too long), not_found, conflict (no longer pending), forbidden
     * (viewer, not in a reviewer group, own statement, second vote).
     */
    @Override
    public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason,
            AuthenticatedOperator reviewer) {
        requireNonNull(approvalId, "approvalId is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(reviewer, "reviewer is null");
        Operator by = reviewer.operator();
        String why = reason == null ? "" : reason.strip();
        if (why.length() > MAX_REASON_CHARS) {
            return CompletableFuture.failedFuture(ManagementException.badRequest(
                    "reason is longer than " + MAX_REASON_CHARS + " characters"));
        }
        PendingApproval pending = live.get(approvalId);
        if (pending == null) {
            return notLive(approvalId);
        }
        Outcome outcome = null;
        ApprovalSummary summary;
        synchronized (pending) {
            if (pending.state != ApprovalState.PENDING) {
                return CompletableFuture.failedFuture(alreadyEnded(approvalId, pending.state));
            }
            // Under the monitor, at the moment the decision would count: a token expiring while the
            // request travelled does not decide.
            if (reviewer.expiredAt(clock.instant())) {
                return CompletableFuture.failedFuture(new ManagementException(ErrorCode.SIGNED_OUT,
                        "signed out: your operator token has expired; sign in again with a new token"));
            }
            String forbidden = refusal(pending, decision, reviewer);
            if (forbidden != null) {
                return CompletableFuture.failedFuture(new ManagementException(ErrorCode.FORBIDDEN, forbidden));
            }
            HeldStatement held = pending.held;
            int quorum = held.approval().quorum();
            pending.decisions.add(new ApprovalDecision(by.name(), clock.instant(), decision, why));
            publish(() -> effects.decided(AdminAction.approvalDecision(by.name(), approvalId,
                    decision == Decision.APPROVE, held.sessionId(), why)));
            if (decision == Decision.DENY) {
                frame(pending, FramePayload.ApprovalState.DENIED, by.name(), why);
                outcome = new Outcome.Denied(why, by.name());
                end(pending, ApprovalState.DENIED, outcome, by.name(), why, "denied by " + by.name());
            } else {
                pending.approvers.add(by.name());
                pending.approverPeople.add(reviewer.person());
                int count = pending.approvers.size();
                frame(pending, FramePayload.ApprovalState.GRANTED, by.name(),
                        quorum == 1 ? why : "approval " + count + " of " + quorum + (why.isEmpty() ? "" : ": " + why));
                if (count >= quorum) {
                    outcome = new Outcome.Approved(List.copyOf(pending.approvers));
                    end(pending, ApprovalState.APPROVED, outcome, by.name(), why,
                            "approved by " + String.join(", ", pending.approvers));
                } else {
                    ApprovalSummary changed = pending.summary();
                    publish(() -> effects.changed(changed));
                }
            }
            summary = pending.summary();
        }
        LOG.info("approval {}: {} by {}", approvalId, decision, by.name());
        if (outcome != null) {
            // Outside the monitor: the session's continuation may run right here.
            pending.settled.complete(outcome);
        }
        return CompletableFuture.completedFuture(summary);
    }

    /**
     * Pending approvals and recent history from memory; for anything but PENDING also older ones from
     * the store (read on the executor; if the store fails, memory alone). Oldest first, at most
     * {@code approvals.list_limit} (the newest).
     */
    @Override
    public CompletableFuture<List<ApprovalSummary>> list(Optional<ApprovalState> state) {
        requireNonNull(state, "state is null");
        Map<String, ApprovalSummary> known = new LinkedHashMap<>();
        history.forEach(summary -> known.put(summary.id(), summary));
        for (PendingApproval pending : live.values()) {
            known.put(pending.id, pending.summary());
        }
        if (state.equals(Optional.of(ApprovalState.PENDING))) {
            return CompletableFuture.completedFuture(ordered(known.values(), state));
        }
        String status = state.map(ApprovalDocuments::status).orElse(null);
        return supplyOnStore(() -> store.approvals(status, settings.listLimit()))
                .handle((rows, failure) -> {
                    if (failure != null) {
                        LOG.warn("approvals: the store could not list older approvals; answering from memory: {}",
                                failure.toString());
                        return ordered(known.values(), state);
                    }
                    for (ApprovalRow row : rows) {
                        if (!known.containsKey(row.id())) {
                            ApprovalDocuments.summary(row).ifPresentOrElse(summary -> known.put(row.id(), summary),
                                    () -> LOG.warn("approvals: stored approval {} cannot be read; left out", row.id()));
                        }
                    }
                    return ordered(known.values(), state);
                });
    }

    /** The approval as the service remembers it (pending or recent), without the store. */
    public Optional<ApprovalSummary> get(String approvalId) {
        PendingApproval pending = live.get(approvalId);
        return pending != null ? Optional.of(pending.summary()) : history.get(approvalId);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Marks this node's pending rows left by an earlier run as withdrawn (their sessions died with
     * that run). Call once at start, before sessions are admitted; runs on the store executor and
     * completes with how many rows it closed. Rows of other nodes sharing the store are left alone.
     */
    public CompletableFuture<Integer> recoverAtStart() {
        return supplyOnStore(this::recoverNow);
    }

    private int recoverNow() {
        long now = micros(clock.instant());
        String document = ApprovalDocuments.outcome(ApprovalState.WITHDRAWN,
                "the engine restarted while the statement waited", 0, List.of());
        String status = ApprovalDocuments.status(ApprovalState.WITHDRAWN);
        int recovered = 0;
        while (true) {
            List<ApprovalRow> rows = store.approvals(ApprovalRow.PENDING, RECOVERY_PAGE);
            int ours = 0;
            for (ApprovalRow row : rows) {
                if (row.nodeId().equals(nodeId) && !live.containsKey(row.id())) {
                    ours++;
                    if (store.decideApproval(row.id(), status, ENGINE, now, document)) {
                        recovered++;
                    }
                }
            }
            if (ours == 0 || rows.size() < RECOVERY_PAGE) {
                break;
            }
        }
        if (recovered > 0) {
            LOG.info("approvals: {} request(s) left pending by the last run marked withdrawn", recovered);
        }
        return recovered;
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(live.size(), requested.get(), approved.get(), denied.get(), expired.get(), withdrawn.get(),
                refused.get(), retriesUsed.get(), retryGrants.size(), storeFailures.get());
    }

    /**
     * Counters since start.
     *
     * @param pending waiting now
     * @param retryGrants RETRY approvals not used yet (some may have passed their window)
     * @param storeFailures store writes that failed (logged)
     */
    public record Stats(int pending, long requested, long approved, long denied, long expired, long withdrawn,
            long refused, long retriesUsed, int retryGrants, long storeFailures) {}

    /**
     * Withdraws every pending request ("the engine is shutting down"), stops an owned timer thread and
     * waits up to 5 s for store writes. <b>Blocks</b>: call it off the event loops.
     */
    @Override
    public void close() {
        closed = true;
        for (PendingApproval pending : List.copyOf(live.values())) {
            withdraw(pending.id, "the engine is shutting down");
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
        try {
            storeWritesDone().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("approvals: store writes still running after {}; not waiting longer", Texts.duration(CLOSE_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // each write logs its own failure
        }
    }

    /** Completes when every store write issued so far has finished (for tests and close). */
    CompletableFuture<Void> storeWritesDone() {
        return CompletableFuture.allOf(storeWrites.toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ internals

    /** The timer fired. */
    private void expire(String approvalId) {
        PendingApproval pending = live.get(approvalId);
        if (pending == null) {
            return;
        }
        Outcome outcome;
        synchronized (pending) {
            if (pending.state != ApprovalState.PENDING) {
                return;
            }
            Duration timeout = pending.held.approval().timeout();
            outcome = new Outcome.Expired(timeout);
            end(pending, ApprovalState.EXPIRED, outcome, ENGINE, "no decision within " + Texts.duration(timeout),
                    "no decision within " + Texts.duration(timeout));
        }
        LOG.info("approval {} expired", approvalId);
        pending.settled.complete(outcome);
    }

    /**
     * Ends a pending approval; the caller holds its monitor and completes {@code settled} after
     * releasing it. Everything a watcher could act on is in place before the event is published: the
     * RETRY grant, the history entry, the admission counters.
     */
    private void end(PendingApproval pending, ApprovalState state, Outcome outcome, String decidedBy, String reason,
            String frameReason) {
        pending.state = state;
        if (pending.timer != null) {
            pending.timer.cancel();
        }
        Instant now = clock.instant();
        Approval approval = pending.held.approval();
        if (state == ApprovalState.APPROVED && pending.retryKey != null) {
            Instant deadline = now.plus(approval.retryWindow());
            retryGrants.add(pending.retryKey, new RetryGrants.Grant(pending.id, deadline, List.copyOf(pending.approvers)));
            timers.schedule(approval.retryWindow(), () -> retryGrants.purge(clock.instant()));
        }
        ApprovalSummary summary = pending.summary();
        history.put(summary);
        synchronized (admission) {
            live.remove(pending.id, pending);
            pendingByRequester.computeIfPresent(pending.requesterKey(), (key, count) -> count <= 1 ? null : count - 1);
            if (pending.retryKey != null) {
                pendingRetries.remove(pending.retryKey, pending.id);
            }
        }
        int approvals = pending.approvers.size();
        List<ApprovalDecision> decisions = List.copyOf(pending.decisions);
        long decidedMicros = micros(now);
        persist(pending, "decide", () -> {
            String document = ApprovalDocuments.outcome(state, reason, approvals, decisions);
            if (!store.decideApproval(pending.id, ApprovalDocuments.status(state), decidedBy, decidedMicros, document)) {
                LOG.warn("approval {}: the store did not have it pending when it ended {}", pending.id,
                        ApprovalDocuments.status(state));
            }
        });
        FramePayload.ApprovalState frameState = switch (state) {
            case APPROVED -> FramePayload.ApprovalState.GRANTED;
            case DENIED -> FramePayload.ApprovalState.DENIED;
            case EXPIRED -> FramePayload.ApprovalState.EXPIRED;
            case WITHDRAWN -> FramePayload.ApprovalState.WITHDRAWN;
            case PENDING -> throw new IllegalStateException("an approval cannot end pending");
        };
        frame(pending, frameState, null, frameReason);
        publish(() -> effects.changed(summary));
        switch (outcome) {
            case Outcome.Approved ignored -> approved.incrementAndGet();
            case Outcome.Denied ignored -> denied.incrementAndGet();
            case Outcome.Expired ignored -> expired.incrementAndGet();
            case Outcome.Withdrawn ignored -> withdrawn.incrementAndGet();
            case Outcome.RetryLater ignored -> throw new IllegalStateException("not an end");
            case Outcome.Refused ignored -> throw new IllegalStateException("not an end");
        }
    }

    /** Why this operator may not make this decision, null when they may. Caller holds the monitor. */
    private static String refusal(PendingApproval pending, Decision decision, AuthenticatedOperator reviewer) {
        Operator by = reviewer.operator();
        String verb = decision == Decision.APPROVE ? "approve" : "deny";
        if (!by.role().includes(OperatorRole.REVIEWER)) {
            return "a " + by.role().name().toLowerCase(Locale.ROOT)
                    + " cannot approve or deny statements; that needs the reviewer or admin role";
        }
        if (reviewer.person().samePerson(pending.requesterPerson)) {
            return "you cannot " + verb + " your own statement";
        }
        List<String> groups = pending.held.approval().reviewerGroups();
        if (groups.stream().noneMatch(by.groups()::contains)) {
            return "approval needs a member of " + Texts.groups(groups);
        }
        if (decision == Decision.APPROVE
                && pending.approverPeople.stream().anyMatch(earlier -> earlier.samePerson(reviewer.person()))) {
            return "you have already approved this statement; it needs " + pending.held.approval().quorum()
                    + " approvals by different reviewers";
        }
        return null;
    }

    /** Counts the request in; returns why not when a limit is reached. Caller holds {@link #admission}. */
    private String admit(PendingApproval pending) {
        if (live.size() >= settings.maxPending()) {
            return "too many statements are waiting for approval (approvals.max_pending is "
                    + settings.maxPending() + ")";
        }
        String requester = pending.requesterKey();
        int mine = pendingByRequester.getOrDefault(requester, 0);
        if (mine >= settings.maxPendingPerRequester()) {
            return "you have " + mine + " statements waiting for approval already (approvals.max_pending_per_requester)";
        }
        if (live.putIfAbsent(pending.id, pending) != null) {
            throw new IllegalStateException("approval id collision");
        }
        pendingByRequester.put(requester, mine + 1);
        if (pending.retryKey != null) {
            pendingRetries.put(pending.retryKey, pending.id);
        }
        return null;
    }

    private String sizeRefusal(HeldStatement held) {
        long size = held.text().length();
        for (String parameter : held.parameters()) {
            size += parameter == null ? 0 : parameter.length();
        }
        return size > settings.maxStatementChars()
                ? "it is " + size + " characters long with its parameters, more than reviewers are shown"
                        + " (approvals.max_statement_chars is " + settings.maxStatementChars() + ")"
                : null;
    }

    private ApprovalHandle refuse(HeldStatement held, String hash, String reason) {
        refused.incrementAndGet();
        LOG.warn("session {}: statement held by rule {} refused: {}", held.sessionId(), held.rule().id(), reason);
        return ApprovalHandle.done("", hash, held.approval().mode(), "", new Outcome.Refused(reason));
    }

    private ApprovalHandle retryApproved(HeldStatement held, String hash, RetryGrants.Grant grant) {
        retriesUsed.incrementAndGet();
        safely(() -> held.recording().approval(new FramePayload.Approval(grant.approvalId(),
                FramePayload.ApprovalState.GRANTED, null, "retry of the statement approved in request "
                        + grant.approvalId() + "; the approval is now used up")), "record");
        LOG.info("session {}: retry approved by approval {}", held.sessionId(), grant.approvalId());
        return ApprovalHandle.done(grant.approvalId(), hash, HoldMode.RETRY,
                "statement approved in request " + grant.approvalId() + "; running it (the approval is now used up)",
                new Outcome.Approved(grant.approvers()));
    }

    private ApprovalHandle alreadyWaiting(HeldStatement held, String hash, String existingId) {
        safely(() -> held.recording().approval(new FramePayload.Approval(existingId, FramePayload.ApprovalState.ASKED,
                null, "the same statement is already waiting for approval")), "record");
        Approval approval = held.approval();
        return ApprovalHandle.done(existingId, hash, HoldMode.RETRY, "statement already waiting for approval: request "
                        + existingId + " (rule \"" + held.rule().id() + "\"); it did not run: once approved, run the same"
                        + " statement again within " + Texts.duration(approval.retryWindow()),
                new Outcome.RetryLater(approval.timeout(), approval.retryWindow()));
    }

    private static String retryNotice(String id, HeldStatement held) {
        Approval approval = held.approval();
        return "statement held for approval: request " + id + " (rule \"" + held.rule().id() + "\"), needs "
                + Texts.needed(approval) + " within " + Texts.duration(approval.timeout())
                + "; it did not run: once approved, run the same statement again within "
                + Texts.duration(approval.retryWindow());
    }

    /** decide() on an id not pending in memory: conflict if it ended, not_found if nobody knows it. */
    private CompletableFuture<ApprovalSummary> notLive(String approvalId) {
        Optional<ApprovalSummary> recent = history.get(approvalId);
        if (recent.isPresent()) {
            return CompletableFuture.failedFuture(alreadyEnded(approvalId, recent.get().state()));
        }
        return supplyOnStore(() -> store.approval(approvalId))
                .exceptionally(failure -> {
                    throw new ManagementException(ErrorCode.UNAVAILABLE,
                            "the approval store is not available now; try again");
                })
                .thenApply(row -> {
                    if (row.isEmpty()) {
                        throw ManagementException.notFound("no approval " + approvalId);
                    }
                    if (row.get().status().equals(ApprovalRow.PENDING)) {
                        throw ManagementException.conflict("approval " + approvalId
                                + (row.get().nodeId().equals(nodeId)
                                        ? " is no longer waiting (its session is gone)"
                                        : " waits on engine node " + row.get().nodeId() + "; decide it there"));
                    }
                    throw ManagementException.conflict("approval " + approvalId + " is already " + row.get().status());
                });
    }

    private static ManagementException alreadyEnded(String approvalId, ApprovalState state) {
        return ManagementException.conflict("approval " + approvalId + " is already " + ApprovalDocuments.status(state));
    }

    private List<ApprovalSummary> ordered(Collection<ApprovalSummary> summaries, Optional<ApprovalState> state) {
        List<ApprovalSummary> list = new ArrayList<>();
        for (ApprovalSummary summary : summaries) {
            if (state.isEmpty() || state.get() == summary.state()) {
                list.add(summary);
            }
        }
        list.sort(Comparator.comparing(ApprovalSummary::requestedAt).thenComparing(ApprovalSummary::id));
        int limit = settings.listLimit();
        return List.copyOf(list.size() <= limit ? list : list.subList(list.size() - limit, list.size()));
    }

    /** Queues a store write after the approval's previous one. Caller holds the monitor. */
    private void persist(PendingApproval pending, String what, Runnable write) {
        CompletableFuture<Void> next = pending.storeTail.thenRunAsync(() -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                storeFailures.incrementAndGet();
                LOG.warn("approval {}: could not {} it in the store: {}", pending.id, what, e.toString());
            }
        }, this::runOnStore);
        pending.storeTail = next;
        storeWrites.add(next);
        next.whenComplete((ignored, failure) -> storeWrites.remove(next));
    }

    private <T> CompletableFuture<T> supplyOnStore(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, this::runOnStore);
    }

    private void runOnStore(Runnable task) {
        try {
            storeExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            storeFailures.incrementAndGet();
            throw e;
        }
    }

    private void frame(PendingApproval pending, FramePayload.ApprovalState state, String by, String reason) {
        FramePayload.Approval frame = new FramePayload.Approval(pending.id, state, by, reason);
        safely(() -> pending.held.recording().approval(frame), "record");
    }

    private void publish(Runnable effect) {
        safely(effect, "publish");
    }

    private static void safely(Runnable effect, String what) {
        try {
            effect.run();
        } catch (RuntimeException e) {
            LOG.warn("approvals: could not {} a change", what, e);
        }
    }

    private String newId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** Ended approvals, the newest {@code size}, by id. */
    private static final class History {
        private final int size;
        private final LinkedHashMap<String, ApprovalSummary> entries = new LinkedHashMap<>();

        History(int size) {
            this.size = size;
        }

        synchronized void put(ApprovalSummary summary) {
            if (size == 0) {
                return;
            }
            entries.put(summary.id(), summary);
            if (entries.size() > size) {
                entries.remove(entries.keySet().iterator().next());
            }
        }

        synchronized Optional<ApprovalSummary> get(String id) {
            return Optional.ofNullable(entries.get(id));
        }

        synchronized void forEach(Consumer<ApprovalSummary> action) {
            entries.values().forEach(action);
        }
    }
}
