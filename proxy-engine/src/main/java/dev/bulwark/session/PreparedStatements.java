package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.BackendMessage.RowDescription;
import dev.bulwark.protocol.FrontendMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one owner of a session's prepared statements and portals: what PostgreSQL holds under each name,
 * as far as its replies have confirmed, and what the client's messages in flight will change.
 *
 * <p>PostgreSQL keeps protocol prepared statements (Parse) and SQL ones (PREPARE) in one namespace, and
 * protocol portals (Bind) and SQL cursors (DECLARE) in another. A change is applied here only when the
 * server confirms it, in the order it answers:
 * <pre>
 *   Parse S        -&gt; ParseComplete                  S holds the text (a named S that exists fails: 42P05, nothing changes)
 *   Bind P         -&gt; BindComplete                   P runs what S held at Bind time
 *   Close S | P    -&gt; CloseComplete                  gone
 *   Query          -&gt; ReadyForQuery                  the unnamed statement and portal are gone
 *     PREPARE / DEALLOCATE [ALL] / DISCARD ALL / DECLARE / CLOSE [ALL]
 *                  -&gt; its CommandComplete            as the statement says
 *   ReadyForQuery 'I'                                every portal is gone (the transaction ended)
 * </pre>
 * Until then a change is pending. The engine reads ahead of the server's answers, so a lookup answers for
 * the client's current position: in the extended protocol the server skips everything after an error up
 * to Sync, so a change sent earlier in the same batch (no Sync or Query between) can be taken as done (if
 * it fails, the message looking it up never runs). A change pending from an earlier batch may have failed:
 * the lookup answers {@link #UNCERTAIN} and the session waits for the server's answer before judging.
 *
 * <p>Event-loop confined. The common paths (a Bind and Execute of a known statement) cost one hash lookup
 * and, for the changes in flight, a walk over a deque that is nearly always empty or of one element.
 */
final class PreparedStatements implements StatementGate.Names {

    /** A prepared statement as the server holds it. */
    static final class PreparedStatement implements StatementGate.Prepared {
        final String name;
        final String sql;
        final List<Integer> parameterTypes;
        final StatementGate.Judgement judgement;
        /** Learned from a Describe of the statement. */
        RowDescription columns;

        PreparedStatement(String name, String sql, List<Integer> parameterTypes, StatementGate.Judgement judgement) {
            this.name = name;
            this.sql = sql;
            this.parameterTypes = parameterTypes;
            this.judgement = judgement;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String sql() {
            return sql;
        }

        @Override
        public StatementGate.Judgement judgement() {
            return judgement;
        }

        @Override
        public String toString() {
            return "statement \"" + name + "\"";
        }
    }

    /** A portal bound by the protocol: it keeps the statement its name held at Bind time. */
    static final class Portal {
        final String name;
        final PreparedStatement statement;
        final FrontendMessage.Bind bind;
        RowDescription described;
        /** Allowed once: further Executes of a suspended portal continue the same statement. */
        boolean executed;
        long sequence;

        Portal(String name, PreparedStatement statement, FrontendMessage.Bind bind) {
            this.name = name;
            this.statement = statement;
            this.bind = bind;
        }

        /** Bind parameters as text for the recording: text-format values as sent, binary ones as hex. */
        List<String> parameters() {
            List<String> rendered = new ArrayList<>(bind.values().size());
            for (int i = 0; i < bind.values().size(); i++) {
                byte[] value = bind.values().get(i);
                if (value == null) {
                    rendered.add(null);
                } else if (bind.parameterFormat(i) == 0) {
                    rendered.add(new String(value, StandardCharsets.UTF_8));
                } else {
                    int type = i < statement.parameterTypes.size() ? statement.parameterTypes.get(i) : 0;
                    rendered.add(BinaryValues.render(type, value));
                }
            }
            return rendered;
        }

        /** The columns an Execute of this portal returns, with the formats its Bind asked for. */
        RowDescription columns() {
            if (described != null) {
                return described;
            }
            if (statement.columns == null) {
                return null;
            }
            var fields = statement.columns.fields();
            var withFormats = new ArrayList<BackendMessage.Field>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                withFormats.add(fields.get(i).withFormat(bind.resultFormat(i)));
            }
            return new RowDescription(withFormats);
        }

        @Override
        public String toString() {
            return "portal \"" + name + "\"";
        }
    }

    /** The SQLSTATE PostgreSQL answers for a prepared statement that does not exist. */
    static final String UNKNOWN_STATEMENT = "26000";
    /** The SQLSTATE PostgreSQL answers for a portal that does not exist. */
    static final String UNKNOWN_PORTAL = "34000";
    /** The name of the stand-in Parse sent for a refused Bind or Execute: it fails, so the server skips to Sync. */
    static final String REFUSED_STAND_IN = "bulwark_refused";

    /** What a lookup answers when a change from an earlier batch is still unanswered. */
    static final PreparedStatement UNCERTAIN = new PreparedStatement("", "", List.of(), null);
    /** The same for portals. */
    static final Portal UNCERTAIN_PORTAL = new Portal("", UNCERTAIN, null);

    private enum Scope { STATEMENT, PORTAL, UNNAMED, ALL_STATEMENTS, ALL_PORTALS, EVERYTHING }

    /** One change in flight: applied when the server confirms it, dropped when it fails or is skipped. */
    static final class Change {
        private final Scope scope;
        private final String name;
        /** The statement or portal the name will hold; null when the change removes. */
        private final Object value;
        private final int batch;
        /** The CommandComplete tag that confirms it, for the changes of SQL statements. */
        final String commandTag;

        private Change(Scope scope, String name, Object value, int batch, String commandTag) {
            this.scope = scope;
            this.name = name;
            this.value = value;
            this.batch = batch;
            this.commandTag = commandTag;
        }

        private boolean affectsStatement(String statement) {
            return switch (scope) {
                case STATEMENT -> name.equals(statement);
                case UNNAMED -> statement.isEmpty();
                // DEALLOCATE ALL and DISCARD ALL drop the named statements; the unnamed one is not among them.
                case ALL_STATEMENTS, EVERYTHING -> !statement.isEmpty();
                case PORTAL, ALL_PORTALS -> false;
            };
        }

        private boolean affectsPortal(String portal) {
            return switch (scope) {
                case PORTAL -> name.equals(portal);
                case UNNAMED -> portal.isEmpty();
                case ALL_PORTALS, EVERYTHING -> true;
                case STATEMENT, ALL_STATEMENTS -> false;
            };
        }

        /** Whether it touches something SQL can name (not only the unnamed statement or portal). */
        private boolean named() {
            return scope != Scope.UNNAMED && (name == null || !name.isEmpty());
        }
    }

    private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();
    private final Map<String, Portal> portals = new java.util.HashMap<>();
    private final ArrayDeque<Change> pending = new ArrayDeque<>();
    /** Counts the client's batches: a Sync or a Query ends one. */
    private int batch;
    private Runnable onResolved;

    // ---------------------------------------------------------------- the client's position

    /** The statement the name will hold when the client's current message runs: null when none, or UNCERTAIN. */
    PreparedStatement statementAt(String name) {
        for (Iterator<Change> it = pending.descendingIterator(); it.hasNext(); ) {
            Change change = it.next();
            if (change.affectsStatement(name)) {
                if (change.batch != batch) {
                    return UNCERTAIN;
                }
                return change.value instanceof PreparedStatement s ? s : null;
            }
        }
        return statements.get(name);
    }

    /** The portal the name will hold when the client's current message runs: null when none, or UNCERTAIN_PORTAL. */
    Portal portalAt(String name) {
        for (Iterator<Change> it = pending.descendingIterator(); it.hasNext(); ) {
            Change change = it.next();
            if (change.affectsPortal(name)) {
                if (change.batch != batch) {
                    return UNCERTAIN_PORTAL;
                }
                return change.value instanceof Portal p ? p : null;
            }
        }
        return portals.get(name);
    }

    /**
     * True when nothing SQL can name has a change pending from an earlier batch, so that lookups by SQL
     * (EXECUTE, FETCH) answer for sure. The unnamed statement and portal do not count: SQL cannot name them.
     */
    boolean settled() {
        for (Change change : pending) {
            if (change.batch != batch && change.named()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StatementGate.Prepared statement(String name) {
        return statementAt(name); // UNCERTAIN has no judgement: the gate reads it as unknown
    }

    @Override
    public List<StatementGate.Prepared> unexecutedPortals(String name) {
        if (!name.isEmpty()) {
            Portal portal = portalAt(name);
            return portal == null || portal.executed ? List.of() : List.of(portal.statement);
        }
        List<StatementGate.Prepared> all = new ArrayList<>();
        for (Portal portal : portals.values()) {
            Portal now = portal.name.isEmpty() ? null : portalAt(portal.name);
            if (now != null && !now.executed) {
                all.add(now.statement);
            }
        }
        for (Change change : pending) {
            if (change.value instanceof Portal portal && !portal.name.isEmpty() && !portals.containsKey(portal.name)) {
                Portal now = portalAt(portal.name);
                if (now != null && !now.executed) {
                    all.add(now.statement);
                }
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- what the client sends

    Change parsed(PreparedStatement statement) {
        return add(new Change(Scope.STATEMENT, statement.name, statement, batch, null));
    }

    Change bound(Portal portal) {
        return add(new Change(Scope.PORTAL, portal.name, portal, batch, null));
    }

    Change closed(byte kind, String name) {
        return add(new Change(kind == 'S' ? Scope.STATEMENT : Scope.PORTAL, name, null, batch, null));
    }

    /** A Query (or the stand-in for a refused one): it drops the unnamed statement and portal. */
    Change query() {
        return add(new Change(Scope.UNNAMED, "", null, batch, null));
    }

    /** The changes a statement's SQL makes, each confirmed by its CommandComplete tag, in order; null when none. */
    ArrayDeque<Change> effects(List<NameEffect> effects) {
        if (effects.isEmpty()) {
            return null;
        }
        ArrayDeque<Change> changes = new ArrayDeque<>(effects.size());
        for (NameEffect effect : effects) {
            Change change = switch (effect) {
                case NameEffect.Prepare prepare -> new Change(Scope.STATEMENT, prepare.name(),
                        new PreparedStatement(prepare.name(), prepare.sql(), List.of(), prepare.judgement()), batch, prepare.commandTag());
                case NameEffect.Deallocate deallocate -> deallocate.name().isEmpty()
                        ? new Change(Scope.ALL_STATEMENTS, null, null, batch, deallocate.commandTag())
                        : new Change(Scope.STATEMENT, deallocate.name(), null, batch, deallocate.commandTag());
                case NameEffect.DiscardAll discard -> new Change(Scope.EVERYTHING, null, null, batch, discard.commandTag());
                // A cursor the name now holds was judged at its DECLARE: the protocol may not Execute it unjudged.
                case NameEffect.DeclareCursor declare -> declare.name().isEmpty()
                        ? new Change(Scope.ALL_PORTALS, null, null, batch, declare.commandTag())
                        : new Change(Scope.PORTAL, declare.name(), null, batch, declare.commandTag());
                case NameEffect.CloseCursor close -> close.name().isEmpty()
                        ? new Change(Scope.ALL_PORTALS, null, null, batch, close.commandTag())
                        : new Change(Scope.PORTAL, close.name(), null, batch, close.commandTag());
            };
            changes.add(add(change));
        }
        return changes;
    }

    /** A Sync, Query or FunctionCall was sent: what follows is a new batch (an error before it does not skip it). */
    void batchEnded() {
        batch++;
    }

    private Change add(Change change) {
        pending.addLast(change);
        return change;
    }

    // ---------------------------------------------------------------- what the server answers

    /** Called after a pending change is resolved (the session may be waiting for it). */
    void onResolved(Runnable action) {
        this.onResolved = action;
    }

    /** The server confirmed the change: apply it. */
    void confirm(Change change) {
        if (change == null || !pending.remove(change)) {
            return;
        }
        switch (change.scope) {
            case STATEMENT -> put(statements, change.name, (PreparedStatement) change.value);
            case PORTAL -> put(portals, change.name, (Portal) change.value);
            case UNNAMED -> {
                statements.remove("");
                portals.remove("");
            }
            case ALL_STATEMENTS -> statements.keySet().removeIf(name -> !name.isEmpty());
            case ALL_PORTALS -> portals.clear();
            case EVERYTHING -> {
                statements.keySet().removeIf(name -> !name.isEmpty());
                portals.clear();
            }
        }
        resolved();
    }

    /** The change failed, or the server skipped the message: nothing changed. */
    void drop(Change change) {
        if (change != null && pending.remove(change)) {
            resolved();
        }
    }

    /** A CommandComplete for a statement with SQL changes: the next one is confirmed if the tag is its own. */
    void completed(ArrayDeque<Change> effects, String commandTag) {
        Change next = effects.peekFirst();
        if (next != null && next.commandTag.equals(commandTag)) {
            effects.pollFirst();
            confirm(next);
        }
    }

    /** A message's reply group ended (or was skipped): its changes that were not confirmed did not happen. */
    void unconfirmed(ArrayDeque<Change> effects) {
        Change change;
        while ((change = effects.pollFirst()) != null) {
            drop(change);
        }
    }

    /**
     * A Parse or Bind of the unnamed statement or portal failed: PostgreSQL released the old one before it
     * failed (or, skipped, kept it: the engine then knows less than the server, and refuses to use it).
     */
    void unnamedFailed(boolean statement) {
        if (statement) {
            statements.remove("");
        } else {
            portals.remove("");
        }
    }

    /** ReadyForQuery: outside a transaction block no portal survives. */
    void readyForQuery(byte transactionStatus) {
        if (transactionStatus == 'I' && !portals.isEmpty()) {
            portals.clear();
        }
    }

    private static <T> void put(Map<String, T> map, String name, T value) {
        if (value == null) {
            map.remove(name);
        } else {
            map.put(name, value);
        }
    }

    private void resolved() {
        if (onResolved != null) {
            onResolved.run();
        }
    }

    /** How many changes are in flight (for tests). */
    int pendingCount() {
        return pending.size();
    }

    /** What the server holds, as confirmed (for tests). */
    Map<String, PreparedStatement> confirmedStatements() {
        return Map.copyOf(statements);
    }

    Map<String, Portal> confirmedPortals() {
        return Map.copyOf(portals);
    }

    void clear() {
        statements.clear();
        portals.clear();
        pending.clear();
    }
}
