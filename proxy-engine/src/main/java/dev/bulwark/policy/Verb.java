package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.bulwark.policy.StatementKind.DCL;
import static dev.bulwark.policy.StatementKind.DDL;
import static dev.bulwark.policy.StatementKind.READ;
import static dev.bulwark.policy.StatementKind.SESSION;
import static dev.bulwark.policy.StatementKind.TRANSACTION;
import static dev.bulwark.policy.StatementKind.UNKNOWN;
import static dev.bulwark.policy.StatementKind.UTILITY;
import static dev.bulwark.policy.StatementKind.WRITE;

/**
 * One thing a statement does. A statement holds one or more operations, each with a verb; the verb
 * fixes the operation's {@link StatementKind}. Verbs named after functions (SEQUENCE_WRITE,
 * FILE_READ ...) come from calls of dangerous built-in functions inside otherwise plain statements.
 */
public enum Verb {
    // Reads
    SELECT(READ),
    /** EXPLAIN without ANALYZE: plans, does not run the statement. */
    EXPLAIN(READ),
    /** FETCH or MOVE on a cursor. */
    FETCH(READ),
    /** COPY ... TO STDOUT (to a server file or program adds FILE_WRITE / PROGRAM_EXECUTE). */
    COPY_TO(READ),
    /** pg_sleep and friends: harmless to data, but they hold a connection and its locks. */
    SLEEP(READ),
    /**
     * lo_get, loread, lo_open ...: reads a large object, data that lives outside any table (so table rules
     * do not see it). The detail names the function.
     */
    LARGE_OBJECT_READ(READ),

    // Writes
    INSERT(WRITE),
    UPDATE(WRITE),
    DELETE(WRITE),
    MERGE(WRITE),
    TRUNCATE(WRITE),
    /** COPY ... FROM: loads rows. */
    COPY_FROM(WRITE),
    /** REFRESH MATERIALIZED VIEW. */
    REFRESH(WRITE),
    /** nextval, setval. */
    SEQUENCE_WRITE(WRITE),
    /** lo_create, lo_unlink, lowrite ... */
    LARGE_OBJECT_WRITE(WRITE),

    // Schema
    CREATE(DDL),
    ALTER(DDL),
    DROP(DDL),
    COMMENT(DDL),
    SECURITY_LABEL(DDL),
    ALTER_SYSTEM(DDL),

    // Privileges
    GRANT(DCL),
    REVOKE(DCL),
    CREATE_ROLE(DCL),
    ALTER_ROLE(DCL),
    DROP_ROLE(DCL),
    /** SET ROLE, SET SESSION AUTHORIZATION, set_config('role', ...). */
    SET_ROLE(DCL),
    REASSIGN_OWNED(DCL),
    DROP_OWNED(DCL),

    // Transactions
    BEGIN(TRANSACTION),
    COMMIT(TRANSACTION),
    ROLLBACK(TRANSACTION),
    SAVEPOINT(TRANSACTION),
    RELEASE_SAVEPOINT(TRANSACTION),
    SET_TRANSACTION(TRANSACTION),
    SET_CONSTRAINTS(TRANSACTION),
    PREPARE_TRANSACTION(TRANSACTION),
    COMMIT_PREPARED(TRANSACTION),
    ROLLBACK_PREPARED(TRANSACTION),

    // Session
    SET(SESSION),
    /**
     * RESET of a setting; the detail is the setting, lower case ({@code role}, {@code session} for SESSION
     * AUTHORIZATION, {@code all} for RESET ALL, which leaves role and session authorization alone).
     */
    RESET(SESSION),
    SHOW(SESSION),
    DISCARD(SESSION),
    /** PREPARE name AS ...; the prepared statement itself is judged separately. */
    PREPARE(SESSION),
    DEALLOCATE(SESSION),
    LISTEN(SESSION),
    UNLISTEN(SESSION),
    DECLARE_CURSOR(SESSION),
    CLOSE_CURSOR(SESSION),
    /** set_config of an ordinary setting. */
    SET_CONFIG(SESSION),

    // Utility
    VACUUM(UTILITY),
    ANALYZE(UTILITY),
    CHECKPOINT(UTILITY),
    REINDEX(UTILITY),
    CLUSTER(UTILITY),
    LOCK(UTILITY),
    LOAD(UTILITY),
    NOTIFY(UTILITY),
    /** pg_terminate_backend, pg_cancel_backend, pg_log_backend_memory_contexts. */
    SIGNAL_BACKEND(UTILITY),
    /** Reads a server file or directory: pg_read_file, pg_ls_dir, lo_import, COPY FROM 'file'. */
    FILE_READ(UTILITY),
    /** Writes a server file: lo_export, COPY TO 'file'. */
    FILE_WRITE(UTILITY),
    /** COPY ... PROGRAM: runs a shell command on the server. */
    PROGRAM_EXECUTE(UTILITY),
    /** Server administration: reload config, rotate logs, replication slots, WAL, statistics reset. */
    SERVER_ADMIN(UTILITY),
    /** pg_advisory_lock and friends. */
    ADVISORY_LOCK(UTILITY),

    // Unknown: the policy applies the unknown default unless a rule decides
    /** Bulwark could not read the statement (or a part of it). */
    UNKNOWN(StatementKind.UNKNOWN),
    /** A call of a function that is not known to be safe (user-defined or volatile built-in). */
    UNKNOWN_FUNCTION(StatementKind.UNKNOWN),
    /** A DO block: arbitrary procedural code. */
    DO(StatementKind.UNKNOWN),
    /** CALL of a procedure: arbitrary procedural code. */
    CALL(StatementKind.UNKNOWN),
    /** EXECUTE of a prepared statement this session's state does not know. */
    EXECUTE(StatementKind.UNKNOWN),
    /** Runs SQL text Bulwark cannot see: query_to_xml, table_to_xml, ts_stat ... */
    DYNAMIC_SQL(StatementKind.UNKNOWN),
    /** dblink: runs SQL on another server. */
    REMOTE_SQL(StatementKind.UNKNOWN),
    /**
     * Sets a client_encoding Bulwark cannot read exactly (see protocol.ClientEncoding): after it the
     * server would read the session's text differently. Unknown to rules, and refused by the engine
     * whatever a rule says; the detail is the reason.
     */
    UNREADABLE_CLIENT_ENCODING(StatementKind.UNKNOWN);

    private final StatementKind kind;

    Verb(StatementKind kind) {
        this.kind = kind;
    }

    public StatementKind kind() {
        return kind;
    }

    /** Case-insensitive, so rule files may say {@code delete} or {@code DELETE}. */
    @JsonCreator
    public static Verb fromJson(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown verb \"" + text + "\"; expected one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }
}
