package dev.bulwark.session;

import dev.bulwark.auth.Identity;

import java.util.concurrent.CompletableFuture;

/**
 * Decides, per statement, whether it may reach the server. Called on the session's event loop for
 * every Query and Parse, and at the first Execute of each portal (with what the gate made of the
 * statement at its Parse or PREPARE): it must not block. When the answer
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
     * @param sql the text (for Execute of a prepared statement: the text the server holds under its name)
     * @param protocol how it came
     * @param statementName the prepared statement's name (extended protocol), else empty
     * @param parameters bind parameters rendered as text (null elements for NULL), empty when none
     * @param prepared for Execute: what the gate made of the statement when it was prepared (null when it
     *        gave nothing); else null
     * @param names the session's prepared statements and portals as the server will hold them when this
     *        statement runs (EXECUTE and FETCH in SQL are judged by them)
     */
    record Statement(String sql, Protocol protocol, String statementName, java.util.List<String> parameters,
                     Judgement prepared, Names names) {
        public Statement {
            java.util.Objects.requireNonNull(sql, "sql is null");
            java.util.Objects.requireNonNull(protocol, "protocol is null");
            statementName = statementName == null ? "" : statementName;
            parameters = parameters == null ? java.util.List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
            names = names == null ? Names.NONE : names;
        }

        public Statement(String sql, Protocol protocol, String statementName, java.util.List<String> parameters) {
            this(sql, protocol, statementName, parameters, null, Names.NONE);
        }
    }

    /**
     * What the gate made of a statement that the session keeps to run later (a Parse, a PREPARE's body):
     * the session stores it with the statement and hands it back at each Execute. Opaque to the session
     * but for what running the statement changes among its names.
     */
    interface Judgement {
        /** What running the statement changes among the session's prepared statements and portals, in order. */
        java.util.List<NameEffect> effects();

        /** True when judging a run of it needs the session's names at that time (it runs EXECUTE, FETCH or MOVE). */
        boolean readsNames();
    }

    /** A prepared statement as the session holds it. */
    interface Prepared {
        String name();

        /** The text PostgreSQL holds under the name (for a SQL PREPARE: the statement after AS). */
        String sql();

        /** What the gate made of it; null when the gate gave nothing or the session cannot tell what it holds. */
        Judgement judgement();
    }

    /** The session's prepared statements and portals, as the server will hold them when the statement being judged runs. */
    interface Names {
        Names NONE = new Names() {
            @Override
            public Prepared statement(String name) {
                return null;
            }

            @Override
            public java.util.List<Prepared> unexecutedPortals(String name) {
                return java.util.List.of();
            }
        };

        /** The prepared statement under this name; null when there is none. Its judgement is null when the session cannot tell. */
        Prepared statement(String name);

        /**
         * The statements of portals the protocol bound under this name that have not run yet (a SQL FETCH
         * or MOVE on one runs its statement); for an empty name every such portal.
         */
        java.util.List<Prepared> unexecutedPortals(String name);
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
     * @param executes for SQL EXECUTE of prepared statements: each one's name and the text PostgreSQL holds
     *        under it (what really runs), in order
     */
    record Summary(String ruleId, String ruleName, java.util.List<String> logged, java.util.List<String> tables,
                   java.util.List<String> verbs, java.util.List<Executed> executes) {
        public Summary {
            logged = logged == null ? java.util.List.of() : java.util.List.copyOf(logged);
            tables = tables == null ? java.util.List.of() : java.util.List.copyOf(tables);
            verbs = verbs == null ? java.util.List.of() : java.util.List.copyOf(verbs);
            executes = executes == null ? java.util.List.of() : java.util.List.copyOf(executes);
        }

        public Summary(String ruleId, String ruleName, java.util.List<String> logged, java.util.List<String> tables,
                       java.util.List<String> verbs) {
            this(ruleId, ruleName, logged, tables, verbs, null);
        }

        /**
         * The text to show for a statement: as sent, followed by the text of each prepared statement it
         * EXECUTEs, so the recording, the live view and a reviewer see what runs, not only its name.
         */
        public String shown(String sql) {
            if (executes.isEmpty()) {
                return sql;
            }
            StringBuilder text = new StringBuilder(sql);
            for (Executed executed : executes) {
                text.append("\n/* ").append(executed.name()).append(" holds: ")
                        .append(executed.sql().replace("*/", "* /")).append(" */");
            }
            return text.toString();
        }
    }

    /** A prepared statement an EXECUTE ran: its name and the text PostgreSQL holds under it. */
    record Executed(String name, String sql) {
        public Executed {
            java.util.Objects.requireNonNull(name, "name is null");
            java.util.Objects.requireNonNull(sql, "sql is null");
        }
    }

    /** What happens to the statement. */
    sealed interface Decision {
        Decision ALLOW = new Allow(null, null);

        /**
         * @param note a warning for the recording (an unknown statement allowed by configuration), or null
         * @param judgement what the gate made of it, kept by the session: for a Parse, handed back at its
         *        Executes; for a Query, what it changes among the session's names. Null when nothing.
         */
        record Allow(String note, Summary summary, Judgement judgement) implements Decision {
            public Allow(String note, Summary summary) {
                this(note, summary, null);
            }
        }

        /** Refused: the client gets an ErrorResponse with this SQLSTATE and message; the session goes on. */
        record Deny(String sqlState, String message, String rule, Summary summary) implements Decision {
            public Deny(String sqlState, String message, String rule) {
                this(sqlState, message, rule, null);
            }
        }

        /**
         * Not known yet. The client gets {@code notices} at once (e.g. "waiting for approval"), then the
         * session waits for {@code outcome}, which completes with Allow, Deny, or another Pending (a second
         * wait, e.g. a write-scope estimate or a catalog lookup that ends in a hold for approval: its notices go
         * out when it comes).
         */
        record Pending(CompletableFuture<Decision> outcome, java.util.List<String> notices) implements Decision {}
    }
}
