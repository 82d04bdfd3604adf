package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every statement psql 15 (\d and friends), pgbench 15 (init and runs in all three modes) and pgjdbc 42.7
 * (metadata, type lookups, transactions) sent to PostgreSQL 17 in a captured session reads without an
 * UNKNOWN part, and the catalog reads among them pass the demo's read-only ci-agent.
 */
final class RealClientStatementsTest {

    record Captured(@JsonProperty("client") String client, @JsonProperty("sql") String sql) {
    }

    private static final Set<StatementKind> EXPECTED_KINDS = EnumSet.of(StatementKind.READ, StatementKind.WRITE,
            StatementKind.TRANSACTION, StatementKind.SESSION, StatementKind.DDL, StatementKind.UTILITY);

    @TestFactory
    Stream<DynamicTest> capturedStatementsReadWithoutUnknowns() throws IOException {
        List<Captured> captured;
        try (InputStream in = getClass().getResourceAsStream("/policy/real-client-statements.yaml")) {
            assertNotNull(in);
            captured = new YAMLMapper().readValue(in, new TypeReference<List<Captured>>() { });
        }
        assertTrue(captured.size() >= 100, "captured " + captured.size());
        return IntStream.range(0, captured.size()).mapToObj(index -> {
            Captured statement = captured.get(index);
            String label = statement.client() + " #" + (index + 1) + ": "
                    + statement.sql().replaceAll("\\s+", " ").substring(0, Math.min(70, statement.sql().length()));
            return DynamicTest.dynamicTest(label, () -> {
                QueryClassification query = PolicyCorpusTest.CLASSIFIER.classify(statement.sql());
                assertFalse(query.isUnknown(), () -> "unknown: " + query.statements().get(0).unknownReasons());
                assertTrue(EXPECTED_KINDS.contains(query.kind()), () -> "kind " + query.kind());
                if (query.kind() == StatementKind.READ) {
                    Verdict verdict = PolicyEngine.decide(query, PolicyCorpusTest.IDENTITIES.get("ci-agent"),
                            PolicyCorpusTest.TARGET, PolicyCorpusTest.RULES, DemoRules.UNKNOWN_ACTION);
                    assertInstanceOf(Verdict.Allow.class, verdict, verdict::toString);
                }
            });
        });
    }
}
