package dev.bulwark.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Everything that differs between the embedded H2 store and a shared PostgreSQL store, in one place.
 * The schema and the queries are otherwise the same SQL text.
 */
public enum Dialect {
    /** Embedded H2 file database (one engine node), opened in AUTO_SERVER mode so the CLI can read it. */
    H2,
    /** A PostgreSQL database shared by several engine nodes. */
    POSTGRESQL;

    /** Arbitrary constant for PostgreSQL advisory locks taken by Bulwark ('BLWK' + 1). */
    private static final long MIGRATION_LOCK = 0x424C574B_00000001L;
    private static final int WRITER_LOCK_CLASS = 0x424C574B;

    /**
     * The H2 URL for the store under a data directory. AUTO_SERVER lets a second process (the
     * {@code bulwark audit} CLI) read the file while the engine has it open: the first opener serves
     * it on a loopback port named in the lock file. WRITE_DELAY=0 writes each commit to the file before
     * returning, so a STRICT frame survives an engine crash (not a power loss: H2 does not fsync each commit).
     *
     * @param mustExist true for readers: fail instead of creating an empty database
     */
    static String h2Url(Path databaseFile, boolean mustExist) {
        return "jdbc:h2:file:" + databaseFile.toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0"
                + (mustExist ? ";IFEXISTS=TRUE" : "");
    }

    /**
     * Serializes schema migrations across nodes starting at once. PostgreSQL: a transaction-scoped
     * advisory lock, released at commit. H2: nothing, only one engine opens the file for writing.
     */
    void lockForMigration(Connection connection) throws SQLException {
        switch (this) {
            case H2 -> { }
            case POSTGRESQL -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
            }
        }
    }

    /**
     * Takes the per-node writer lock on PostgreSQL (session-scoped advisory lock, held as long as the
     * connection lives). Returns false when another process holds it. H2 uses a file lock instead.
     */
    boolean tryLockWriter(Connection connection, String nodeId) throws SQLException {
        return switch (this) {
            case H2 -> true;
            case POSTGRESQL -> {
                try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                    statement.setInt(1, WRITER_LOCK_CLASS);
                    statement.setInt(2, nodeId.hashCode());
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        yield rows.getBoolean(1);
                    }
                }
            }
        };
    }

    /** Insert-or-replace of one engine_state row. */
    String upsertStateSql() {
        return switch (this) {
            case H2 -> "MERGE INTO engine_state (k, v, updated_micros) KEY (k) VALUES (?, ?, ?)";
            case POSTGRESQL -> "INSERT INTO engine_state (k, v, updated_micros) VALUES (?, ?, ?)"
                    + " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, updated_micros = EXCLUDED.updated_micros";
        };
    }

    /** Serializes rule-set version numbering across nodes, for the current transaction. */
    void lockRuleVersions(Connection connection, String kind) throws SQLException {
        switch (this) {
            case H2 -> { } // one process; JdbcStore also holds a JVM lock
            case POSTGRESQL -> {
                try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                    statement.setInt(1, WRITER_LOCK_CLASS + 1);
                    statement.setInt(2, kind.hashCode());
                    statement.execute();
                }
            }
        }
    }

    /** Makes a result set stream instead of being loaded whole (PostgreSQL needs a transaction for that). */
    void prepareForStreaming(Connection connection, Statement statement) throws SQLException {
        switch (this) {
            case H2 -> statement.setFetchSize(1_000);
            case POSTGRESQL -> {
                connection.setAutoCommit(false);
                statement.setFetchSize(1_000);
            }
        }
    }
}
