package dev.bulwark.policy;

import dev.bulwark.auth.Identity;
import dev.bulwark.policy.StatementClassification.Prepared;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Decides what may run. {@link #decide} is a pure function of the classification, the identity, the
 * target, the rules and the target's unknown default: no I/O, no clock, no state, so it can run on the
 * event loop and be tested without a socket.
 *
 * <p>Per statement, rules are evaluated in order; LOG rules that match are collected and evaluation goes
 * on; the first matching ALLOW, DENY or HOLD rule decides. When none does, the statement is allowed,
 * unless Bulwark could not read it (or it calls a function not known to be safe), in which case the
 * unknown default decides. A query's verdict is its most severe statement verdict: deny over hold over
 * allow.
 *
 * <p>Special cases: an empty query is allowed; an extended-protocol Parse holding several statements is
 * denied (PostgreSQL would refuse it too; this does not rely on that); a PREPARE is denied when the
 * statement it prepares would be denied, and allowed (with a warning) when it would be held, since the
 * hold happens at EXECUTE; statements of one query that need different approvals are denied, since one
 * approval cannot cover them.
 */
public final class PolicyEngine {

    private PolicyEngine() {
    }

    public static Verdict decide(QueryClassification query, Identity identity, String target, RuleSet rules,
            UnknownAction unknownAction) {
        requireNonNull(query, "query is null");
        requireNonNull(identity, "identity is null");
        requireNonNull(target, "target is null");
        requireNonNull(rules, "rules is null");
        requireNonNull(unknownAction, "unknownAction is null");
        if (query.isEmpty()) {
            return Verdict.Allow.byDefault(List.of(), List.of());
        }
        if (query.singleStatementRequired() && query.size() > 1) {
            return new Verdict.Deny(Optional.empty(), "statement denied: a Parse message may hold only one statement"
                    + " (this one holds " + query.size() + ")", 1, List.of());
        }
        List<RuleRef> logged = new ArrayList<>();
        List<RuleRef> allowedBy = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Verdict.Deny firstDeny = null;
        Verdict.Hold firstHold = null;
        boolean differentHolds = false;
        for (int index = 0; index < query.size(); index++) {
            Verdict verdict = decideStatement(query.statements().get(index), index, identity, target, rules,
                    unknownAction);
            addAll(logged, verdict.logged());
            switch (verdict) {
                case Verdict.Deny deny -> {
                    if (firstDeny == null) {
                        firstDeny = deny;
                    }
                }
                case Verdict.Hold hold -> {
                    warnings.addAll(hold.warnings());
                    if (firstHold == null) {
                        firstHold = hold;
                    } else if (!firstHold.approval().equals(hold.approval())) {
                        differentHolds = true;
                    }
                }
                case Verdict.Allow allow -> {
                    warnings.addAll(allow.warnings());
                    addAll(allowedBy, allow.rules());
                }
            }
        }
        if (firstDeny != null) {
            return new Verdict.Deny(firstDeny.rule(), firstDeny.message(), firstDeny.statementIndex(), logged);
        }
        if (differentHolds) {
            return new Verdict.Deny(Optional.empty(), "statement denied: its statements need different approvals;"
                    + " send them one at a time", firstHold.statementIndex(), logged);
        }
        if (firstHold != null) {
            return new Verdict.Hold(firstHold.rule(), firstHold.approval(), firstHold.message(),
                    firstHold.statementIndex(), logged, warnings);
        }
        return new Verdict.Allow(allowedBy, logged, warnings);
    }

    private static Verdict decideStatement(StatementClassification statement, int index, Identity identity,
            String target, RuleSet rules, UnknownAction unknownAction) {
        if (statement.prepared().isEmpty()) {
            return evaluate(statement, index, identity, target, rules, unknownAction);
        }
        Prepared prepared = statement.prepared().get();
        Verdict body = evaluate(prepared.body(), index, identity, target, rules, unknownAction);
        Verdict own = evaluate(statement, index, identity, target, rules, unknownAction);
        List<RuleRef> logged = new ArrayList<>(body.logged());
        addAll(logged, own.logged());
        return switch (body) {
            case Verdict.Deny deny -> new Verdict.Deny(deny.rule(), deny.message(), index, logged);
            case Verdict.Hold hold -> switch (own) {
                case Verdict.Allow allow -> {
                    List<String> warnings = new ArrayList<>(allow.warnings());
                    warnings.add("prepared statement \"" + prepared.name() + "\" will be held for approval when executed"
                            + " (" + hold.message() + ")");
                    yield new Verdict.Allow(allow.rules(), logged, warnings);
                }
                default -> own;
            };
            case Verdict.Allow allow -> switch (own) {
                case Verdict.Allow ownAllow -> {
                    List<String> warnings = new ArrayList<>(allow.warnings());
                    warnings.addAll(ownAllow.warnings());
                    List<RuleRef> allowedBy = new ArrayList<>(ownAllow.rules());
                    addAll(allowedBy, allow.rules());
                    yield new Verdict.Allow(allowedBy, logged, warnings);
                }
                default -> own;
            };
        };
    }

    private static Verdict evaluate(StatementClassification statement, int index, Identity identity, String target,
            RuleSet rules, UnknownAction unknownAction) {
        List<RuleRef> logged = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            if (!rule.enabled() || !RuleMatcher.matches(rule, statement, identity, target)) {
                continue;
            }
            switch (rule.action()) {
                case LOG -> logged.add(rule.ref());
                case ALLOW -> {
                    List<String> warnings = statement.isUnknown()
                            ? List.of("allowed by rule \"" + rule.id() + "\" although Bulwark cannot tell what it does: "
                                    + String.join("; ", statement.unknownReasons()))
                            : List.of();
                    return new Verdict.Allow(List.of(rule.ref()), logged, warnings);
                }
                case DENY -> {
                    String message = "statement denied by rule \"" + rule.id() + "\""
                            + (rule.message().isEmpty() ? "" : ": " + rule.message());
                    return new Verdict.Deny(Optional.of(rule.ref()), message, index, logged);
                }
                case HOLD -> {
                    String message = "statement held for approval by rule \"" + rule.id() + "\""
                            + (rule.message().isEmpty() ? "" : ": " + rule.message());
                    return new Verdict.Hold(Optional.of(rule.ref()), rule.approval(), message, index, logged, List.of());
                }
            }
        }
        if (!statement.isUnknown()) {
            return Verdict.Allow.byDefault(logged, List.of());
        }
        String reasons = String.join("; ", statement.unknownReasons());
        return switch (unknownAction.mode()) {
            case DENY -> new Verdict.Deny(Optional.empty(),
                    "statement denied: Bulwark cannot tell what it does (" + reasons + ")", index, logged);
            case HOLD -> new Verdict.Hold(Optional.empty(), unknownAction.approval(),
                    "statement held for approval: Bulwark cannot tell what it does (" + reasons + ")", index, logged,
                    List.of());
            case ALLOW -> Verdict.Allow.byDefault(logged,
                    List.of("allowed although Bulwark cannot tell what it does: " + reasons));
        };
    }

    private static void addAll(List<RuleRef> into, List<RuleRef> added) {
        for (RuleRef ref : added) {
            if (!into.contains(ref)) {
                into.add(ref);
            }
        }
    }
}
