package dev.bulwark.policy;

import dev.bulwark.auth.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class RuleMatcherTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final Identity ALICE = new Identity("alice", Set.of("analysts", "eu"), "iss", "", Instant.MAX,
            Map.of("department", "finance", "region", "eu-west"));

    private static StatementClassification statement(String sql) {
        return CLASSIFIER.classify(sql).statements().get(0);
    }

    private static RuleMatch match(List<String> tables, List<StatementKind> kinds, List<Verb> verbs) {
        return new RuleMatch(null, null, null, null, kinds, verbs, tables, null, null);
    }

    private static boolean matches(RuleAction action, RuleMatch match, String sql) {
        Rule rule = new Rule("r", null, true, match, action, null, action == RuleAction.HOLD ? Approval.by("dba") : null);
        return RuleMatcher.matches(rule, statement(sql), ALICE, "prod-eu");
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(textBlock = """
            cust*,       customers,  true
            cust*,       cost,       false
            *,           '',         true
            a?c,         abc,        true
            a?c,         ac,         false
            *.customers, x.customers, true
            *x*y*,       axbyc,      true
            *x*y*,       ayxb,       false
            **,          anything,   true
            x,           '',         false
            """)
    void globs(String pattern, String text, boolean expected) {
        assertEquals(expected, Glob.matches(pattern, text));
    }

    @Test
    void tablePatternsFoldAndQuoteLikeNames() {
        assertEquals(new TablePattern("public", "customers"), TablePattern.parse("Public.CUSTOMERS"));
        assertEquals(new TablePattern("Sales", "Q1.2"), TablePattern.parse("\"Sales\".\"Q1.2\""));
        assertEquals(new TablePattern(null, "cust*"), TablePattern.parse("cust*"));
        assertThrows(IllegalArgumentException.class, () -> TablePattern.parse("a.b.c"));
        assertThrows(IllegalArgumentException.class, () -> TablePattern.parse("a."));
        assertThrows(IllegalArgumentException.class, () -> TablePattern.parse("\"open"));
    }

    /**
     * PostgreSQL truncates names to 63 bytes, and so does the classifier; a rule naming a longer table must
     * be truncated the same way, or it never matches the table it names.
     */
    @Test
    void tablePatternsTruncateLikeNames() {
        String longName = "customers_with_a_very_long_name_that_postgresql_truncates_at_sixty_three_bytes";
        TableName read = new StatementClassifier().classify("SELECT * FROM " + longName).statements().get(0)
                .tables().get(0);
        assertTrue(TablePattern.parse(longName).overlaps(read), read.toString());
        assertTrue(TablePattern.parse("public." + longName.toUpperCase()).overlaps(read), read.toString());
        assertTrue(TablePattern.parse("\"" + longName + "\"").covers(read), read.toString());
        // A glob is not cut (that could drop its star): it matches the truncated name by itself.
        assertTrue(TablePattern.parse("customers_with_a_very_long_*").covers(read));
    }

    @Test
    void overlapsIsGenerousAndCoversIsStrict() {
        TablePattern publicCustomers = TablePattern.parse("public.customers");
        TableName unqualified = TableName.unqualified("customers");
        assertTrue(publicCustomers.overlaps(unqualified), "an unqualified name may resolve to public");
        assertFalse(publicCustomers.covers(unqualified), "but it may also resolve elsewhere");
        assertTrue(TablePattern.parse("*.customers").covers(unqualified));
        assertTrue(TablePattern.parse("customers").covers(new TableName("sales", "customers")));
        TableName wholeSchema = new TableName("public", "*");
        assertTrue(TablePattern.parse("*.customers").overlaps(wholeSchema), "DROP SCHEMA public touches customers");
        assertFalse(TablePattern.parse("*.customers").covers(wholeSchema));
        assertTrue(TablePattern.parse("public.*").covers(wholeSchema));
        assertTrue(TablePattern.parse("x").overlaps(TableName.ANY));
        assertFalse(TablePattern.parse("public.*").covers(TableName.ANY));
    }

    @Test
    void denyRulesMatchWhenAnyOperationMatchesAllowRulesWhenEveryOneDoes() {
        RuleMatch reads = match(null, List.of(StatementKind.READ), null);
        String hidden = "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d";
        assertFalse(matches(RuleAction.ALLOW, reads, hidden), "ALLOW reads must not let a hidden DELETE through");
        assertTrue(matches(RuleAction.ALLOW, reads, "SELECT * FROM t"));
        RuleMatch writes = match(null, List.of(StatementKind.WRITE), null);
        assertTrue(matches(RuleAction.DENY, writes, hidden), "DENY writes catches the hidden DELETE");
        assertTrue(matches(RuleAction.LOG, writes, hidden));
        assertTrue(matches(RuleAction.HOLD, writes, hidden));
    }

    @Test
    void tableConditionsFollowTheSameSplit() {
        RuleMatch customers = match(List.of("public.customers"), null, null);
        assertTrue(matches(RuleAction.DENY, customers, "SELECT * FROM customers JOIN orders USING (id)"));
        assertFalse(matches(RuleAction.ALLOW, customers, "SELECT * FROM public.customers JOIN orders USING (id)"));
        RuleMatch publicTables = match(List.of("public.*"), null, null);
        assertTrue(matches(RuleAction.ALLOW, publicTables, "SELECT * FROM public.customers JOIN public.orders USING (id)"));
        assertFalse(matches(RuleAction.ALLOW, publicTables, "SELECT * FROM customers"), "unqualified is not surely public");
        assertFalse(matches(RuleAction.DENY, customers, "SELECT 1"), "no table, nothing to match");
        assertTrue(matches(RuleAction.ALLOW, publicTables, "SELECT 1"), "nothing outside the pattern");
    }

    @Test
    void verbsAndMissingWhereArePerOperation() {
        RuleMatch unfilteredDeletes = new RuleMatch(null, null, null, null, null, List.of(Verb.DELETE), null, true, null);
        assertTrue(matches(RuleAction.HOLD, unfilteredDeletes, "DELETE FROM t"));
        assertFalse(matches(RuleAction.HOLD, unfilteredDeletes, "DELETE FROM t WHERE id = 1"));
        assertFalse(matches(RuleAction.HOLD, unfilteredDeletes, "UPDATE t SET a = 1"), "UPDATE is not DELETE");
        assertTrue(matches(RuleAction.HOLD, unfilteredDeletes,
                "WITH a AS (DELETE FROM t WHERE id = 1 RETURNING 1), b AS (DELETE FROM u RETURNING 1) SELECT 1"));
    }

    @Test
    void identityConditions() {
        RuleMatch analysts = new RuleMatch(null, null, List.of("analy*"), null, null, null, null, null, null);
        assertTrue(matches(RuleAction.ALLOW, analysts, "SELECT 1"));
        RuleMatch others = new RuleMatch(null, List.of("bob", "carol"), null, null, null, null, null, null, null);
        assertFalse(matches(RuleAction.ALLOW, others, "SELECT 1"));
        RuleMatch finance = new RuleMatch(null, null, null, Map.of("department", "fin*", "region", "eu-*"),
                null, null, null, null, null);
        assertTrue(matches(RuleAction.ALLOW, finance, "SELECT 1"));
        RuleMatch missingClaim = new RuleMatch(null, null, null, Map.of("clearance", "*"), null, null, null, null, null);
        assertFalse(matches(RuleAction.ALLOW, missingClaim, "SELECT 1"), "a claim the identity lacks does not match");
        RuleMatch target = new RuleMatch(List.of("prod-*"), null, null, null, null, null, null, null, null);
        assertTrue(matches(RuleAction.DENY, target, "SELECT 1"));
        RuleMatch otherTarget = new RuleMatch(List.of("staging"), null, null, null, null, null, null, null, null);
        assertFalse(matches(RuleAction.DENY, otherTarget, "SELECT 1"));
    }

    @Test
    void textPatternsSeeTheNormalisedText() {
        RuleMatch pattern = new RuleMatch(null, null, null, null, null, null, null, null, "from\\s+payroll\\b");
        assertTrue(matches(RuleAction.DENY, pattern, "SELECT * /* sneaky */ FROM\n  PAYROLL"));
        assertFalse(matches(RuleAction.DENY, pattern, "SELECT 'FROM payroll'"), "literals keep their case");
    }

    @Test
    void aRunawayRegexCountsAsAMatchForDenyAndNotForAllow() {
        RuleMatch runaway = new RuleMatch(null, null, null, null, null, null, null, null, "(.*a){25}x");
        String sql = "SELECT '" + "a".repeat(40) + "'";
        assertTrue(matches(RuleAction.DENY, runaway, sql));
        assertFalse(matches(RuleAction.ALLOW, runaway, sql));
    }

    @Test
    void aRuleWithoutOperationConditionsMatchesUnknownStatements() {
        assertTrue(matches(RuleAction.ALLOW, RuleMatch.ANYTHING, "DO $$ BEGIN END $$"));
        assertFalse(matches(RuleAction.ALLOW, match(null, List.of(StatementKind.READ), null), "SELECT my_fn()"));
    }
}
