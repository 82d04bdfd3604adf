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

    /** What happens to the statement. */
    sealed interface Decision {
        Decision ALLOW = new Allow(null);

        /** @param note a warning for the recording (an unknown statement allowed by configuration), or null */
        record Allow(String note) implements Decision {}

        /** Refused: the client gets an ErrorResponse with this SQLSTATE and message; the session goes on. */
        record Deny(String sqlState, String message, String rule) implements Decision {}

        /**
         * Not known yet. The client gets {@code notices} at once (e.g. "waiting for approval"), then the
         * session waits for {@code outcome}, which completes with Allow or Deny (never Pending).
         */
        record Pending(CompletableFuture<Decision> outcome, java.util.List<String> notices) implements Decision {}
    }
}
