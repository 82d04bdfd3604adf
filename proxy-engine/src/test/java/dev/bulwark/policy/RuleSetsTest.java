package dev.bulwark.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class RuleSetsTest {

    private static String errorOf(String yaml) {
        return assertThrows(RuleSetException.class, () -> RuleSets.fromYaml(yaml)).getMessage();
    }

    @Test
    void demoRulesLoadAndHaveNoWarnings() {
        RuleSet demo = DemoRules.load();
        assertEquals(1, demo.version());
        assertEquals("demo", demo.changedBy());
        assertEquals(List.of("log-customer-access", "dba-anything", "unknown-deny", "no-ddl", "no-truncate",
                "ci-no-copy-in", "ci-read-only", "ci-nothing-else", "hold-unfiltered-writes", "analysts-rows",
                "everyone-else"), demo.rules().stream().map(Rule::id).toList());
        assertEquals(List.of(), RuleSets.warnings(demo));
        Approval approval = demo.rules().get(8).approval();
        assertEquals(Approval.by("dba"), approval);
    }

    @Test
    void jsonRoundTripsAndIsPinned() throws Exception {
        RuleSet rules = new RuleSet(7, List.of(
                new Rule("hold-deletes", "Hold deletes", true,
                        new RuleMatch(List.of("prod"), null, List.of("analysts"), Map.of("team", "data*"),
                                List.of(StatementKind.WRITE), List.of(Verb.DELETE), List.of("public.*"), true, "^delete"),
                        RuleAction.HOLD, "needs a second pair of eyes",
                        new Approval(List.of("dba", "leads"), 2, Duration.ofMinutes(90), HoldMode.RETRY, Duration.ofMinutes(5))),
                Rule.deny("no-ddl", new RuleMatch(null, null, null, null, List.of(StatementKind.DDL), null, null, null, null),
                        "only dba").withEnabled(false)),
                "admin@example.com", Instant.parse("2026-11-21T10:15:30Z"));
        String json = RuleSets.toJson(rules);
        assertEquals("""
                {"version":7,"rules":[{"id":"hold-deletes","name":"Hold deletes","enabled":true,"match":{"targets":["prod"],\
                "groups":["analysts"],"claims":{"team":"data*"},"kinds":["WRITE"],"verbs":["DELETE"],"tables":["public.*"],\
                "missing_where":true,"text_pattern":"^delete"},"action":"HOLD","message":"needs a second pair of eyes",\
                "approval":{"reviewer_groups":["dba","leads"],"quorum":2,"timeout":"1h30m","mode":"RETRY","retry_window":"5m"}},\
                {"id":"no-ddl","name":"no-ddl","enabled":false,"match":{"kinds":["DDL"]},"action":"DENY","message":"only dba"}],\
                "changed_by":"admin@example.com","changed_at":"2026-11-21T10:15:30Z"}""", json);
        assertEquals(rules, RuleSets.fromJson(json));
        assertEquals(rules, RuleSets.fromYaml(RuleSets.toYaml(rules)));
    }

    @Test
    void defaultsFillWhatIsLeftOut() throws Exception {
        RuleSet rules = RuleSets.fromYaml("""
                rules:
                  - id: a
                    action: deny
                  - id: b
                    action: hold
                    approval: {reviewer_groups: dba}
                """);
        assertEquals(0, rules.version());
        assertEquals(Instant.EPOCH, rules.changedAt());
        Rule deny = rules.rules().get(0);
        assertTrue(deny.enabled());
        assertEquals("a", deny.name());
        assertEquals(RuleMatch.ANYTHING, deny.match());
        assertEquals("", deny.message());
        assertEquals(Approval.by("dba"), rules.rules().get(1).approval(), "quorum 1, 15m, WAIT, retry 10m");
    }

    @Test
    void enumsAreCaseInsensitive() throws Exception {
        RuleSet rules = RuleSets.fromYaml("""
                rules:
                  - id: a
                    action: Allow
                    match: {kinds: [read, Session], verbs: [select]}
                """);
        assertEquals(List.of(StatementKind.READ, StatementKind.SESSION), rules.rules().get(0).match().kinds());
    }

    @Test
    void unknownKindIsNamedWithItsPlace() {
        String message = errorOf("""
                rules:
                  - id: ok
                    action: allow
                  - id: broken
                    action: deny
                    match: {kinds: [DDLL]}
                """);
        assertTrue(message.startsWith("rules[1] (id \"broken\").match.kinds[0]: unknown kind \"DDLL\"; expected one of READ"),
                message);
    }

    @Test
    void unknownVerb() {
        String message = errorOf("rules: [{id: x, action: deny, match: {verbs: [DELTE]}}]");
        assertTrue(message.contains("unknown verb \"DELTE\""), message);
    }

    @Test
    void unknownAction() {
        String message = errorOf("rules: [{id: x, action: forbid}]");
        assertTrue(message.contains("unknown action \"forbid\""), message);
    }

    @Test
    void badRegex() {
        String message = errorOf("rules: [{id: x, action: deny, match: {text_pattern: 'from ('}}]");
        assertTrue(message.startsWith("rules[0] (id \"x\").match: text_pattern is not a valid regular expression"), message);
    }

    @Test
    void duplicateIds() {
        String message = errorOf("""
                rules:
                  - {id: same, action: allow}
                  - {id: other, action: allow}
                  - {id: same, action: deny}
                """);
        assertTrue(message.contains("rule ids must be unique; repeated: \"same\" (rules [0, 2])"), message);
    }

    @Test
    void quorumBelowOne() {
        String message = errorOf("""
                rules:
                  - id: h
                    action: hold
                    approval: {reviewer_groups: [dba], quorum: 0}
                """);
        assertEquals("rules[0] (id \"h\").approval: quorum must be at least 1 (got 0)", message);
    }

    @Test
    void holdNeedsApprovalAndOthersMustNotHaveOne() {
        assertTrue(errorOf("rules: [{id: h, action: hold}]").contains("a HOLD rule needs approval"));
        assertTrue(errorOf("rules: [{id: d, action: deny, approval: {reviewer_groups: [dba]}}]")
                .contains("approval is only for HOLD rules"));
        assertTrue(errorOf("rules: [{id: h, action: hold, approval: {quorum: 2}}]")
                .contains("reviewer_groups must name at least one group"));
    }

    @Test
    void badDurationsAndTimeouts() {
        assertTrue(errorOf("rules: [{id: h, action: hold, approval: {reviewer_groups: [dba], timeout: soon}}]")
                .contains("cannot read duration \"soon\""));
        assertTrue(errorOf("rules: [{id: h, action: hold, approval: {reviewer_groups: [dba], timeout: 2d}}]")
                .contains("timeout must be more than 0 and at most 1d (got 2d)"));
    }

    @Test
    void unknownKeysAreRejected() {
        String message = errorOf("rules: [{id: x, action: deny, mesage: typo}]");
        assertTrue(message.startsWith("rules[0] (id \"x\"): unknown key \"mesage\""), message);
        assertTrue(message.contains("message"), "the known keys are listed: " + message);
    }

    @Test
    void badIdsAndTablePatterns() {
        assertTrue(errorOf("rules: [{id: 'has space', action: deny}]").contains("id \"has space\" must be"));
        assertTrue(errorOf("rules: [{id: x, action: deny, match: {tables: ['a.b.c']}}]")
                .contains("table pattern \"a.b.c\" has more than schema.table"));
    }

    @Test
    void malformedYamlAndEmptyInput() {
        assertTrue(errorOf("rules: [unclosed").startsWith("the rule set is not well-formed"));
        assertEquals("the rule set is empty", errorOf(""));
        assertTrue(errorOf("rules:\n  - id: a\n    id: b\n    action: deny\n").contains("Duplicate field 'id'"));
    }

    @Test
    void warningsForUnreachableRules() throws Exception {
        RuleSet rules = RuleSets.fromYaml("""
                rules:
                  - {id: log-all, action: log}
                  - {id: deny-all, action: deny}
                  - {id: never, action: allow, match: {groups: [dba]}}
                """);
        assertEquals(List.of("rule \"never\" is never reached: rule \"deny-all\" before it decides every statement"),
                RuleSets.warnings(rules));
    }

    @Test
    void unknownActionForms() throws Exception {
        assertEquals(UnknownAction.DENY, RuleSets.unknownActionFromJson("\"deny\""));
        assertEquals(UnknownAction.ALLOW_WITH_WARNING, RuleSets.unknownActionFromJson("\"ALLOW\""));
        UnknownAction hold = RuleSets.unknownActionFromJson(
                "{\"mode\":\"hold\",\"approval\":{\"reviewer_groups\":[\"dba\"],\"timeout\":\"5m\"}}");
        assertEquals(Duration.ofMinutes(5), hold.approval().timeout());
        assertEquals(hold, RuleSets.unknownActionFromJson(RuleSets.toJson(hold)));
        assertEquals("{\"mode\":\"DENY\"}", RuleSets.toJson(UnknownAction.DENY));
        assertEquals(UnknownAction.DENY, RuleSets.unknownActionFromJson(RuleSets.toJson(UnknownAction.DENY)));
        assertTrue(assertThrows(RuleSetException.class, () -> RuleSets.unknownActionFromJson("\"hold\""))
                .getMessage().contains("needs approval"));
        assertTrue(assertThrows(RuleSetException.class, () -> RuleSets.unknownActionFromJson("\"maybe\""))
                .getMessage().contains("must be deny, hold or allow"));
    }

    @Test
    void durationsReadAndWriteInHumanForm() {
        assertEquals(Duration.ofMinutes(15), PolicyJson.parseDuration("15m"));
        assertEquals(Duration.ofMinutes(90), PolicyJson.parseDuration("1h30m"));
        assertEquals(Duration.ofMillis(1500), PolicyJson.parseDuration("1s500ms"));
        assertEquals(Duration.ofMinutes(15), PolicyJson.parseDuration("PT15M"));
        assertEquals("1h30m", PolicyJson.formatDuration(Duration.ofMinutes(90)));
        assertEquals("1d2h", PolicyJson.formatDuration(Duration.ofHours(26)));
        assertThrows(IllegalArgumentException.class, () -> PolicyJson.parseDuration("m15"));
    }

    @Test
    void theDemoResourceIsValidYamlOnItsOwn() throws IOException, RuleSetException {
        try (InputStream in = DemoRules.class.getResourceAsStream(DemoRules.RESOURCE)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(DemoRules.load(), RuleSets.fromYaml(yaml));
        }
    }
}
