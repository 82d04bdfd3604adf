package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage.RowDescription;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The in-flight queue: one entry per client message that the server will answer, in the order they
 * were sent, so each reply is tied to the message (and statement) that caused it. The server
 * answers in order; after an error in the extended protocol it skips everything up to Sync.
 * Lives on the session's event loop only.
 */
final class ResponseTracker {
    enum Kind {
        QUERY, PARSE, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE, SYNC, FUNCTION_CALL,
        /** Where the client ended a COPY FROM STDIN (CopyDone or CopyFail): no reply, a mark in the order of messages. */
        COPY_END
    }

    /** One expected reply group. */
    static final class Entry {
        final Kind kind;
        /** The statement or portal name the message names. */
        final String name;
        /** Injected by the engine itself: the client never sees its replies. */
        final boolean internal;
        /** A stand-in for a denied statement: its ErrorResponse is replaced by the engine's. */
        final DeniedStatement denial;
        /** Columns of the rows this entry produces (simple query: set by its RowDescription). */
        RowDescription columns;
        /** Recording/observer context for this statement. */
        StatementContext statement;
        /**
         * For an Execute: the portal, whose columns may be learned after the Execute was sent. For a
         * Describe of a portal: the portal described, as it was when the Describe was sent (a later
         * Bind may reuse its name before the reply arrives).
         */
        PreparedStatements.Portal portal;
        /** For a Describe of a statement: the statement described, as it was when the Describe was sent. */
        PreparedStatements.PreparedStatement prepared;
        /** For a Parse, Bind, Close or Query: the change to the session's names its reply confirms. */
        PreparedStatements.Change change;
        /** For a Query or Execute whose SQL changes the session's names: each confirmed by its CommandComplete. */
        ArrayDeque<PreparedStatements.Change> effects;
        /** How this entry's rows are rewritten, once planned. */
        ResultFilter.RowTransform transform;

        Entry(Kind kind, String name, boolean internal, DeniedStatement denial) {
            this.kind = kind;
            this.name = name;
            this.internal = internal;
            this.denial = denial;
        }

        boolean endsWithReadyForQuery() {
            return kind == Kind.QUERY || kind == Kind.SYNC || kind == Kind.FUNCTION_CALL;
        }

        @Override
        public String toString() {
            return kind + (name == null ? "" : "(" + name + ")") + (internal ? " internal" : "") + (denial != null ? " denied" : "");
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final PreparedStatements names;

    ResponseTracker(PreparedStatements names) {
        this.names = names;
    }

    /**
     * The server is in copy-in mode and the client has not ended the copy yet. In copy-in mode
     * PostgreSQL ignores Sync (and Flush): "for the convenience of client libraries that may send
     * those without noticing that the command they just sent was COPY". A Sync sent then gets no
     * ReadyForQuery, so it must not be expected.
     */
    private boolean copyIn;

    Entry expect(Kind kind, String name) {
        return add(new Entry(kind, name, false, null));
    }

    Entry expectInternal(Kind kind, String name) {
        return add(new Entry(kind, name, true, null));
    }

    Entry expectDenied(Kind kind, String name, DeniedStatement denial) {
        return add(new Entry(kind, name, false, denial));
    }

    private Entry add(Entry entry) {
        entries.addLast(entry);
        return entry;
    }

    /** A Sync: expected unless the server is known to be in copy-in mode, where it ignores it. */
    void expectSync() {
        if (!copyIn) {
            expect(Kind.SYNC, null);
        }
    }

    /** The client's CopyDone or CopyFail went to the server. */
    void copyEndSent() {
        if (copyIn) {
            copyIn = false;
        } else {
            add(new Entry(Kind.COPY_END, null, false, null)); // the server may not have said CopyInResponse yet
        }
    }

    /**
     * CopyInResponse for the head entry: every Sync the client sent after it, up to where it ended
     * the copy, reached the server in copy-in mode and was ignored there.
     */
    void copyInStarted() {
        Iterator<Entry> it = entries.iterator();
        if (it.hasNext()) {
            it.next(); // the statement that started the copy
        }
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.kind == Kind.COPY_END) {
                it.remove();
                return; // the client ended the copy already
            }
            if (entry.kind == Kind.SYNC) {
                it.remove();
            }
        }
        copyIn = true;
    }

    /** An ErrorResponse: a failed COPY leaves copy-in mode, and Syncs count again. */
    void serverError() {
        copyIn = false;
    }

    Entry head() {
        // A copy end that no CopyInResponse claimed (the COPY failed before it started) gets no reply.
        while (!entries.isEmpty() && entries.peekFirst().kind == Kind.COPY_END) {
            entries.pollFirst();
        }
        return entries.peekFirst();
    }

    Entry pop() {
        return entries.pollFirst();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** True when an entry that ends with ReadyForQuery is queued: the server still owes an answer. */
    boolean awaitingReadyForQuery() {
        for (Entry entry : entries) {
            if (entry.endsWithReadyForQuery()) {
                return true;
            }
        }
        return false;
    }

    /**
     * ReadyForQuery: drop everything up to and including the entry it ends. A Query that ended has
     * dropped the unnamed statement and portal; what else is left unanswered did not happen.
     */
    void readyForQuery() {
        while (!entries.isEmpty()) {
            Entry entry = entries.pollFirst();
            if (entry.endsWithReadyForQuery()) {
                names.confirm(entry.change);
                unanswered(entry);
                return;
            }
            unanswered(entry);
        }
    }

    /** An entry leaves without (all of) its replies: its unconfirmed changes did not happen. */
    private void unanswered(Entry entry) {
        if (entry.change != null) {
            names.drop(entry.change);
            entry.change = null;
        }
        if (entry.effects != null) {
            names.unconfirmed(entry.effects);
        }
    }

    /**
     * An ErrorResponse in the extended protocol: the failed entry and every entry the server will
     * skip (up to, not including, the next Sync: a Query or FunctionCall before it is skipped too) get
     * no reply. Returns the first statement among them, which the error is about when the failed entry
     * was its Parse or Bind.
     */
    StatementContext errorSkipsToSync() {
        StatementContext skipped = null;
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.kind == Kind.SYNC) {
                return skipped;
            }
            unanswered(entry);
            if (skipped == null && entry.statement != null) {
                skipped = entry.statement;
            }
            it.remove();
        }
        return skipped;
    }

    void clear() {
        entries.clear();
        copyIn = false;
    }
}
