package dev.bulwark.session;

import dev.bulwark.auth.Identity;

import java.util.concurrent.CompletableFuture;

/**
 * Decides, per statement, whether it may reach the server. Called on the session's event loop for
 * every Query and Parse (and, for held statements, at Execute): it must not block. When the answer
 * needs time (a frame that must be durable first, a person who must approve) it returns
 * {@link Decision.Pending}; the session stops reading from that client until it completes.
 */
public interface StatementGate {
    /** A gate that lets everything through: for tests of the relay itself. */
    StatementGate ALLOW_ALL = (session, statement) -> Decision.ALLOW;

    /** Opens a gate per session (it may keep per-session state such as PREPAREd statements). */
    interface Factory {
        StatementGate open(LiveSession session);
    }

    Decision check(SessionInfo session, Statement statement);

    /** Who is asking. */
    record SessionInfo(String sessionId, Identity identity, String target, String role) {}

    /**
     * One statement as the client sent it.
     *
     * @param sql the text (for Execute of a prepared statement: the text it was parsed from)
     * @param protocol how it came
     * @param statementName the prepared statement's name (extended protocol), else empty
     * @param parameters bind parameters rendered as text (null elements for NULL), empty when none
     */
    record Statement(String sql, Protocol protocol, String statementName, java.util.List<String> parameters) {
        public Statement {
            java.util.Objects.requireNonNull(sql, "sql is null");
            java.util.Objects.requireNonNull(protocol, "protocol is null");
            statementName = statementName == null ? "" : statementName;
            parameters = parameters == null ? java.util.List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
        }
    }

    enum Protocol { SIMPLE, PARSE, EXECUTE, FUNCTION_CALL }

    /**
     * What policy made of a statement, for the recording and live views.
     *
     * @param ruleId the rule that decided (or held), null when none did
     * @param ruleName its name
     * @param logged LOG rules that matched
     * @param tables tables touched, as "schema.table"
     * @param verbs what the statement does
     */
    record Summary(String ruleId, String ruleName, java.util.List<String> logged, java.util.List<String> tables,
                   java.util.List<String> verbs) {
        public Summary {
            logged = logged == null ? java.util.List.of() : java.util.List.copyOf(logged);
            tables = tables == null ? java.util.List.of() : java.util.List.copyOf(tables);
            verbs = verbs == null ? java.util.List.of() : java.util.List.copyOf(verbs);
        }
    }

    /** What happens to the statement. */
    sealed interface Decision {
        Decision ALLOW = new Allow(null, null);

        /** @param note a warning for the recording (an unknown statement allowed by configuration), or null */
        record Allow(String note, Summary summary) implements Decision {}

        /** Refused: the client gets an ErrorResponse with this SQLSTATE and message; the session goes on. */
        record Deny(String sqlState, String message, String rule, Summary summary) implements Decision {
            public Deny(String sqlState, String message, String rule) {
                this(sqlState, message, rule, null);
            }
        }

        /**
         * Not known yet. The client gets {@code notices} at once (e.g. "waiting for approval"), then the
         * session waits for {@code outcome}, which completes with Allow, Deny, or another Pending (a catalog
         * lookup, then an approval), waited for in turn.
         */
        record Pending(CompletableFuture<Decision> outcome, java.util.List<String> notices) implements Decision {}
    }
}
