package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bulwark.auth.Identity;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The demo rules against two corpora: statements that must be caught (bypass-corpus.yaml) and statements
 * that must pass (harmless-corpus.yaml). Each entry is its own test, named by its reason.
 */
final class PolicyCorpusTest {

    static final StatementClassifier CLASSIFIER = new StatementClassifier();
    static final RuleSet RULES = DemoRules.load();
    static final String TARGET = "demo";
    static final Map<String, Identity> IDENTITIES = Map.of(
            "alice", identity("alice", "analysts"),
            "ci-agent", identity("ci-agent", "automation"),
            "dan", identity("dan", "dba"),
            "mallory", identity("mallory"));

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** One corpus entry; see the corpus files' headers. */
    record Case(
            @JsonProperty("as") String as,
            @JsonProperty("sql") String sql,
            @JsonProperty("expect") String expect,
            @JsonProperty("rule") String rule,
            @JsonProperty("reason") String reason,
            @JsonProperty("protocol") String protocol,
            @JsonProperty("setup") List<String> setup,
            @JsonProperty("setup_parse") LinkedHashMap<String, String> setupParse,
            @JsonProperty("logged") List<String> logged,
            @JsonProperty("unknown") Boolean unknown) {
    }

    static Identity identity(String subject, String... groups) {
        return new Identity(subject, Set.of(groups), "https://issuer.test", "", Instant.parse("2099-01-01T00:00:00Z"),
                Map.of());
    }

    static List<Case> load(String resource) throws IOException {
        try (InputStream in = PolicyCorpusTest.class.getResourceAsStream("/policy/" + resource)) {
            assertNotNull(in, resource + " is missing");
            return YAML.readValue(in, new TypeReference<List<Case>>() { });
        }
    }

    /** Sends the setup, then the statement, through a fresh session, as the engine would. */
    static Result run(Case c) {
        Identity identity = IDENTITIES.get(c.as());
        assertNotNull(identity, "unknown identity " + c.as());
        // The session's prepared statements as the server holds them once each allowed setup statement ran.
        java.util.Map<String, StatementClassification> prepared = new java.util.HashMap<>();
        for (String statement : c.setup() == null ? List.<String>of() : c.setup()) {
            QueryClassification query = SessionPolicyState.resolve(CLASSIFIER.classify(statement), SessionPolicyState.of(prepared));
            if (PolicyEngine.decide(query, identity, TARGET, RULES, DemoRules.UNKNOWN_ACTION) instanceof Verdict.Allow) {
                query.statements().forEach(s -> SessionPolicyState.changes(s).forEach(change -> SessionPolicyState.apply(change, prepared)));
            }
        }
        if (c.setupParse() != null) {
            c.setupParse().forEach((name, text) -> prepared.put(name, SessionPolicyState.union(CLASSIFIER.classifyParse(text))));
        }
        QueryClassification query = "parse".equals(c.protocol()) ? CLASSIFIER.classifyParse(c.sql())
                : CLASSIFIER.classify(c.sql());
        query = SessionPolicyState.resolve(query, SessionPolicyState.of(prepared));
        return new Result(query, PolicyEngine.decide(query, identity, TARGET, RULES, DemoRules.UNKNOWN_ACTION));
    }

    record Result(QueryClassification query, Verdict verdict) {
        String describe() {
            StringBuilder text = new StringBuilder("verdict ").append(verdict).append("\nclassified as:");
            query.statements().forEach(statement -> text.append("\n  ").append(statement.kind()).append(' ')
                    .append(statement.operations()));
            return text.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> bypassCorpusIsCaught() throws IOException {
        List<Case> cases = load("bypass-corpus.yaml");
        return IntStream.range(0, cases.size()).mapToObj(index -> {
            Case c = cases.get(index);
            return DynamicTest.dynamicTest("bypass " + (index + 1) + ": " + c.reason(), () -> {
                Result result = run(c);
                switch (c.expect()) {
                    case "DENY" -> assertInstanceOf(Verdict.Deny.class, result.verdict(), result::describe);
                    case "HOLD" -> assertInstanceOf(Verdict.Hold.class, result.verdict(), result::describe);
                    default -> fail("expect must be DENY or HOLD, got " + c.expect());
                }
                if (c.rule() != null) {
                    String decidedBy = switch (result.verdict()) {
                        case Verdict.Deny deny -> deny.rule().map(RuleRef::id).orElse("none");
                        case Verdict.Hold hold -> hold.rule().map(RuleRef::id).orElse("none");
                        case Verdict.Allow ignored -> "allowed";
                    };
                    assertEquals(c.rule(), decidedBy, result::describe);
                }
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> harmlessCorpusPasses() throws IOException {
        List<Case> cases = load("harmless-corpus.yaml");
        return IntStream.range(0, cases.size()).mapToObj(index -> {
            Case c = cases.get(index);
            return DynamicTest.dynamicTest("harmless " + (index + 1) + ": " + c.reason(), () -> {
                Result result = run(c);
                Verdict.Allow allow = assertInstanceOf(Verdict.Allow.class, result.verdict(), result::describe);
                boolean unknownExpected = Boolean.TRUE.equals(c.unknown());
                assertEquals(unknownExpected, result.query().isUnknown(), result::describe);
                if (!unknownExpected) {
                    assertTrue(allow.warnings().isEmpty(), result::describe);
                }
                List<String> logged = allow.logged().stream().map(RuleRef::id).toList();
                assertEquals(c.logged() == null ? List.of() : c.logged(), logged, result::describe);
            });
        });
    }

    @Test
    void corporaAreLargeEnoughAndWellFormed() throws IOException {
        List<Case> bypass = load("bypass-corpus.yaml");
        List<Case> harmless = load("harmless-corpus.yaml");
        assertTrue(bypass.size() >= 150, "bypass corpus has " + bypass.size() + " entries");
        assertTrue(harmless.size() >= 100, "harmless corpus has " + harmless.size() + " entries");
        for (Case c : bypass) {
            assertNotNull(c.reason(), "every bypass entry says why: " + c.sql());
            assertNotNull(c.expect(), "every bypass entry says what to expect: " + c.sql());
        }
        for (Case c : harmless) {
            assertNotNull(c.reason(), "every harmless entry says why: " + c.sql());
            assertFalse(c.expect() != null, "harmless entries are all expected to pass: " + c.sql());
        }
    }
}
