package dev.bulwark.session;

import dev.bulwark.protocol.FrontendMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The one owner of a session's names, message by message as the relay reports them: changes take
 * effect when the server confirms them, lookups answer for the client's position, and what the engine
 * cannot know yet reads as uncertain (the relay then waits).
 */
final class PreparedStatementsTest {
    private final PreparedStatements names = new PreparedStatements();
    private final ResponseTracker tracker = new ResponseTracker(names);

    private static PreparedStatements.PreparedStatement statement(String name, String sql) {
        return new PreparedStatements.PreparedStatement(name, sql, List.of(), null);
    }

    private static PreparedStatements.Portal portal(String name, PreparedStatements.PreparedStatement statement) {
        return new PreparedStatements.Portal(name, statement,
                new FrontendMessage.Bind(name, statement.name, List.of(), List.of(), List.of()));
    }

    /** Parse S, ParseComplete: S holds the text. */
    private PreparedStatements.PreparedStatement parsedAndConfirmed(String name, String sql) {
        var s = statement(name, sql);
        names.confirm(names.parsed(s));
        return s;
    }

    @Test
    void aParseTakesEffectInItsBatchAtOnceAndForLaterBatchesWhenTheServerConfirmsIt() {
        var s = statement("s1", "UPDATE t SET a = 1");
        var change = names.parsed(s);
        assertSame(s, names.statementAt("s1"), "later in the same batch: if the Parse fails, the server skips the rest");
        names.batchEnded();
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt("s1"), "after a Sync it may have failed");
        assertFalse(names.settled());
        names.confirm(change);
        assertSame(s, names.statementAt("s1"));
        assertTrue(names.settled());
        assertEquals(0, names.pendingCount());
    }

    @Test
    void aParseTheServerRefusesKeepsWhatTheNameHeld() {
        var old = parsedAndConfirmed("s1", "UPDATE t SET a = 1");
        var change = names.parsed(statement("s1", "SELECT 1"));
        names.batchEnded();
        names.drop(change); // 42P05: the name exists
        assertSame(old, names.statementAt("s1"));
    }

    @Test
    void aPortalKeepsTheStatementItsNameHeldAtBind() {
        var wipe = parsedAndConfirmed("s1", "UPDATE t SET a = 1");
        var p = portal("p1", wipe);
        names.bound(p);
        names.closed((byte) 'S', "s1");
        names.parsed(statement("s1", "SELECT 1"));
        assertSame(wipe, names.portalAt("p1").statement);
        assertEquals("SELECT 1", names.statementAt("s1").sql);
    }

    @Test
    void aQueryDropsTheUnnamedStatementAndPortalWhenItsReadyForQueryComes() {
        var unnamed = parsedAndConfirmed("", "SELECT 1");
        names.confirm(names.bound(portal("", unnamed)));
        ResponseTracker.Entry query = tracker.expect(ResponseTracker.Kind.QUERY, null);
        query.change = names.query();
        names.batchEnded();
        assertTrue(names.settled(), "SQL cannot name the unnamed statement: a Query need not wait for it");
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt(""));
        tracker.readyForQuery();
        assertNull(names.statementAt(""));
        assertNull(names.portalAt(""));
    }

    @Test
    void sqlChangesTakeEffectOnTheirOwnCommandComplete() {
        var old = parsedAndConfirmed("p", "SELECT 1");
        ResponseTracker.Entry query = tracker.expect(ResponseTracker.Kind.QUERY, null);
        query.change = names.query();
        query.effects = names.effects(List.of(new NameEffect.Deallocate("p"),
                new NameEffect.Prepare("p", "UPDATE t SET a = 1", null), new NameEffect.Prepare("q", "SELECT 2", null)));
        assertEquals("SELECT 2", names.statementAt("q").sql, "in the Query's own batch the changes are taken as done");
        names.batchEnded();
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt("p"));
        names.completed(query.effects, "SELECT 1");
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt("p"), "another statement's tag confirms nothing");
        names.completed(query.effects, "DEALLOCATE");
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt("p"), "the PREPARE after it is still pending");
        names.completed(query.effects, "PREPARE");
        assertEquals("UPDATE t SET a = 1", names.statementAt("p").sql);
        // The third statement failed: ReadyForQuery ends the Query, its last PREPARE never happened.
        tracker.readyForQuery();
        assertNull(names.statementAt("q"));
        assertTrue(names.settled());
        assertEquals(0, names.pendingCount());
        assertFalse(names.confirmedStatements().containsValue(old));
    }

    @Test
    void deallocateAllAndDiscardAllLeaveTheUnnamedStatement() {
        var unnamed = parsedAndConfirmed("", "SELECT 1");
        parsedAndConfirmed("a", "SELECT 2");
        var effects = names.effects(List.of(new NameEffect.DiscardAll()));
        names.completed(effects, "DISCARD ALL");
        assertNull(names.statementAt("a"));
        assertSame(unnamed, names.statementAt(""));
    }

    @Test
    void aDeclaredCursorIsNoPortalTheProtocolMayExecute() {
        var ids = parsedAndConfirmed("ids", "SELECT id FROM t");
        names.confirm(names.bound(portal("p1", ids)));
        var effects = names.effects(List.of(new NameEffect.CloseCursor("p1"), new NameEffect.DeclareCursor("p1")));
        names.batchEnded();
        assertSame(PreparedStatements.UNCERTAIN_PORTAL, names.portalAt("p1"));
        names.completed(effects, "CLOSE CURSOR");
        names.completed(effects, "DECLARE CURSOR");
        assertNull(names.portalAt("p1"));
    }

    @Test
    void theEndOfATransactionDropsEveryPortalButNotThoseBoundSince() {
        var s = parsedAndConfirmed("s", "SELECT 1");
        names.confirm(names.bound(portal("p1", s)));
        names.batchEnded();
        var later = portal("p2", s);
        var change = names.bound(later);
        names.readyForQuery((byte) 'I');
        assertNull(names.portalAt("p1"));
        names.confirm(change);
        assertSame(later, names.portalAt("p2"));
        names.readyForQuery((byte) 'T');
        assertSame(later, names.portalAt("p2"));
    }

    @Test
    void fetchSeesPortalsThatHaveNotRun() {
        var s = parsedAndConfirmed("upd", "UPDATE t SET a = 1 RETURNING a");
        var p = portal("p2", s);
        names.confirm(names.bound(p));
        names.bound(portal("", s));
        assertEquals(List.of(s), names.unexecutedPortals("p2"));
        assertEquals(List.of(s), names.unexecutedPortals(""), "every named portal; SQL cannot name the unnamed one");
        p.executed = true;
        assertEquals(List.of(), names.unexecutedPortals("p2"));
        assertEquals(List.of(), names.unexecutedPortals(""));
    }

    @Test
    void anErrorSkipsToSyncAndWhatWasSkippedChangesNothing() {
        var old = parsedAndConfirmed("s1", "SELECT 1");
        ResponseTracker.Entry failing = tracker.expect(ResponseTracker.Kind.EXECUTE, "");
        ResponseTracker.Entry skippedParse = tracker.expect(ResponseTracker.Kind.PARSE, "s2");
        skippedParse.change = names.parsed(statement("s2", "SELECT 2"));
        ResponseTracker.Entry skippedQuery = tracker.expect(ResponseTracker.Kind.QUERY, null);
        skippedQuery.change = names.query();
        skippedQuery.effects = names.effects(List.of(new NameEffect.Deallocate("s1")));
        names.batchEnded();
        tracker.expect(ResponseTracker.Kind.SYNC, null);
        names.batchEnded();
        assertSame(PreparedStatements.UNCERTAIN, names.statementAt("s1"));
        assertEquals(failing, tracker.head());
        tracker.errorSkipsToSync();
        assertEquals(ResponseTracker.Kind.SYNC, tracker.head().kind, "a Query before the Sync is skipped too");
        assertSame(old, names.statementAt("s1"));
        assertNull(names.statementAt("s2"));
        assertEquals(0, names.pendingCount());
    }

    @Test
    void aWaitingSessionIsToldWhenAChangeIsResolved() {
        int[] told = {0};
        names.onResolved(() -> told[0]++);
        var change = names.parsed(statement("s", "SELECT 1"));
        names.batchEnded();
        names.confirm(change);
        names.confirm(change);
        assertEquals(1, told[0], "once per change");
    }
}
