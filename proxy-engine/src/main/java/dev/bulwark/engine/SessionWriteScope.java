package dev.bulwark.engine;

import dev.bulwark.policy.Operation;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.Verb;
import dev.bulwark.policy.Verdict;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.session.StatementGate.Decision;
import dev.bulwark.session.StatementGate.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One session's side of {@link WriteScope}: asks whether a write's scope can change its verdict, estimates it
 * when it can (with the bind values at Execute for the extended protocol), and applies the verdict that
 * follows. Confined to the session's event loop, except {@link #decide}'s continuation, which runs when the
 * estimate is in while the session waits for it (nothing else of the session runs meanwhile).
 */
final class SessionWriteScope {

    private final WriteScopeEstimator estimator;
    private final String role;
    /** The session's search_path is no longer the side connection's: estimates there could plan other tables. */
    private boolean searchPathChanged;
    /** Why the verdict being applied is the unfiltered one; read by the hold that files the approval request. */
    private String reason = "";
    /** Set when the session ends (event loop), read where an estimate completes: no request for a dead session. */
    private volatile boolean ended;

    /**
     * @param estimator the target's estimator; null when there is none (every estimate then fails closed)
     * @param role the database role the session runs as; empty when it is the login's own
     */
    SessionWriteScope(WriteScopeEstimator estimator, String role) {
        this.estimator = estimator;
        this.role = requireNonNull(role, "role is null");
    }

    /** See {@link WriteScope#ifUnfiltered}; also notes whether the query changes the session's search_path. */
    Optional<Verdict> ifUnfiltered(QueryClassification query, Verdict verdict, Function<QueryClassification, Verdict> decide) {
        noteSettings(query);
        return WriteScope.ifUnfiltered(query, verdict, decide);
    }

    /**
     * Estimates the query's filtered writes, then applies {@code filtered} or {@code unfiltered} through
     * {@code then} (which may file an approval request: its notices then start with the estimate).
     */
    Decision decide(QueryClassification query, Statement statement, Verdict filtered, Verdict unfiltered,
            Function<Verdict, Decision> then) {
        CompletableFuture<WriteScope.Scope> estimate;
        if (searchPathChanged) {
            estimate = CompletableFuture.completedFuture(new WriteScope.Scope.Unknown(
                    "the session changed its search_path, which the planner connection cannot follow"));
        } else if (estimator == null) {
            estimate = CompletableFuture.completedFuture(new WriteScope.Scope.Unknown("no planner connection for this target"));
        } else {
            List<String> texts = WriteScope.filteredWrites(query).stream().map(StatementClassification::text).toList();
            estimate = estimator.estimate(texts, statement.parameters(), role);
        }
        return new Decision.Pending(estimate.thenApply(scope -> apply(scope, filtered, unfiltered, then)), List.of());
    }

    private Decision apply(WriteScope.Scope scope, Verdict filtered, Verdict unfiltered, Function<Verdict, Decision> then) {
        if (ended) {
            // Nobody waits for it any more: file no approval request.
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, "statement not run: the session ended", null);
        }
        Verdict chosen = WriteScope.choose(filtered, unfiltered, scope);
        reason = scope instanceof WriteScope.Scope.Narrow ? "" : scope.reason();
        try {
            Decision decision = then.apply(chosen);
            if (!reason.isEmpty() && decision instanceof Decision.Pending pending && !pending.notices().isEmpty()) {
                List<String> notices = new ArrayList<>();
                notices.add(reason);
                notices.addAll(pending.notices());
                return new Decision.Pending(pending.outcome(), notices);
            }
            return decision;
        } finally {
            reason = "";
        }
    }

    /** The session ended: estimates still in flight decide nothing. */
    void ended() {
        ended = true;
    }

    /** Why the verdict being applied is the unfiltered one, for the approval request; empty otherwise. */
    String reason() {
        return reason;
    }

    private void noteSettings(QueryClassification query) {
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                String detail = operation.detail().toLowerCase(Locale.ROOT);
                if (operation.verb() == Verb.SET_CONFIG || operation.verb() == Verb.DISCARD
                        || (operation.verb() == Verb.SET || operation.verb() == Verb.RESET)
                                && (detail.contains("search_path") || detail.equals("all"))) {
                    searchPathChanged = true;
                }
            }
        }
    }
}
