package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.auth.Identity;
import dev.bulwark.config.ConfigLoader;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.config.WriteScopeConfig;
import dev.bulwark.policy.DemoRules;
import dev.bulwark.policy.PolicyEngine;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleSet;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.policy.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure part of the write-scope check: when to estimate, how a plan is read, how the estimate decides. */
class WriteScopeTest {
    private static final Identity ALICE = new Identity("alice", Set.of("analysts"), "iss", "", Instant.MAX, Map.of());
    private static final Identity DBA = new Identity("dba", Set.of("dba"), "iss", "", Instant.MAX, Map.of());
    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final RuleSet RULES = DemoRules.load();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Optional<Verdict> ifUnfiltered(Identity who, String sql) {
        QueryClassification query = CLASSIFIER.classify(sql);
        Verdict verdict = PolicyEngine.decide(query, who, "shop", RULES, DemoRules.UNKNOWN_ACTION);
        return WriteScope.ifUnfiltered(query, verdict, q -> PolicyEngine.decide(q, who, "shop", RULES, DemoRules.UNKNOWN_ACTION));
    }

    @Test
    void onlyFilteredWritesWhoseVerdictWouldChangeAreEstimated() {
        for (String sql : List.of("UPDATE orders SET amount = 1 WHERE id > 0", "DELETE FROM orders WHERE id IS NOT NULL",
                "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id",
                "MERGE INTO orders o USING orders s ON o.id = s.id WHEN MATCHED THEN UPDATE SET amount = s.amount",
                "WITH d AS (DELETE FROM orders WHERE id > 0 RETURNING *) SELECT count(*) FROM d",
                "INSERT INTO orders SELECT * FROM orders ON CONFLICT (id) DO UPDATE SET amount = 0")) {
            Optional<Verdict> other = ifUnfiltered(ALICE, sql);
            assertTrue(other.isPresent(), sql);
            assertInstanceOf(Verdict.Hold.class, other.get(), sql);
        }
        // dba's rule allows either way; reads, inserts and already-unfiltered writes have nothing to estimate.
        assertEquals(Optional.empty(), ifUnfiltered(DBA, "UPDATE orders SET amount = 1 WHERE id > 0"));
        assertEquals(Optional.empty(), ifUnfiltered(ALICE, "SELECT * FROM orders WHERE id > 0"));
        assertEquals(Optional.empty(), ifUnfiltered(ALICE, "INSERT INTO orders (customer_id) VALUES (1)"));
        assertEquals(Optional.empty(), ifUnfiltered(ALICE, "DELETE FROM orders"));
        assertEquals(List.of("UPDATE orders SET amount = 1 WHERE id > 0"), WriteScope.filteredWrites(
                CLASSIFIER.classify("SELECT 1; UPDATE orders SET amount = 1 WHERE id > 0")).stream().map(s -> s.text()).toList());
    }

    @Test
    void readsTheRowsEachModifyTableTakesFromItsInput() throws Exception {
        JsonNode cte = JSON.readTree("""
                [{"Plan": {"Node Type": "Aggregate", "Plan Rows": 1, "Plans": [
                  {"Node Type": "ModifyTable", "Operation": "Delete", "Parent Relationship": "InitPlan",
                   "Relation Name": "orders", "Schema": "public", "Plan Rows": 20000, "Plans": [
                     {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Plan Rows": 19000.0}]},
                  {"Node Type": "ModifyTable", "Operation": "Insert", "Parent Relationship": "InitPlan",
                   "Relation Name": "log", "Schema": "public", "Plans": [
                     {"Node Type": "Result", "Parent Relationship": "Outer", "Plan Rows": 5}]},
                  {"Node Type": "ModifyTable", "Operation": "Insert", "Conflict Resolution": "UPDATE",
                   "Relation Name": "t", "Schema": "s", "Plans": [
                     {"Node Type": "Values Scan", "Parent Relationship": "Outer", "Plan Rows": 3}]},
                  {"Node Type": "CTE Scan", "Parent Relationship": "Outer", "Plan Rows": 20000}]}}]""");
        assertEquals(List.of(new WriteScope.Touch("public", "orders", "Delete", 19000),
                new WriteScope.Touch("s", "t", "Insert", 3)), WriteScope.touches(cte));
        // What cannot be read fails (and the estimate with it, closed).
        assertThrows(IllegalArgumentException.class, () -> WriteScope.touches(JSON.readTree("[]")));
        assertThrows(IllegalArgumentException.class, () -> WriteScope.touches(JSON.readTree("""
                [{"Plan": {"Node Type": "ModifyTable", "Operation": "Update", "Relation Name": "orders", "Plans": [
                  {"Parent Relationship": "Outer", "Plan Rows": 1}]}}]""")));
        assertThrows(IllegalArgumentException.class, () -> WriteScope.touches(JSON.readTree("""
                [{"Plan": {"Node Type": "ModifyTable", "Operation": "Update", "Relation Name": "orders", "Schema": "public"}}]""")));
        assertEquals(20000.0, WriteScope.tableRows(JSON.readTree("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Plan Rows\": 20000}}]")));
    }

    @Test
    void aWriteOfTheConfiguredShareOfItsTableIsWide() {
        WriteScopeConfig config = WriteScopeConfig.defaults(); // 0.3, at least 2 rows
        WriteScope.Touch all = new WriteScope.Touch("public", "orders", "Update", 20000);
        assertInstanceOf(WriteScope.Scope.Wide.class, WriteScope.judge(List.of(new WriteScope.Measured(all, 20000)), config));
        // PostgreSQL's guess for an inequality it cannot estimate (coalesce(id, 0) >= 0) is a third.
        WriteScope.Touch third = new WriteScope.Touch("public", "orders", "Update", 6667);
        assertInstanceOf(WriteScope.Scope.Wide.class, WriteScope.judge(List.of(new WriteScope.Measured(third, 20000)), config));
        WriteScope.Touch one = new WriteScope.Touch("public", "orders", "Update", 1);
        assertInstanceOf(WriteScope.Scope.Narrow.class, WriteScope.judge(List.of(new WriteScope.Measured(one, 20000)), config));
        // One row of a one-row table: below min_rows.
        assertInstanceOf(WriteScope.Scope.Narrow.class, WriteScope.judge(List.of(new WriteScope.Measured(one, 1)), config));
        // A join can touch more than the table has: still wide.
        assertInstanceOf(WriteScope.Scope.Wide.class, WriteScope.judge(List.of(
                new WriteScope.Measured(one, 20000), new WriteScope.Measured(new WriteScope.Touch("public", "t", "Merge", 50), 10)), config));
        assertInstanceOf(WriteScope.Scope.Unknown.class, WriteScope.judge(List.of(), config));
        WriteScopeConfig half = new WriteScopeConfig(0.5, 1L, null, null);
        assertInstanceOf(WriteScope.Scope.Narrow.class, WriteScope.judge(List.of(new WriteScope.Measured(third, 20000)), half));
    }

    @Test
    void theChosenVerdictNamesTheEstimate() {
        Verdict allow = new Verdict.Allow(List.of(), List.of(), List.of());
        Verdict hold = ifUnfiltered(ALICE, "UPDATE orders SET amount = 1 WHERE id > 0").orElseThrow();
        WriteScope.Measured all = new WriteScope.Measured(new WriteScope.Touch("public", "orders", "Update", 20000), 20000);
        assertEquals("an estimated 20,000 of 20,000 rows of public.orders (100%)", all.describe());
        Verdict wide = WriteScope.choose(allow, hold, new WriteScope.Scope.Wide(all, 0.3));
        assertInstanceOf(Verdict.Hold.class, wide);
        assertTrue(((Verdict.Hold) wide).message().contains("estimated 20,000 of 20,000 rows"), ((Verdict.Hold) wide).message());
        Verdict unknown = WriteScope.choose(allow, hold, new WriteScope.Scope.Unknown("its EXPLAIN failed with SQLSTATE 42P01"));
        assertTrue(((Verdict.Hold) unknown).message().contains("could not estimate"), ((Verdict.Hold) unknown).message());
        assertEquals(allow, WriteScope.choose(allow, hold, new WriteScope.Scope.Narrow(List.of())));
    }

    @Test
    void textsAndValuesTheSideConnectionIsNotGiven() {
        assertEquals(Optional.empty(), WriteScopeEstimator.refusal(List.of("UPDATE t SET a = 1 WHERE id > 0 ;; "), List.of()));
        assertTrue(WriteScopeEstimator.refusal(List.of("UPDATE t SET a = 1 WHERE id > 0; SELECT pg_sleep(1)"), List.of()).isPresent());
        assertTrue(WriteScopeEstimator.refusal(List.of("UPDATE t SET a = ';' WHERE id = 1"), List.of()).isPresent());
        assertTrue(WriteScopeEstimator.refusal(List.of("UPDATE t SET a = 1 WHERE id > $1"), List.of("\\x00000000")).isPresent());
        assertEquals(Optional.empty(), WriteScopeEstimator.refusal(List.of("UPDATE t SET a = 1 WHERE id > $1"), List.of("0")));
        assertEquals("'it''s'", WriteScopeEstimator.literal("it's"));
        assertEquals("NULL", WriteScopeEstimator.literal(null));
        assertEquals("\"a\"\"b\"", WriteScopeEstimator.identifier("a\"b"));
    }

    @Test
    void configDefaultsAndLimits() {
        TargetConfig target = ConfigLoader.parse("""
                name: shop
                host: localhost
                username: svc
                credential: env:X
                """, TargetConfig.class);
        assertEquals(WriteScopeConfig.defaults(), target.writeScope());
        assertEquals(0.3, target.writeScope().unfilteredFraction());
        assertEquals(2L, target.writeScope().minRows());
        assertEquals(2000, target.writeScope().timeoutMs());
        assertEquals(2, target.writeScope().connections());
        TargetConfig set = ConfigLoader.parse("""
                name: shop
                host: localhost
                username: svc
                credential: env:X
                write_scope: {unfiltered_fraction: 0.5, min_rows: 10, timeout_ms: 500, connections: 4}
                """, TargetConfig.class);
        assertEquals(new WriteScopeConfig(0.5, 10L, 500, 4), set.writeScope());
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                name: shop
                host: localhost
                username: svc
                credential: env:X
                write_scope: {unfiltered_fraction: 0}
                """, TargetConfig.class));
        assertTrue(bad.getMessage().contains("unfiltered_fraction"), bad.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                name: shop
                host: localhost
                username: svc
                credential: env:X
                write_scope: {fraction: 0.5}
                """, TargetConfig.class));
    }
}
