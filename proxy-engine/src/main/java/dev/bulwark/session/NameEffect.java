package dev.bulwark.session;

import static java.util.Objects.requireNonNull;

/**
 * What a statement changes among the session's prepared statements and portals when PostgreSQL
 * confirms it with the CommandComplete tag {@link #commandTag()}. The session applies it then, and
 * not before: a PREPARE of a name that exists fails and changes nothing.
 */
public sealed interface NameEffect {
    /** The CommandComplete tag that confirms this change. */
    String commandTag();

    /** PREPARE name AS sql: the name now holds sql. */
    record Prepare(String name, String sql, StatementGate.Judgement judgement) implements NameEffect {
        public Prepare {
            requireNonNull(name, "name is null");
            requireNonNull(sql, "sql is null");
        }

        @Override
        public String commandTag() {
            return "PREPARE";
        }
    }

    /** DEALLOCATE name, or DEALLOCATE ALL for an empty name. */
    record Deallocate(String name) implements NameEffect {
        public Deallocate {
            requireNonNull(name, "name is null");
        }

        @Override
        public String commandTag() {
            return name.isEmpty() ? "DEALLOCATE ALL" : "DEALLOCATE";
        }
    }

    /** DISCARD ALL: every prepared statement and every portal is gone. */
    record DiscardAll() implements NameEffect {
        @Override
        public String commandTag() {
            return "DISCARD ALL";
        }
    }

    /**
     * DECLARE name CURSOR: the name is now a SQL cursor, which the protocol may not Execute through the
     * gateway (it was judged at its DECLARE). An empty name (not readable) stands for every portal.
     */
    record DeclareCursor(String name) implements NameEffect {
        public DeclareCursor {
            requireNonNull(name, "name is null");
        }

        @Override
        public String commandTag() {
            return "DECLARE CURSOR";
        }
    }

    /** CLOSE name, or CLOSE ALL for an empty name. */
    record CloseCursor(String name) implements NameEffect {
        public CloseCursor {
            requireNonNull(name, "name is null");
        }

        @Override
        public String commandTag() {
            return name.isEmpty() ? "CLOSE CURSOR ALL" : "CLOSE CURSOR";
        }
    }
}
