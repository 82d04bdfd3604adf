package dev.bulwark.policy;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How policy reads EXECUTE, FETCH and the statements that change the session's names. */
final class SessionPolicyStateTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();

    /** The session's prepared statements as the server confirmed them (the session owns them; this test plays it). */
    private final Map<String, StatementClassification> prepared = new HashMap<>();
    /** Unexecuted protocol portals by name. */
    private final Map<String, StatementClassification> portals = new HashMap<>();

    private final SessionPolicyState.Names names = new SessionPolicyState.Names() {
        @Override
        public StatementClassification statement(String name) {
            return prepared.get(name);
        }

        @Override
        public List<StatementClassification> unexecutedPortals(String name) {
            if (name.isEmpty()) {
                return List.copyOf(portals.values());
            }
            StatementClassification portal = portals.get(name);
            return portal == null ? List.of() : List.of(portal);
        }
    };

    /** Resolves, then applies what the server confirms when the whole query ran. */
    private QueryClassification run(String sql) {
        QueryClassification query = resolve(sql);
        query.statements().forEach(s -> SessionPolicyState.changes(s).forEach(c -> SessionPolicyState.apply(c, prepared)));
        return query;
    }

    private QueryClassification resolve(String sql) {
        return SessionPolicyState.resolve(CLASSIFIER.classify(sql), names);
    }

    private Set<Verb> verbsOf(String sql) {
        return resolve(sql).statements().get(0).verbs();
    }

    @Test
    void executeReadsAsWhatWasPrepared() {
        run("PREPARE p AS DELETE FROM t WHERE id = $1");
        assertEquals(Set.of(Verb.DELETE), verbsOf("EXECUTE p(1)"));
        assertEquals(Set.of(Verb.DELETE), verbsOf("execute P (1)"), "unquoted names fold");
        assertTrue(resolve("EXECUTE \"P\"").isUnknown(), "quoted names do not");
    }

    @Test
    void executeOfAnUnknownNameStaysUnknown() {
        QueryClassification query = resolve("EXECUTE nobody");
        assertTrue(query.isUnknown());
        assertTrue(query.statements().get(0).unknownReasons().get(0).contains("nobody"));
    }

    @Test
    void statementsEarlierInTheSameQueryCount() {
        QueryClassification query = resolve("PREPARE a AS SELECT 1; EXECUTE a; DEALLOCATE a; EXECUTE a");
        assertEquals(Set.of(Verb.SELECT), query.statements().get(1).verbs());
        assertTrue(query.statements().get(3).isUnknown());
        assertTrue(prepared.isEmpty(), "resolving alone changes nothing");
    }

    @Test
    void aPrepareInTheSameQueryHidesWhatTheServerHolds() {
        run("PREPARE p AS SELECT 1");
        // PostgreSQL refuses the second PREPARE (p exists) and stops the query: EXECUTE p never runs.
        // Were p gone, it would run the UPDATE: the query is read as that, the stricter of the two.
        QueryClassification query = resolve("PREPARE p AS UPDATE t SET a = 1; EXECUTE p");
        assertEquals(Set.of(Verb.UPDATE), query.statements().get(1).verbs());
    }

    @Test
    void aRepeatedPrepareReplacesNothingUntilTheServerConfirmsIt() {
        run("PREPARE p AS SELECT 1");
        // The session applies a change only on the server's CommandComplete: a refused PREPARE keeps the old text.
        assertEquals(Set.of(Verb.SELECT), verbsOf("EXECUTE p"));
        assertEquals(List.of(new SessionPolicyState.NameChange.Prepare("p", CLASSIFIER.classify("UPDATE t SET a = 1").statements().get(0))),
                SessionPolicyState.changes(CLASSIFIER.classify("PREPARE p AS UPDATE t SET a = 1").statements().get(0)));
    }

    @Test
    void deallocateAndDiscardForget() {
        run("PREPARE a AS SELECT 1");
        run("PREPARE b AS SELECT 2");
        run("DEALLOCATE PREPARE a");
        assertTrue(resolve("EXECUTE a").isUnknown());
        assertFalse(resolve("EXECUTE b").isUnknown());
        run("DEALLOCATE ALL");
        assertEquals(0, prepared.size());
        run("PREPARE c AS SELECT 3");
        run("DISCARD PLANS");
        assertEquals(1, prepared.size(), "only DISCARD ALL forgets prepared statements");
        run("DISCARD ALL");
        assertEquals(0, prepared.size());
    }

    @Test
    void changesNameWhatTheServerConfirms() {
        assertEquals(List.of(new SessionPolicyState.NameChange.Deallocate("")),
                SessionPolicyState.changes(CLASSIFIER.classify("DEALLOCATE ALL").statements().get(0)));
        assertEquals(List.of(new SessionPolicyState.NameChange.DiscardAll()),
                SessionPolicyState.changes(CLASSIFIER.classify("DISCARD ALL").statements().get(0)));
        assertEquals(List.of(new SessionPolicyState.NameChange.DeclareCursor("c")),
                SessionPolicyState.changes(CLASSIFIER.classify("DECLARE C CURSOR WITH HOLD FOR SELECT 1").statements().get(0)));
        assertEquals(List.of(new SessionPolicyState.NameChange.CloseCursor("c")),
                SessionPolicyState.changes(CLASSIFIER.classify("CLOSE c").statements().get(0)));
        assertEquals(List.of(new SessionPolicyState.NameChange.CloseCursor("")),
                SessionPolicyState.changes(CLASSIFIER.classify("CLOSE ALL").statements().get(0)));
        assertEquals(List.of(), SessionPolicyState.changes(CLASSIFIER.classify("SELECT 1").statements().get(0)));
    }

    @Test
    void protocolStatementsShareTheNamespace() {
        prepared.put("S_1", SessionPolicyState.union(CLASSIFIER.classifyParse("INSERT INTO t VALUES ($1)")));
        assertEquals(Set.of(Verb.INSERT), verbsOf("EXECUTE \"S_1\"(5)"));
        run("DEALLOCATE \"S_1\"");
        assertTrue(resolve("EXECUTE \"S_1\"").isUnknown());
    }

    @Test
    void fetchOfAnUnexecutedProtocolPortalReadsAsItsStatement() {
        portals.put("p1", CLASSIFIER.classify("UPDATE t SET a = 1 RETURNING a").statements().get(0));
        assertEquals(Set.of(Verb.FETCH, Verb.UPDATE), verbsOf("FETCH ALL FROM p1"));
        assertEquals(Set.of(Verb.FETCH, Verb.UPDATE), verbsOf("MOVE FORWARD 3 IN \"p1\""));
        assertEquals(Set.of(Verb.FETCH), verbsOf("FETCH NEXT other"));
        assertEquals(Set.of(Verb.FETCH), resolve("CLOSE p1; DECLARE p1 CURSOR FOR SELECT 1; FETCH p1").statements().get(2).verbs(),
                "a cursor declared under the name in the same query is what FETCH reads");
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
        assertSame(query, SessionPolicyState.resolve(query, names));
    }
}
