package dev.bulwark.policy;

import dev.bulwark.auth.Identity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class PolicyEngineTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final Identity ALICE = new Identity("alice", Set.of("analysts"), "iss", "", Instant.MAX, Map.of());

    private static final Rule LOG_WRITES = Rule.log("log-writes", kinds(StatementKind.WRITE));
    private static final Rule DENY_DDL = Rule.deny("no-ddl", kinds(StatementKind.DDL), "only dba may run DDL");
    private static final Rule HOLD_DELETES = Rule.hold("hold-deletes", verbs(Verb.DELETE), Approval.by("dba"));
    private static final Rule HOLD_UPDATES = Rule.hold("hold-updates", verbs(Verb.UPDATE),
            new Approval(List.of("security"), 2, Duration.ofMinutes(5), HoldMode.RETRY, Duration.ofMinutes(1)));

    private static RuleMatch kinds(StatementKind... kinds) {
        return new RuleMatch(null, null, null, null, List.of(kinds), null, null, null, null);
    }

    private static RuleMatch verbs(Verb... verbs) {
        return new RuleMatch(null, null, null, null, null, List.of(verbs), null, null, null);
    }

    private static Verdict decide(String sql, UnknownAction unknown, Rule... rules) {
        return PolicyEngine.decide(CLASSIFIER.classify(sql), ALICE, "prod", RuleSet.of(List.of(rules)), unknown);
    }

    private static Verdict decide(String sql, Rule... rules) {
        return decide(sql, UnknownAction.DENY, rules);
    }

    @Test
    void noMatchingRuleAllows() {
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class, decide("SELECT 1", DENY_DDL));
        assertEquals(List.of(), allow.logged());
        assertEquals(List.of(), allow.warnings());
    }

    @Test
    void anAllowedStatementNamesTheRuleThatAllowedIt() {
        Rule allowReads = Rule.allow("allow-reads", kinds(StatementKind.READ));
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class, decide("SELECT 1", LOG_WRITES, allowReads, DENY_DDL));
        assertEquals(List.of(allowReads.ref()), allow.rules());
        assertEquals(List.of(allowReads.ref()), allow.decidedBy());
        Verdict.Allow byDefault = assertInstanceOf(Verdict.Allow.class, decide("SELECT 1", DENY_DDL));
        assertEquals(List.of(), byDefault.rules(), "no rule allowed it: nothing is named");
        Verdict.Allow unknown = assertInstanceOf(Verdict.Allow.class, decide("DO $$ BEGIN END $$", UnknownAction.ALLOW_WITH_WARNING, DENY_DDL));
        assertEquals(List.of(), unknown.rules(), "unknown_action, not a rule, allowed it");
    }

    @Test
    void aQueryOfSeveralStatementsNamesEachAllowingRuleOnce() {
        Rule allowReads = Rule.allow("allow-reads", kinds(StatementKind.READ));
        Rule allowWrites = Rule.allow("allow-writes", kinds(StatementKind.WRITE));
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class,
                decide("SELECT 1; INSERT INTO t VALUES (1); SELECT 2", allowReads, allowWrites));
        assertEquals(List.of(allowReads.ref(), allowWrites.ref()), allow.rules());
        assertEquals("allow-reads, allow-writes", RuleRef.ids(allow.rules()));
        Verdict.Allow partly = assertInstanceOf(Verdict.Allow.class, decide("SELECT 1; INSERT INTO t VALUES (1)", allowReads));
        assertEquals(List.of(allowReads.ref()), partly.rules(), "the INSERT was allowed by no rule");
    }

    @Test
    void aPrepareNamesTheRulesThatAllowedItAndItsBody() {
        Rule allowPrepare = Rule.allow("allow-prepare", verbs(Verb.PREPARE));
        Rule allowReads = Rule.allow("allow-reads", kinds(StatementKind.READ));
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class,
                decide("PREPARE p AS SELECT 1", allowPrepare, allowReads));
        assertTrue(allow.rules().contains(allowReads.ref()), allow.rules().toString());
    }

    @Test
    void emptyQueriesAreAllowed() {
        assertInstanceOf(Verdict.Allow.class, decide(" ; -- nothing", Rule.deny("all", RuleMatch.ANYTHING, "no")));
    }

    @Test
    void denyMessagesNameTheRule() {
        Verdict.Deny deny = assertInstanceOf(Verdict.Deny.class, decide("DROP TABLE t", DENY_DDL));
        assertEquals("statement denied by rule \"no-ddl\": only dba may run DDL", deny.message());
        assertEquals(Optional.of(new RuleRef("no-ddl", "no-ddl")), deny.rule());
        Verdict.Deny bare = assertInstanceOf(Verdict.Deny.class,
                decide("DROP TABLE t", Rule.deny("quiet", RuleMatch.ANYTHING, null)));
        assertEquals("statement denied by rule \"quiet\"", bare.message());
    }

    @Test
    void theFirstDecidingRuleWins() {
        Rule allowAll = Rule.allow("allow-all", RuleMatch.ANYTHING);
        assertInstanceOf(Verdict.Allow.class, decide("DROP TABLE t", allowAll, DENY_DDL));
        assertInstanceOf(Verdict.Deny.class, decide("DROP TABLE t", DENY_DDL, allowAll));
    }

    @Test
    void disabledRulesAreSkipped() {
        assertInstanceOf(Verdict.Allow.class, decide("DROP TABLE t", DENY_DDL.withEnabled(false)));
    }

    @Test
    void logRulesRecordAndEvaluationGoesOn() {
        Verdict.Hold hold = assertInstanceOf(Verdict.Hold.class, decide("DELETE FROM t", LOG_WRITES, HOLD_DELETES));
        assertEquals(List.of(new RuleRef("log-writes", "log-writes")), hold.logged());
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class, decide("INSERT INTO t VALUES (1)", LOG_WRITES));
        assertEquals(List.of(new RuleRef("log-writes", "log-writes")), allow.logged());
        Verdict.Allow after = assertInstanceOf(Verdict.Allow.class,
                decide("INSERT INTO t VALUES (1)", Rule.allow("first", RuleMatch.ANYTHING), LOG_WRITES));
        assertEquals(List.of(), after.logged(), "LOG rules after the deciding rule are not reached");
    }

    @Test
    void holdsCarryTheirApproval() {
        Verdict.Hold hold = assertInstanceOf(Verdict.Hold.class, decide("UPDATE t SET a = 1", HOLD_UPDATES));
        assertEquals(2, hold.approval().quorum());
        assertEquals(HoldMode.RETRY, hold.approval().mode());
        assertEquals("statement held for approval by rule \"hold-updates\"", hold.message());
    }

    @Test
    void theMostSevereStatementDecidesAQuery() {
        Verdict deny = decide("DELETE FROM t; SELECT 1; DROP TABLE t", HOLD_DELETES, DENY_DDL);
        assertEquals(2, assertInstanceOf(Verdict.Deny.class, deny).statementIndex(), "deny beats an earlier hold");
        Verdict hold = decide("SELECT 1; DELETE FROM t", HOLD_DELETES, DENY_DDL);
        assertEquals(1, assertInstanceOf(Verdict.Hold.class, hold).statementIndex());
        Verdict firstDeny = decide("DROP TABLE a; DROP TABLE b", DENY_DDL);
        assertEquals(0, assertInstanceOf(Verdict.Deny.class, firstDeny).statementIndex());
    }

    @Test
    void holdsWithDifferentApprovalsInOneQueryAreDenied() {
        Verdict.Deny deny = assertInstanceOf(Verdict.Deny.class,
                decide("DELETE FROM t; UPDATE t SET a = 1", HOLD_DELETES, HOLD_UPDATES));
        assertTrue(deny.message().contains("different approvals"));
        assertInstanceOf(Verdict.Hold.class, decide("DELETE FROM a; DELETE FROM b", HOLD_DELETES));
    }

    @Test
    void aParseHoldingSeveralStatementsIsDenied() {
        Verdict.Deny deny = assertInstanceOf(Verdict.Deny.class, PolicyEngine.decide(
                CLASSIFIER.classifyParse("SELECT 1; SELECT 2"), ALICE, "prod", RuleSet.EMPTY, UnknownAction.DENY));
        assertEquals(Optional.empty(), deny.rule());
        assertTrue(deny.message().contains("only one statement"));
        assertInstanceOf(Verdict.Allow.class, PolicyEngine.decide(
                CLASSIFIER.classifyParse("SELECT 1;"), ALICE, "prod", RuleSet.EMPTY, UnknownAction.DENY));
    }

    @Test
    void unknownStatementsFollowTheUnknownDefault() {
        Verdict.Deny deny = assertInstanceOf(Verdict.Deny.class, decide("SELECT my_fn()", UnknownAction.DENY));
        assertEquals(Optional.empty(), deny.rule());
        assertTrue(deny.message().startsWith("statement denied: Bulwark cannot tell what it does (calls my_fn()"),
                deny.message());
        Verdict.Hold hold = assertInstanceOf(Verdict.Hold.class,
                decide("DO $$ BEGIN END $$", UnknownAction.hold(Approval.by("dba"))));
        assertEquals(List.of("dba"), hold.approval().reviewerGroups());
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class,
                decide("SELECT my_fn()", UnknownAction.ALLOW_WITH_WARNING));
        assertTrue(allow.warnings().get(0).contains("my_fn"));
    }

    @Test
    void aRuleMayDecideAnUnknownStatement() {
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class,
                decide("DO $$ BEGIN END $$", Rule.allow("trusted", RuleMatch.ANYTHING)));
        assertTrue(allow.warnings().get(0).startsWith("allowed by rule \"trusted\" although"));
        assertInstanceOf(Verdict.Deny.class, decide("SELECT my_fn()", Rule.allow("reads", kinds(StatementKind.READ))),
                "an ALLOW for reads does not cover the unknown call; the default denies");
    }

    @Test
    void prepareIsJudgedByWhatItPrepares() {
        Verdict.Deny deny = assertInstanceOf(Verdict.Deny.class, decide("PREPARE p AS CREATE TABLE x AS SELECT 1", DENY_DDL));
        assertEquals(Optional.of(new RuleRef("no-ddl", "no-ddl")), deny.rule());
        Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class, decide("PREPARE p AS DELETE FROM t", HOLD_DELETES));
        assertTrue(allow.warnings().get(0).contains("held for approval when executed"), allow.warnings().toString());
        assertInstanceOf(Verdict.Deny.class, decide("PREPARE p AS SELECT my_fn()"));
    }

    @Test
    void decidingIsPure() {
        QueryClassification query = CLASSIFIER.classify("DELETE FROM t; DROP TABLE x");
        RuleSet rules = RuleSet.of(List.of(LOG_WRITES, HOLD_DELETES, DENY_DDL));
        Verdict first = PolicyEngine.decide(query, ALICE, "prod", rules, UnknownAction.DENY);
        Verdict second = PolicyEngine.decide(query, ALICE, "prod", rules, UnknownAction.DENY);
        assertEquals(first, second);
    }
}
