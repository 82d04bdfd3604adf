package dev.bulwark.engine;

import dev.bulwark.auth.Identity;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.masking.MaskedAccess;
import dev.bulwark.masking.SessionMasking;
import dev.bulwark.model.Classification;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.Operator;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.VerdictSummary;
import dev.bulwark.policy.Operation;
import dev.bulwark.policy.PolicyEngine;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleRef;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.UnknownAction;
import dev.bulwark.policy.Verdict;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Rules through the {@link RuleBook}; tests run the real classifier, policy and masking, never the database. */
final class RuleBookBackend implements ManagementBackend.RulesBackend {
    /** A test identity's issuer: it holds no token, so nothing can mistake it for a real one. */
    static final String TEST_ISSUER = "test";
    private static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    private final EngineManagementBackend.Parts parts;

    RuleBookBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
    }

    @Override
    public CompletableFuture<List<RuleDocument>> list(Optional<RuleKind> kind) {
        return CompletableFuture.completedFuture(parts.rules().documents(kind));
    }

    @Override
    public CompletableFuture<RuleDocument> get(RuleKind kind, String id) {
        return parts.rules().document(kind, id).map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(ManagementException.notFound(
                        "no " + kind.name().toLowerCase(Locale.ROOT) + " rule \"" + id + "\"")));
    }

    @Override
    public CompletableFuture<RuleDocument> put(RuleKind kind, String id, com.fasterxml.jackson.databind.JsonNode body,
            OptionalLong expectedVersion, Operator by) {
        return StoreFailures.asUnavailable(parts.rules().put(kind, id, body, expectedVersion, by.name()), "the rule change");
    }

    @Override
    public CompletableFuture<RuleDocument> delete(RuleKind kind, String id, OptionalLong expectedVersion, Operator by) {
        return StoreFailures.asUnavailable(parts.rules().delete(kind, id, expectedVersion, by.name()), "the rule deletion");
    }

    @Override
    public CompletableFuture<RuleTestResult> test(String statement, TestIdentity identity, Optional<String> target) {
        String targetName;
        if (target.isPresent()) {
            if (parts.target(target.get()).isEmpty()) {
                return CompletableFuture.failedFuture(ManagementException.notFound("no target \"" + target.get() + "\""));
            }
            targetName = target.get();
        } else if (parts.targets().size() <= 1) {
            targetName = parts.targets().isEmpty() ? "" : parts.targets().getFirst().name();
        } else {
            return CompletableFuture.failedFuture(ManagementException.badRequest("name the target to test on (one of "
                    + parts.targets().stream().map(TargetConfig::name).collect(Collectors.joining(", ")) + ")"));
        }
        // Classification can take milliseconds (the first parse about a second): not on the event loop.
        return CompletableFuture.supplyAsync(() -> test(statement, identity(identity), targetName), parts.blocking());
    }

    private RuleTestResult test(String statement, Identity identity, String target) {
        QueryClassification query = parts.classifier().classify(statement);
        UnknownAction unknownAction = parts.unknownActions().apply(target);
        Verdict verdict = PolicyEngine.decide(query, identity, target, parts.rules().policy(),
                unknownAction == null ? UnknownAction.DENY : unknownAction);
        List<MaskedColumn> masked = List.of();
        if (!(verdict instanceof Verdict.Deny)) {
            MaskingRuleFormat.Compiled masking = parts.rules().maskingRules();
            SessionMasking session = masking.policy().forSession(identity, target);
            if (session.limitsAccess()) {
                // access: masked_only, by name (no catalog here: a view over a masked column shows at run time).
                StatementAccess.Facts facts = StatementAccess.facts(query, session);
                if (session.checkAccess(facts.uses(), facts.untraced(), name -> Optional.empty(), false)
                        instanceof MaskedAccess.Refused refused) {
                    return new RuleTestResult(classification(query),
                            new VerdictSummary(VerdictAction.DENY, refused.ruleId(), null, refused.message()), List.of());
                }
            }
            masked = MaskingPreview.columns(query, session, masking.config());
        }
        return new RuleTestResult(classification(query), summary(verdict, !masked.isEmpty()), masked);
    }

    static Identity identity(TestIdentity identity) {
        return new Identity(identity.subject(), Set.copyOf(identity.groups()), TEST_ISSUER, "", NEVER, Map.of());
    }

    static Classification classification(QueryClassification query) {
        Set<String> verbs = new LinkedHashSet<>();
        Set<String> tables = new LinkedHashSet<>();
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                verbs.add(operation.verb().name());
                operation.tables().forEach(table -> tables.add(table.toString()));
            }
        }
        return new Classification(query.kind().name().toLowerCase(Locale.ROOT), List.copyOf(verbs), List.copyOf(tables));
    }

    static VerdictSummary summary(Verdict verdict, boolean masks) {
        return switch (verdict) {
            case Verdict.Allow allow -> new VerdictSummary(masks ? VerdictAction.MASK : VerdictAction.ALLOW,
                    RuleRef.ids(allow.rules()), RuleRef.names(allow.rules()),
                    allow.warnings().isEmpty() ? null : String.join("; ", allow.warnings()));
            case Verdict.Deny deny -> new VerdictSummary(VerdictAction.DENY, deny.rule().map(RuleRef::id).orElse(null),
                    deny.rule().map(RuleRef::name).orElse(null), deny.message());
            case Verdict.Hold hold -> new VerdictSummary(VerdictAction.HOLD, hold.rule().map(RuleRef::id).orElse(null),
                    hold.rule().map(RuleRef::name).orElse(null), hold.message());
        };
    }
}
