package dev.bulwark.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class StatementClassifierTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();

    private static StatementClassification one(String sql) {
        QueryClassification query = CLASSIFIER.classify(sql);
        assertEquals(1, query.size(), () -> "statements: " + query.statements());
        return query.statements().get(0);
    }

    private static Operation operation(StatementClassification statement, Verb verb) {
        return statement.operations().stream().filter(operation -> operation.verb() == verb).findFirst()
                .orElseThrow(() -> new AssertionError(verb + " not in " + statement.operations()));
    }

    private static TableName table(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? TableName.unqualified(name) : new TableName(name.substring(0, dot), name.substring(dot + 1));
    }

    @Test
    void emptyTextsHaveNoStatements() {
        for (String sql : List.of("", "   ", ";", " ; ; ", "-- only a comment", "/* c */ ;")) {
            QueryClassification query = CLASSIFIER.classify(sql);
            assertTrue(query.isEmpty(), sql);
            assertEquals(StatementKind.READ, query.kind());
        }
    }

    @Test
    void splitsAtSemicolonsTheServerSplitsAt() {
        QueryClassification query = CLASSIFIER.classify("SELECT ';'; /* ; */ SELECT $$;$$ ; DROP TABLE t;");
        assertEquals(3, query.size());
        assertEquals(StatementKind.DDL, query.statements().get(2).kind());
        assertEquals("DROP TABLE t", query.statements().get(2).text());
        assertEquals(StatementKind.DDL, query.kind());
    }

    @Test
    void statementTextKeepsCommentsAndNormalizedTextDropsThem() {
        StatementClassification statement = one("  SELECT  /* why */ Name\n FROM \"Tab\" WHERE a = 'X'  ");
        assertEquals("SELECT  /* why */ Name\n FROM \"Tab\" WHERE a = 'X'", statement.text());
        assertEquals("select name from \"Tab\" where a = 'X'", statement.normalizedText());
    }

    @Test
    void parseTextsAreMarkedSingleStatement() {
        QueryClassification parse = CLASSIFIER.classifyParse("SELECT 1; SELECT 2");
        assertTrue(parse.singleStatementRequired());
        assertEquals(2, parse.size());
        assertFalse(CLASSIFIER.classify("SELECT 1").singleStatementRequired());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM t                                | READ
            WITH d AS (DELETE FROM t RETURNING *) SELECT 1  | WRITE
            INSERT INTO t VALUES (1)                        | WRITE
            TRUNCATE t                                      | WRITE
            CREATE TABLE t (a int)                          | DDL
            ALTER TABLE t ADD COLUMN b int                  | DDL
            GRANT SELECT ON t TO bob                        | DCL
            SET ROLE bob                                    | DCL
            BEGIN                                           | TRANSACTION
            SET search_path TO public                       | SESSION
            VACUUM t                                        | UTILITY
            SELECT pg_terminate_backend(1)                  | UTILITY
            DO $$ BEGIN END $$                              | UNKNOWN
            SELECT my_fn()                                  | UNKNOWN
            """)
    void kinds(String sql, StatementKind kind) {
        assertEquals(kind, one(sql).kind());
    }

    @Test
    void tablesArePerVerbAndNormalised() {
        StatementClassification statement = one("DELETE FROM Sales.\"Orders\" USING customers c WHERE c.id = customer_id");
        assertEquals(List.of(new TableName("sales", "Orders")), operation(statement, Verb.DELETE).tables());
        assertEquals(List.of(table("customers")), operation(statement, Verb.SELECT).tables());
    }

    @Test
    void cteNamesAreNotTablesButTheirOwnBodiesSeeRealTables() {
        StatementClassification chained = one("WITH a AS (SELECT * FROM t), b AS (SELECT * FROM a) SELECT * FROM b");
        assertEquals(List.of(table("t")), chained.tables());
        StatementClassification shadow = one("WITH customers AS (SELECT * FROM customers) SELECT * FROM customers");
        assertEquals(List.of(table("customers")), shadow.tables(), "inside its own body the name is the real table");
        StatementClassification outer = one("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s, x");
        assertEquals(List.of(table("x")), outer.tables(), "outside its WITH the name is a table again");
    }

    @Test
    void whereClausesThatCannotNarrowCountAsMissing() {
        for (String where : List.of("", "WHERE true", "WHERE 1=1", "WHERE NOT false", "WHERE id = id",
                "WHERE 1 = 1 OR id = 5", "WHERE $1", "WHERE (true)", "WHERE (id = id)", "WHERE ((1 = 1)) OR id = 2", "WHERE current_user = 'x'", "WHERE 'a' = 'a'")) {
            assertTrue(operation(one("DELETE FROM t " + where), Verb.DELETE).missingWhere(), where);
            assertTrue(operation(one("UPDATE t SET a = 1 " + where), Verb.UPDATE).missingWhere(), where);
        }
        for (String where : List.of("WHERE id = 1", "WHERE id = $1", "WHERE a > 0 AND 1 = 1", "WHERE false",
                "WHERE id IN (SELECT id FROM u)", "WHERE CURRENT OF c", "WHERE t.flag")) {
            assertFalse(operation(one("DELETE FROM t " + where), Verb.DELETE).missingWhere(), where);
        }
    }

    @Test
    void functionsAreListedOnceAndJudged() {
        StatementClassification statement = one(
                "SELECT lower(a), pg_catalog.lower(b), coalesce(c, 1), nextval('app.\"Seq\"'), my_fn() FROM t");
        assertEquals(List.of("lower", "nextval", "my_fn"), statement.functions());
        Operation sequence = operation(statement, Verb.SEQUENCE_WRITE);
        assertEquals(List.of(new TableName("app", "Seq")), sequence.tables());
        assertEquals("my_fn", operation(statement, Verb.UNKNOWN_FUNCTION).detail());
        assertTrue(statement.unknownReasons().get(0).contains("my_fn"));
    }

    @Test
    void tableFunctionsInFromAreCalls() {
        assertEquals(StatementKind.READ, one("SELECT * FROM generate_series(1, 3) g").kind());
        assertEquals(StatementKind.UTILITY, one("SELECT * FROM pg_ls_dir('.')").kind());
        assertEquals(StatementKind.UNKNOWN, one("SELECT * FROM t, LATERAL evil(t.a)").kind());
    }

    @Test
    void extraSafeFunctionsAreNotUnknown() {
        StatementClassifier vouched = new StatementClassifier(Set.of("app.report_total", "my_fn"), 100,
                StatementClassifier.DEFAULT_PARSE_BUDGET);
        assertEquals(StatementKind.READ, vouched.classify("SELECT app.report_total(1), my_fn()").kind());
        assertEquals(StatementKind.UNKNOWN, vouched.classify("SELECT other.report_total(1)").kind());
    }

    @Test
    void setConfigOfRoleIsDcl() {
        assertEquals(Set.of(Verb.SELECT, Verb.SET_ROLE), one("SELECT set_config('ROLE', 'x', false)").verbs());
        assertEquals(Set.of(Verb.SELECT, Verb.SET_CONFIG), one("SELECT set_config('work_mem', '1MB', true)").verbs());
    }

    @Test
    void explainRunsItsStatementOnlyWithAnalyze() {
        assertEquals(Set.of(Verb.EXPLAIN), one("EXPLAIN DELETE FROM t").verbs());
        assertEquals(Set.of(Verb.EXPLAIN, Verb.DELETE), one("EXPLAIN ANALYZE DELETE FROM t").verbs());
        assertEquals(Set.of(Verb.EXPLAIN, Verb.DELETE), one("EXPLAIN (COSTS off, ANALYZE) DELETE FROM t").verbs());
        assertEquals(Set.of(Verb.EXPLAIN), one("EXPLAIN (ANALYZE off) DELETE FROM t").verbs());
        assertEquals(Set.of(Verb.EXPLAIN, Verb.DELETE), one("EXPLAIN (ANALYZE maybe) DELETE FROM t").verbs(),
                "a value Bulwark cannot read counts as on");
        assertEquals(List.of(table("t")), operation(one("EXPLAIN SELECT * FROM t"), Verb.EXPLAIN).tables());
    }

    @Test
    void copyForms() {
        assertEquals(Set.of(Verb.COPY_FROM), one("COPY t FROM STDIN").verbs());
        assertEquals(Set.of(Verb.COPY_FROM, Verb.FILE_READ), one("COPY t FROM '/etc/passwd'").verbs());
        assertEquals(Set.of(Verb.COPY_TO, Verb.PROGRAM_EXECUTE), one("COPY t TO PROGRAM 'gzip > /tmp/x'").verbs());
        assertEquals(Set.of(Verb.COPY_TO, Verb.SELECT), one("COPY (SELECT * FROM t) TO STDOUT").verbs());
        assertEquals(Set.of(Verb.COPY_TO, Verb.DELETE), one("COPY (DELETE FROM t RETURNING *) TO STDOUT").verbs());
        assertTrue(one("COPY (SELECT 1) FROM STDIN").isUnknown());
    }

    @Test
    void prepareHoldsItsStatementAndExecuteNeedsTheSession() {
        StatementClassification prepare = one("PREPARE p (int) AS DELETE FROM t WHERE id = $1");
        assertEquals(Set.of(Verb.PREPARE), prepare.verbs());
        assertEquals("p", prepare.prepared().orElseThrow().name());
        assertEquals(Set.of(Verb.DELETE), prepare.prepared().orElseThrow().body().verbs());
        StatementClassification execute = one("EXECUTE p(1)");
        assertEquals(Set.of(Verb.EXECUTE), execute.verbs());
        assertTrue(execute.isUnknown());
    }

    @Test
    void routineBodiesKeepTheirSemicolons() {
        QueryClassification query = CLASSIFIER.classify(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; CASE WHEN true THEN 1 END; END; SELECT 2");
        assertEquals(2, query.size());
        assertTrue(query.statements().get(0).verbs().contains(Verb.CREATE));
    }

    @Test
    void ambiguousBackslashesAreUnknown() {
        StatementClassification statement = one("SELECT 'x\\''; DROP TABLE t; --'");
        assertTrue(statement.isUnknown());
        assertTrue(statement.unknownReasons().get(0).contains("standard_conforming_strings"));
        assertFalse(one("SELECT 'C:\\\\path'").isUnknown(), "backslashes that read the same either way are fine");
    }

    @Test
    void unreadableStatementsAreUnknownWithTheirKeywordVerb() {
        StatementClassification statement = one("DELETE FROM t WHERE a = 1 +++ 2");
        assertTrue(statement.isUnknown());
        assertTrue(statement.verbs().contains(Verb.DELETE));
    }

    @Test
    void cachesByTextAndReturnsTheSameClassification() {
        StatementClassifier classifier = new StatementClassifier(Set.of(), 100, StatementClassifier.DEFAULT_PARSE_BUDGET);
        QueryClassification first = classifier.classify("SELECT * FROM cache_me");
        QueryClassification second = classifier.classify("SELECT * FROM cache_me");
        assertSame(first.statements().get(0), second.statements().get(0));
        assertEquals(1, classifier.cachedTexts());
    }

    @Test
    void theCacheIsBounded() {
        StatementClassifier classifier = new StatementClassifier(Set.of(), 32, StatementClassifier.DEFAULT_PARSE_BUDGET);
        for (int i = 0; i < 500; i++) {
            classifier.classify("SELECT " + i);
        }
        assertTrue(classifier.cachedTexts() <= 32, "cached " + classifier.cachedTexts());
    }

    @Test
    void aParseOverBudgetIsUnknownAndNotCached() {
        StatementClassifier impatient = new StatementClassifier(Set.of(), 100, Duration.ofMillis(1));
        impatient.warmUp();
        String huge = "SELECT " + "1 + ".repeat(30_000) + "1";
        StatementClassification statement = impatient.classify(huge).statements().get(0);
        assertTrue(statement.isUnknown(), () -> statement.operations().toString());
        assertEquals(0, impatient.cachedTexts(), "a timed-out reading is not cached (warmUp does not cache either)");
    }

    @Test
    void statementsTooLongToParseAreUnknown() {
        String huge = "INSERT INTO t VALUES " + "(1),".repeat(AstReader.MAX_PARSE_CHARS / 4) + "(1)";
        StatementClassification statement = one(huge);
        assertTrue(statement.isUnknown());
        assertTrue(statement.verbs().contains(Verb.INSERT));
    }

    @Test
    void concurrentClassificationAgreesWithSequential() throws Exception {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add("SELECT a, b FROM t" + (i % 7) + " WHERE id = " + i + "; DELETE FROM u WHERE k = " + i);
            texts.add("WITH d AS (UPDATE x SET v = " + i + " RETURNING *) SELECT * FROM d");
        }
        // This checks thread safety, not speed: a generous parse budget keeps a loaded machine from turning a
        // slow parse into "unknown" on one side only.
        java.time.Duration budget = java.time.Duration.ofSeconds(30);
        StatementClassifier shared = new StatementClassifier(Set.of(), 64, budget);
        StatementClassifier reference = new StatementClassifier(Set.of(), StatementClassifier.DEFAULT_CACHE_ENTRIES, budget);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<QueryClassification>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String text : texts) {
                    futures.add(pool.submit(() -> shared.classify(text)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                String text = texts.get(i % texts.size());
                assertEquals(reference.classify(text), futures.get(i).get(), text);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void randomTextNeverThrows() {
        Random random = new Random(42);
        String[] words = {"SELECT", "DELETE", "FROM", "t", "WHERE", "(", ")", ";", "'x'", "$$", "$1", "--", "/*", "*/",
                "WITH", "AS", "DROP", "TABLE", "E'\\'", "\"q\"", ",", "=", "1", "COPY", "EXPLAIN", "ANALYZE",
                "PREPARE", "EXECUTE", "BEGIN", "ATOMIC", "END", "CREATE", "FUNCTION", "SET", "ROLE", "U&'\\0041'"};
        for (int round = 0; round < 3_000; round++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(14);
            for (int i = 0; i < length; i++) {
                sql.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
            }
            CLASSIFIER.classify(sql.toString());
        }
    }
}
