package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The column-use facts the reader gives masking's {@code access: masked_only} (column-use-corpus.yaml):
 * which uses of customers' personal columns are computed on, through aliases, derived tables, CTEs,
 * subqueries, set operations, copies and whole rows, and what the reader admits it cannot trace.
 */
final class ColumnUseCorpusTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final Set<String> MASKED = Set.of("email", "phone", "card_number", "ssn");

    record Case(String reason, String sql, List<String> used, @JsonProperty("untraced") boolean untraced) {
        Case {
            used = used == null ? List.of() : used;
        }
    }

    static List<Case> load() throws IOException {
        try (InputStream in = ColumnUseCorpusTest.class.getResourceAsStream("/policy/column-use-corpus.yaml")) {
            return new YAMLMapper().readValue(in, new TypeReference<List<Case>>() { });
        }
    }

    /** The masked columns of customers the statement computes on ("*": a whole row), and whether it is traced. */
    static Set<String> computedOn(QueryClassification query) {
        Set<String> used = new TreeSet<>();
        for (StatementClassification statement : query.statements()) {
            for (ColumnUse use : statement.columnUses().uses()) {
                if (use.use() == ColumnUse.Use.OTHER && use.table().name().equals("customers")
                        && (use.wholeRow() || MASKED.contains(use.column()))) {
                    used.add(use.column());
                }
            }
        }
        return used;
    }

    static boolean traced(QueryClassification query) {
        return query.statements().stream().allMatch(s -> s.columnUses().traced() && !s.isUnknown());
    }

    @TestFactory
    List<DynamicTest> corpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : load()) {
            tests.add(DynamicTest.dynamicTest(c.reason(), () -> {
                QueryClassification query = CLASSIFIER.classify(c.sql());
                String described = c.sql() + "\n -> " + query.statements().stream()
                        .map(s -> s.columnUses().toString()).toList();
                if (c.untraced()) {
                    assertFalse(traced(query), "must be untraced: " + described);
                    return;
                }
                assertTrue(traced(query), "must be traced: " + described);
                Set<String> used = computedOn(query);
                if (c.used().isEmpty()) {
                    assertEquals(Set.of(), used, described);
                } else {
                    assertTrue(used.containsAll(c.used()), "expected " + c.used() + ": " + described);
                }
            }));
        }
        return tests;
    }

    @Test
    void corpusIsLargeEnough() throws IOException {
        List<Case> cases = load();
        assertTrue(cases.stream().filter(c -> !c.used().isEmpty()).count() >= 50);
        assertTrue(cases.stream().filter(c -> c.used().isEmpty() && !c.untraced()).count() >= 15);
    }

    @Test
    void uncachedAndCachedReadsAgree() {
        String sql = "WITH x AS (SELECT email AS e FROM customers) SELECT replace(e, '@', '') FROM x";
        assertEquals(CLASSIFIER.classify(sql), CLASSIFIER.classify(sql));
        assertEquals(Set.of("email"), computedOn(CLASSIFIER.classify(sql)));
    }
}
