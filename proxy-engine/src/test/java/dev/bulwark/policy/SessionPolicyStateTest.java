package dev.bulwark.policy;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SessionPolicyStateTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();

    private final SessionPolicyState session = new SessionPolicyState();

    private QueryClassification run(String sql) {
        QueryClassification query = session.resolve(CLASSIFIER.classify(sql));
        session.observe(query);
        return query;
    }

    private Set<Verb> verbsOf(String sql) {
        return session.resolve(CLASSIFIER.classify(sql)).statements().get(0).verbs();
    }

    @Test
    void executeReadsAsWhatWasPrepared() {
        run("PREPARE p AS DELETE FROM t WHERE id = $1");
        assertEquals(Set.of(Verb.DELETE), verbsOf("EXECUTE p(1)"));
        assertEquals(Set.of(Verb.DELETE), verbsOf("execute P (1)"), "unquoted names fold");
        assertTrue(session.resolve(CLASSIFIER.classify("EXECUTE \"P\"")).isUnknown(), "quoted names do not");
    }

    @Test
    void executeOfAnUnknownNameStaysUnknown() {
        QueryClassification query = session.resolve(CLASSIFIER.classify("EXECUTE nobody"));
        assertTrue(query.isUnknown());
        assertTrue(query.statements().get(0).unknownReasons().get(0).contains("nobody"));
    }

    @Test
    void statementsEarlierInTheSameQueryCount() {
        QueryClassification query = session.resolve(CLASSIFIER.classify(
                "PREPARE a AS SELECT 1; EXECUTE a; DEALLOCATE a; EXECUTE a"));
        assertEquals(Set.of(Verb.SELECT), query.statements().get(1).verbs());
        assertTrue(query.statements().get(3).isUnknown());
        assertEquals(0, session.preparedCount(), "resolving alone changes nothing");
    }

    @Test
    void aRepeatedPrepareAddsAMeaning() {
        run("PREPARE p AS SELECT 1");
        run("PREPARE p AS UPDATE t SET a = 1");
        assertEquals(Set.of(Verb.SELECT, Verb.UPDATE), verbsOf("EXECUTE p"));
    }

    @Test
    void deallocateAndDiscardForget() {
        run("PREPARE a AS SELECT 1");
        run("PREPARE b AS SELECT 2");
        run("DEALLOCATE PREPARE a");
        assertTrue(session.resolve(CLASSIFIER.classify("EXECUTE a")).isUnknown());
        assertFalse(session.resolve(CLASSIFIER.classify("EXECUTE b")).isUnknown());
        run("DEALLOCATE ALL");
        assertEquals(0, session.preparedCount());
        run("PREPARE c AS SELECT 3");
        run("DISCARD PLANS");
        assertEquals(1, session.preparedCount(), "only DISCARD ALL forgets prepared statements");
        run("DISCARD ALL");
        assertEquals(0, session.preparedCount());
    }

    @Test
    void protocolStatementsShareTheNamespace() {
        session.rememberProtocolStatement("S_1", CLASSIFIER.classifyParse("INSERT INTO t VALUES ($1)"));
        assertEquals(Set.of(Verb.INSERT), verbsOf("EXECUTE \"S_1\"(5)"));
        run("DEALLOCATE \"S_1\"");
        assertTrue(session.resolve(CLASSIFIER.classify("EXECUTE \"S_1\"")).isUnknown());
        session.rememberProtocolStatement("S_2", CLASSIFIER.classifyParse("SELECT 1"));
        session.forgetProtocolStatement("S_2");
        assertEquals(0, session.preparedCount());
        session.rememberProtocolStatement("", CLASSIFIER.classifyParse("SELECT 1"));
        assertEquals(0, session.preparedCount(), "the unnamed statement cannot be EXECUTEd");
    }

    @Test
    void executeInsideOtherStatementsResolves() {
        run("PREPARE p AS DELETE FROM t");
        assertEquals(Set.of(Verb.EXPLAIN, Verb.DELETE), verbsOf("EXPLAIN ANALYZE EXECUTE p"));
        assertEquals(Set.of(Verb.EXPLAIN), verbsOf("EXPLAIN EXECUTE p"), "plain EXPLAIN does not run it");
        assertEquals(Set.of(Verb.CREATE, Verb.DELETE), verbsOf("CREATE TABLE x AS EXECUTE p"));
    }

    @Test
    void queriesWithoutPreparedStatementsPassThroughUntouched() {
        QueryClassification query = CLASSIFIER.classify("SELECT 1");
        assertSame(query, session.resolve(query));
    }

    @Test
    void tooManyMeaningsCollapseToUnknown() {
        for (int i = 0; i <= SessionPolicyState.MAX_MEANINGS; i++) {
            run("PREPARE p AS SELECT " + i);
        }
        assertTrue(session.resolve(CLASSIFIER.classify("EXECUTE p")).isUnknown());
    }
}
