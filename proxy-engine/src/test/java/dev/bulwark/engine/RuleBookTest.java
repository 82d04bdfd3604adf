package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.management.EventHub;
import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.policy.Rule;
import dev.bulwark.policy.RuleSet;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.AuditVerifier;
import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.RuleVersion;
import dev.bulwark.store.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleBookTest {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> DEMO_POLICY = List.of("log-customer-access", "dba-anything", "unknown-deny", "no-ddl",
            "no-truncate", "ci-no-copy-in", "ci-read-only", "ci-nothing-else", "hold-unfiltered-writes", "analysts-rows",
            "everyone-else");
    private static final List<String> DEMO_MASKING = List.of("customers-email", "customers-card", "customers-phone",
            "customers-ssn", "computed-by-name", "computed-detectors");

    @TempDir
    Path dataDir;

    private EngineFixture engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theConfiguredFilesAreStoredAsVersionOneByConfigAndPublished() {
        engine = new EngineFixture(dataDir);
        RuleBook rules = engine.rules;
        assertEquals(1, rules.policyVersion());
        assertEquals(1, rules.maskingVersion());
        assertEquals(DEMO_POLICY, rules.policy().rules().stream().map(Rule::id).toList());
        assertEquals(1, rules.policy().version(), "the live rule set carries its stored version");
        assertEquals(6, rules.masking().ruleCount());

        RuleVersion stored = engine.store.latestRuleSet("policy").orElseThrow();
        assertEquals(1, stored.version());
        assertEquals(RuleBook.CONFIG_ACTOR, stored.changedBy());
        for (RuleDocument document : rules.documents(Optional.empty())) {
            assertEquals(1, document.version(), document.id());
            assertEquals(RuleBook.CONFIG_ACTOR, document.changedBy());
        }
        RuleDocument noDdl = rules.document(RuleKind.POLICY, "no-ddl").orElseThrow();
        assertEquals(3, noDdl.body().get("position").asInt());
        assertEquals("DENY", noDdl.body().get("action").asText());

        // One event per rule at start, so a subscriber's snapshot lists them all.
        assertEquals(DEMO_POLICY.size() + DEMO_MASKING.size(), engine.hub.snapshot(Set.of(EventTopic.RULES)).rules().size());
        List<AdminRecord> changes = engine.adminActions(AdminAction.RULE_CHANGE, 2);
        assertEquals(Set.of("policy", "masking"), Set.of(changes.get(0).target(), changes.get(1).target()));
        assertEquals(RuleBook.CONFIG_ACTOR, changes.get(0).actor());
    }

    @Test
    void documentsAreListedByKindThenId() {
        engine = new EngineFixture(dataDir);
        List<RuleDocument> all = engine.rules.documents(Optional.empty());
        List<String> expected = new ArrayList<>();
        DEMO_POLICY.stream().sorted().forEach(expected::add);
        DEMO_MASKING.stream().sorted().forEach(expected::add);
        assertEquals(expected, all.stream().map(RuleDocument::id).toList());
        assertEquals(DEMO_MASKING.size(), engine.rules.documents(Optional.of(RuleKind.MASKING)).size());
    }

    @Test
    void withoutAFileOrAStoredSetThereAreNoRules() {
        engine = new EngineFixture(dataDir, Optional.empty(), Optional.empty());
        assertEquals(0, engine.rules.policyVersion());
        assertTrue(engine.rules.policy().rules().isEmpty());
        assertEquals(0, engine.rules.masking().ruleCount());
        assertTrue(engine.store.latestRuleSet("policy").isEmpty());
        assertTrue(engine.rules.documents(Optional.empty()).isEmpty());
    }

    @Test
    void theStoreWinsOverTheFileAndRuleVersionsSurviveARestart() throws Exception {
        engine = new EngineFixture(dataDir);
        await(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "ask a dba"), OptionalLong.of(1), "bob"));
        await(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "ask a dba, twice"), OptionalLong.of(2), "carol"));
        await(engine.rules.delete(RuleKind.MASKING, "customers-phone", OptionalLong.empty(), "bob"));
        List<RuleDocument> before = engine.rules.documents(Optional.empty());
        engine.close();
        engine = null;

        Path other = dataDir.resolve("other-policy.yaml");
        Files.writeString(other, """
                rules:
                  - id: only-one
                    action: ALLOW
                """);
        engine = new EngineFixture(dataDir, Optional.of(other), Optional.of(dataDir.resolve("masking.yaml")));
        assertEquals(3, engine.rules.policyVersion());
        assertEquals(2, engine.rules.maskingVersion());
        assertEquals(before, engine.rules.documents(Optional.empty()));
        RuleDocument noDdl = engine.rules.document(RuleKind.POLICY, "no-ddl").orElseThrow();
        assertEquals(3, noDdl.version());
        assertEquals("carol", noDdl.changedBy());
        assertEquals(1, engine.rules.document(RuleKind.POLICY, "no-truncate").orElseThrow().version());
        assertEquals("ask a dba, twice", engine.rules.policy().rules().get(3).message());
    }

    @Test
    void aNewRuleIsAppendedAtVersionOneAndChangesBumpOnlyItsVersion() throws Exception {
        engine = new EngineFixture(dataDir);
        List<Event> events = subscribe(engine.hub);
        ObjectNode body = rule("read-only-reports", "ALLOW");
        body.putObject("match").putArray("groups").add("reports");

        RuleDocument created = await(engine.rules.put(RuleKind.POLICY, "read-only-reports", body, OptionalLong.of(0), "bob"));
        assertEquals(1, created.version());
        assertEquals("bob", created.changedBy());
        assertEquals(DEMO_POLICY.size(), created.body().get("position").asInt());
        assertEquals(2, engine.rules.policyVersion());
        assertEquals("read-only-reports", engine.rules.policy().rules().getLast().id());

        RuleDocument changed = await(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "ask a dba"),
                OptionalLong.of(1), "carol"));
        assertEquals(2, changed.version());
        assertEquals(3, changed.body().get("position").asInt(), "a put of an existing rule keeps its place");
        assertEquals("ask a dba", engine.rules.policy().rules().get(3).message());
        assertEquals(1, engine.rules.document(RuleKind.POLICY, "no-truncate").orElseThrow().version());

        assertEquals(List.of("read-only-reports", "no-ddl"), events.stream()
                .map(event -> ((Event.RuleChanged) event).rule().id()).toList());
        assertEquals(3, engine.store.ruleSetHistory("policy").size());
    }

    @Test
    void aPutOfTheSameRuleStoresNothing() throws Exception {
        engine = new EngineFixture(dataDir);
        RuleDocument current = engine.rules.document(RuleKind.POLICY, "no-ddl").orElseThrow();
        RuleDocument again = await(engine.rules.put(RuleKind.POLICY, "no-ddl", current.body(), OptionalLong.of(1), "bob"));
        assertSame(current, again);
        assertEquals(1, engine.rules.policyVersion());
    }

    @Test
    void positionMovesARuleAndRepublishesTheRulesThatShifted() throws Exception {
        engine = new EngineFixture(dataDir);
        List<Event> events = subscribe(engine.hub);
        ObjectNode body = engine.rules.document(RuleKind.POLICY, "everyone-else").orElseThrow().body().deepCopy();
        body.put("position", 0);

        RuleDocument moved = await(engine.rules.put(RuleKind.POLICY, "everyone-else", body, OptionalLong.of(1), "bob"));
        assertEquals(0, moved.body().get("position").asInt());
        assertEquals(1, moved.version(), "moving is not a change of the rule's content");
        assertEquals("everyone-else", engine.rules.policy().rules().getFirst().id());
        assertEquals(1, engine.rules.document(RuleKind.POLICY, "log-customer-access").orElseThrow().body().get("position").asInt());
        assertEquals(2, engine.rules.policyVersion());

        // Every rule moved down one: each is published again with its new position, the moved one last.
        assertEquals(DEMO_POLICY.size(), events.size());
        assertEquals("everyone-else", ((Event.RuleChanged) events.getLast()).rule().id());
        RuleDocument shifted = ((Event.RuleChanged) events.getFirst()).rule();
        assertEquals("log-customer-access", shifted.id());
        assertEquals(1, shifted.body().get("position").asInt());

        ObjectNode outOfRange = body.deepCopy().put("position", DEMO_POLICY.size());
        assertEquals(ErrorCode.BAD_REQUEST, failure(engine.rules.put(RuleKind.POLICY, "everyone-else", outOfRange,
                OptionalLong.empty(), "bob")).code());
        ObjectNode newAtTop = rule("first", "LOG").put("position", 0);
        await(engine.rules.put(RuleKind.POLICY, "first", newAtTop, OptionalLong.empty(), "bob"));
        assertEquals("first", engine.rules.policy().rules().getFirst().id());
    }

    @Test
    void expectedVersionsGuardAgainstLostUpdates() throws Exception {
        engine = new EngineFixture(dataDir);
        ManagementException stale = failure(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "x"),
                OptionalLong.of(2), "bob"));
        assertEquals(ErrorCode.CONFLICT, stale.code());
        assertTrue(stale.getMessage().contains("version 1, not 2"), stale.getMessage());
        assertEquals(ErrorCode.CONFLICT, failure(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "x"),
                OptionalLong.of(0), "bob")).code(), "0 means the rule must not exist");
        assertEquals(ErrorCode.CONFLICT, failure(engine.rules.put(RuleKind.POLICY, "brand-new", rule("brand-new", "LOG"),
                OptionalLong.of(1), "bob")).code());
        assertEquals(ErrorCode.CONFLICT, failure(engine.rules.delete(RuleKind.POLICY, "no-ddl", OptionalLong.of(5), "bob")).code());
        assertEquals(1, engine.rules.policyVersion(), "nothing was stored");
    }

    @Test
    void invalidRulesAreBadRequestsThatSayWhy() {
        engine = new EngineFixture(dataDir);
        ManagementException hold = failure(engine.rules.put(RuleKind.POLICY, "h", rule("h", "HOLD"), OptionalLong.empty(), "bob"));
        assertEquals(ErrorCode.BAD_REQUEST, hold.code());
        assertEquals("policy rule \"h\": a HOLD rule needs approval (reviewer_groups at least)", hold.getMessage());

        ObjectNode unknownKey = rule("k", "DENY").put("colour", "red");
        ManagementException key = failure(engine.rules.put(RuleKind.POLICY, "k", unknownKey, OptionalLong.empty(), "bob"));
        assertTrue(key.getMessage().startsWith("policy rule \"k\": ") && key.getMessage().contains("colour"), key.getMessage());

        ObjectNode badId = rule("bad id!", "DENY");
        assertEquals(ErrorCode.BAD_REQUEST, failure(engine.rules.put(RuleKind.POLICY, "bad id!", badId,
                OptionalLong.empty(), "bob")).code());
        assertEquals(ErrorCode.BAD_REQUEST, failure(engine.rules.put(RuleKind.POLICY, "a", rule("b", "DENY"),
                OptionalLong.empty(), "bob")).code(), "the body's id must be the rule's");

        ObjectNode strategy = JSON.createObjectNode().put("table", "customers").put("column", "email").put("strategy", "scramble");
        ManagementException masking = failure(engine.rules.put(RuleKind.MASKING, "m", strategy, OptionalLong.empty(), "bob"));
        assertEquals(ErrorCode.BAD_REQUEST, masking.code());
        assertTrue(masking.getMessage().startsWith("masking rule \"m\": strategy: unknown strategy 'scramble'"), masking.getMessage());

        ObjectNode noColumn = JSON.createObjectNode().put("table", "customers");
        assertEquals("masking rule \"m\": table needs column (a name or a glob such as '*')",
                failure(engine.rules.put(RuleKind.MASKING, "m", noColumn, OptionalLong.empty(), "bob")).getMessage());
        ObjectNode params = JSON.createObjectNode().put("table", "t").put("column", "c").put("strategy", "redact");
        params.putObject("params").put("keep_last", 2);
        assertTrue(failure(engine.rules.put(RuleKind.MASKING, "m", params, OptionalLong.empty(), "bob")).getMessage()
                .contains("params.keep_last is not a parameter of this strategy"));
        ObjectNode notAnObject = JSON.createObjectNode();
        assertEquals(ErrorCode.BAD_REQUEST, failure(engine.rules.put(RuleKind.MASKING, "m", JSON.createArrayNode(),
                OptionalLong.empty(), "bob")).code());
        assertEquals(ErrorCode.BAD_REQUEST, failure(engine.rules.put(RuleKind.MASKING, "m", notAnObject,
                OptionalLong.empty(), "bob")).code(), "a rule that selects nothing is refused by the masking part");

        assertEquals(1, engine.rules.policyVersion());
        assertEquals(1, engine.rules.maskingVersion());
    }

    @Test
    void maskingRulesChangeTheCompiledPolicyAtOnce() throws Exception {
        engine = new EngineFixture(dataDir);
        MaskingPolicy before = engine.rules.masking();
        ObjectNode body = JSON.createObjectNode().put("table", "orders").put("column", "amount").put("strategy", "null_out");
        RuleDocument stored = await(engine.rules.put(RuleKind.MASKING, "orders-amount", body, OptionalLong.of(0), "bob"));
        assertEquals(1, stored.version());
        assertEquals("orders-amount", stored.body().get("name").asText(), "the body is canonical: the name defaults to the id");
        assertFalse(stored.body().has("targets"), "empty lists are left out");
        assertNotEquals(before, engine.rules.masking());
        assertEquals(7, engine.rules.masking().ruleCount());
        assertEquals("orders-amount", engine.rules.maskingConfig().rules().getLast().id());
        assertEquals(2, engine.rules.maskingVersion());
    }

    @Test
    void deleteRemovesTheRuleAndPublishesIt() throws Exception {
        engine = new EngineFixture(dataDir);
        List<Event> events = subscribe(engine.hub);
        assertEquals(ErrorCode.NOT_FOUND, failure(engine.rules.delete(RuleKind.POLICY, "nope", OptionalLong.empty(), "bob")).code());

        RuleDocument deleted = await(engine.rules.delete(RuleKind.POLICY, "everyone-else", OptionalLong.of(1), "bob"));
        assertEquals("everyone-else", deleted.id());
        assertEquals(1, deleted.version());
        assertTrue(engine.rules.document(RuleKind.POLICY, "everyone-else").isEmpty());
        assertEquals(DEMO_POLICY.size() - 1, engine.rules.policy().rules().size());
        Event.RuleDeleted event = assertInstanceOf(Event.RuleDeleted.class, events.getFirst());
        assertEquals("everyone-else", event.rule());
        assertEquals("bob", event.by());
        assertEquals(1, events.size(), "deleting the last rule moves no other");
        assertFalse(engine.hub.snapshot(Set.of(EventTopic.RULES)).rules().stream().anyMatch(rule -> rule.id().equals("everyone-else")));

        await(engine.rules.delete(RuleKind.POLICY, "log-customer-access", OptionalLong.empty(), "bob"));
        assertEquals(0, engine.rules.document(RuleKind.POLICY, "dba-anything").orElseThrow().body().get("position").asInt());
        assertEquals(2 + DEMO_POLICY.size() - 2, events.size(), "two deletions, then every rule after the first one again");
    }

    @Test
    void everyChangeIsRecordedAndTheChainVouchesForTheStoredVersions() throws Exception {
        engine = new EngineFixture(dataDir);
        await(engine.rules.put(RuleKind.POLICY, "no-ddl", withMessage("no-ddl", "ask a dba"), OptionalLong.empty(), "bob"));
        await(engine.rules.delete(RuleKind.MASKING, "customers-ssn", OptionalLong.empty(), "carol"));

        List<AdminRecord> changes = engine.adminActions(AdminAction.RULE_CHANGE, 4);
        AdminRecord last = changes.getLast();
        assertEquals("carol", last.actor());
        assertEquals("masking", last.target());
        JsonNode details = JSON.readTree(last.details());
        assertEquals(2, details.get("version").asInt());
        assertEquals(AdminAction.sha256(engine.store.latestRuleSet("masking").orElseThrow().document()),
                details.get("sha256").asText());

        List<RuleVersion> history = await(engine.rules.history(RuleKind.POLICY));
        assertEquals(List.of(1, 2), history.stream().map(RuleVersion::version).toList());
        assertEquals("bob", history.getLast().changedBy());

        VerifyReport report = AuditVerifier.verify(engine.store, engine.store.nodeId(),
                AuditKeyFiles.in(dataDir).readSeed().orElseThrow(), null);
        assertTrue(report.ok(), () -> report.failure().orElseThrow().toString());
    }

    @Test
    void concurrentPutsOfOneKindAreSerialized() throws Exception {
        engine = new EngineFixture(dataDir);
        List<CompletableFuture<RuleDocument>> puts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            puts.add(engine.rules.put(RuleKind.POLICY, "r" + i, rule("r" + i, "LOG"), OptionalLong.of(0), "bob"));
        }
        for (CompletableFuture<RuleDocument> put : puts) {
            await(put);
        }
        assertEquals(9, engine.rules.policyVersion());
        assertEquals(DEMO_POLICY.size() + 8, engine.rules.policy().rules().size());
        RuleSet stored = new PolicyRuleFormat().readStored(engine.store.latestRuleSet("policy").orElseThrow().document());
        assertEquals(engine.rules.policy().rules(), stored.rules());
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode rule(String id, String action) {
        return JSON.createObjectNode().put("id", id).put("action", action);
    }

    private ObjectNode withMessage(String id, String message) {
        ObjectNode body = engine.rules.document(RuleKind.POLICY, id).orElseThrow().body().deepCopy();
        body.remove("position");
        return body.put("message", message);
    }

    private static List<Event> subscribe(EventHub hub) {
        List<Event> events = new CopyOnWriteArrayList<>();
        hub.subscribe(Set.of(EventTopic.RULES), events::add);
        return events;
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    static ManagementException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ManagementException.class, e.getCause(), () -> String.valueOf(e.getCause()));
    }
}
