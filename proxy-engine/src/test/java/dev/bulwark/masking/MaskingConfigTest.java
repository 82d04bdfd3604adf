package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskingConfigTest {

    @Test
    void defaultsArePinned() {
        MaskingConfig empty = new MaskingConfig(null, null, null);
        assertEquals(List.of(), empty.rules());
        assertEquals(8 << 20, empty.maxScanBytes());
        assertEquals(16 << 20, empty.maxCopyLineBytes());
        MaskingRule rule = new MaskingRule("r", null, null, null, null, null, null, "t", "c", null, null, null, null, null,
                null);
        assertEquals("r", rule.name());
        assertTrue(rule.enabled());
        assertEquals("*", rule.schema());
        assertEquals(StrategyKind.REDACT, rule.strategy());
        assertEquals(DetectorScope.COMPUTED, rule.scope());
        assertTrue(rule.appliesTo().isEmpty());
        assertTrue(rule.exempt().isEmpty());
    }

    @Test
    void recordingsOfReadersARuleDoesNotMaskAreMaskedByItUnlessItSaysAsSeen() throws Exception {
        MaskingPolicy policy = MaskingPolicy.compile(read("""
                rules:
                  - {id: card, exempt: {groups: [dba]}, table: customers, column: card_number, strategy: partial}
                  - {id: phone, exempt: {groups: [dba]}, table: customers, column: phone, record: as_seen}
                  - {id: ssn-for-analysts, applies_to: {groups: [analysts]}, table: customers, column: ssn, record: masked}
                  - {id: off, enabled: false, table: customers, column: email}
                  - {id: elsewhere, targets: [other], table: customers, column: city}
                """), TestData.KEY);
        assertTrue(policy.forSession(TestData.DBA, "shop").masksNothing(), "dba reads everything clear");
        assertEquals(List.of("card", "ssn-for-analysts"), policy.forRecording(TestData.DBA, "shop").ruleIds(),
                "its recording masks what the rules it is exempt from or outside of protect, except as_seen");
        assertEquals(List.of("card", "phone", "ssn-for-analysts"), policy.forSession(TestData.ALICE, "shop").ruleIds());
        assertTrue(policy.forRecording(TestData.ALICE, "shop").masksNothing(), "alice's results are already masked");
        Exception bad = assertThrows(Exception.class, () -> read("""
                rules:
                  - {id: x, table: t, column: c, record: clear}
                """));
        assertTrue(bad.getMessage().contains("record must be masked or as_seen"), bad.getMessage());
    }

    @Test
    void demoRulesLoad() {
        MaskingConfig demo = MaskingConfig.demo();
        assertEquals(List.of("customers-email", "customers-card", "customers-phone", "customers-ssn", "computed-by-name",
                "computed-detectors"), demo.rules().stream().map(MaskingRule::id).toList());
        MaskingPolicy policy = MaskingPolicy.compile(demo, TestData.KEY);
        assertEquals(6, policy.ruleCount());
        assertEquals(6, policy.forSession(TestData.ALICE, "any").ruleIds().size());
        assertTrue(policy.forSession(TestData.DBA, "any").masksNothing());
    }

    @Test
    void scopingByTargetSubjectGroupAndExemption() {
        MaskingPolicy policy = TestData.policy("""
                rules:
                  - id: prod-only
                    targets: [prod]
                    table: customers
                    column: email
                  - id: bob-only
                    applies_to: {subjects: [bob]}
                    table: customers
                    column: phone
                  - id: everyone-but-dba
                    exempt: {groups: [dba], subjects: [carol]}
                    table: customers
                    column: card_number
                  - id: off
                    enabled: false
                    table: customers
                    column: ssn
                """);
        assertEquals(List.of("prod-only", "everyone-but-dba"), policy.forSession(TestData.ALICE, "prod").ruleIds());
        assertEquals(List.of("everyone-but-dba"), policy.forSession(TestData.ALICE, "staging").ruleIds());
        assertEquals(List.of("bob-only", "everyone-but-dba"), policy.forSession(TestData.identity("bob"), "x").ruleIds());
        assertEquals(List.of(), policy.forSession(TestData.identity("carol"), "x").ruleIds());
        assertEquals(List.of("prod-only"), policy.forSession(TestData.identity("dave", "dba", "analysts"), "prod").ruleIds());
    }

    @Test
    void tablePatternsAreGlobsAndCaseInsensitive() {
        SessionMasking session = TestData.policy("""
                rules:
                  - {id: g, schema: "sales*", table: "cust?mers", column: "*mail"}
                """).forSession(TestData.ALICE, "t");
        assertTrue(session.hasColumnRulesOn(new TableName("sales_eu", "Customers")));
        assertTrue(session.hasColumnRulesOn(new TableName("", "customers")), "unqualified names match any schema");
        assertFalse(session.hasColumnRulesOn(new TableName("public", "customers")));
        assertFalse(session.hasColumnRulesOn(new TableName("sales", "customer")));
    }

    @Test
    void theReadmesExampleRulesLoad() throws Exception {
        // The README documents the rule format with an example: it must stay a valid file.
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        int section = readme.indexOf("## Masking rules");
        assertTrue(section >= 0, "the README has a Masking rules section");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        MaskingConfig config = MaskingConfig.read(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(List.of("customers-email", "computed-by-name", "computed-detectors"),
                config.rules().stream().map(MaskingRule::id).toList());
        MaskingPolicy.compile(config, TestData.KEY);
    }

    @Test
    void invalidRulesNameTheKey() {
        assertMessage("rules:\n  - {table: t, column: c}\n", "masking rules[0].id is required");
        assertMessage("rules:\n  - {id: a, table: t}\n", "(id 'a'): table needs column");
        assertMessage("rules:\n  - {id: a, column: c}\n", "(id 'a'): column needs table");
        assertMessage("rules:\n  - {id: a}\n", "must list detectors or patterns");
        assertMessage("rules:\n  - {id: a, table: t, column: c, column_name: x}\n", "either table + column or column_name");
        assertMessage("rules:\n  - {id: a, column_name: '('}\n", ".column_name is not a valid regular expression");
        assertMessage("rules:\n  - {id: a, patterns: ['x*']}\n", ".patterns[0] matches the empty string");
        assertMessage("rules:\n  - {id: a, table: t, column: c, strategy: partial, params: {keep_last: -1}}\n",
                "params.keep_last must be a non-negative integer");
        assertMessage("rules:\n  - {id: a, table: t, column: c, strategy: redact, params: {keep_last: 1}}\n",
                "params.keep_last is not a parameter of this strategy");
        assertMessage("rules:\n  - {id: a, table: t, column: c, strategy: fixed}\n", "needs params.value");
        assertMessage("rules:\n  - {id: a, table: t, column: c, strategy: tokenize, params: {length: 4}}\n",
                "params.length must be between 8 and 64");
        assertMessage("rules:\n  - {id: a, table: t, column: c}\n  - {id: a, table: t, column: d}\n",
                "id is used by another rule");
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.compile(
                read("rules:\n  - {id: a, table: t, column: c, strategy: tokenize}\n"), null));
        assertTrue(noKey.getMessage().contains("needs the tokenization key"), noKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.compile(MaskingConfig.EMPTY, new byte[8]));
        // unknown keys and enum values are rejected by the reader
        assertThrows(Exception.class, () -> read("rules:\n  - {id: a, table: t, column: c, strategy: shuffle}\n"));
        assertThrows(Exception.class, () -> read("rules:\n  - {id: a, detectors: [dna]}\n"));
        assertThrows(Exception.class, () -> read("rules:\n  - {id: a, tabel: t}\n"));
    }

    @Test
    void accessDefaultsToAnyIsValidatedAndTheDemoLimitsEveryoneButDba() throws Exception {
        assertEquals(ColumnAccess.ANY, new MaskingRule("r", null, null, null, null, null, null, "t", "c", null, null, null,
                null, null, null).access());
        assertEquals(ColumnAccess.MASKED_ONLY, read("rules:\n  - {id: a, table: t, column: c, access: masked_only}\n")
                .rules().get(0).access());
        assertMessage("rules:\n  - {id: a, column_name: email, access: masked_only}\n",
                "masking rules[0] (id 'a'): access masked_only needs table + column");
        assertMessage("rules:\n  - {id: a, detectors: [email], access: masked_only}\n",
                "masking rules[0] (id 'a'): access masked_only needs table + column");
        Exception unknown = assertThrows(Exception.class,
                () -> read("rules:\n  - {id: a, table: t, column: c, access: sometimes}\n"));
        assertTrue(unknown.getMessage().contains("unknown access 'sometimes', expected one of any, masked_only"),
                unknown.getMessage());
        MaskingPolicy demo = MaskingPolicy.compile(MaskingConfig.demo(), TestData.KEY);
        assertEquals(List.of(ColumnAccess.MASKED_ONLY, ColumnAccess.MASKED_ONLY, ColumnAccess.MASKED_ONLY,
                ColumnAccess.MASKED_ONLY, ColumnAccess.ANY, ColumnAccess.ANY),
                MaskingConfig.demo().rules().stream().map(MaskingRule::access).toList());
        assertTrue(demo.forSession(TestData.ALICE, "demo").limitsAccess());
        assertFalse(demo.forSession(TestData.DBA, "demo").limitsAccess());
        assertFalse(TestData.policy("rules:\n  - {id: a, table: t, column: c}\n").forSession(TestData.ALICE, "x")
                .limitsAccess(), "access: any costs nothing");
    }

    private static void assertMessage(String yaml, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingPolicy.compile(read(yaml), TestData.KEY));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static MaskingConfig read(String yaml) throws Exception {
        return MaskingConfig.read(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
