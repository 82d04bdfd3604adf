package dev.bulwark.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch of {@link Write}s into JDBC batches on the writer connection: one JDBC batch per
 * table, executed in an order that respects references (sessions before their ends, inserts before
 * prunes). Used by the single writer thread only.
 */
final class WriteApplier {
    private static final String INSERT_SESSION = "INSERT INTO sessions (id, node_id, subject, member_groups, issuer,"
            + " token_id, client_address, application_name, target, database_role, audit_mode, started_micros,"
            + " ended_micros, end_reason, end_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_FRAME = "INSERT INTO frames (node_id, seq, epoch, session_id, frame_no, at_micros,"
            + " kind, payload, hash, statement_text, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TABLE = "INSERT INTO statement_tables (session_id, frame_no, table_name) VALUES (?, ?, ?)";
    private static final String INSERT_ADMIN = "INSERT INTO admin_actions (node_id, seq, epoch, at_micros, actor, action,"
            + " target, details, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String END_SESSION = "UPDATE sessions SET ended_micros = ?, end_reason = ?, end_detail = ? WHERE id = ?";

    /** Prepared statements of the current writer connection, kept for its life (re-parsing them per batch is measurable). */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** Forgets the statements of a closed or replaced connection. */
    void reset() {
        statements.clear();
    }

    private PreparedStatement statement(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Applies the writes in order on the connection; the caller commits or rolls back. */
    void apply(Connection connection, List<Write> writes) throws SQLException {
        PreparedStatement sessions = statement(connection, INSERT_SESSION);
        PreparedStatement frames = statement(connection, INSERT_FRAME);
        PreparedStatement tables = statement(connection, INSERT_TABLE);
        PreparedStatement admins = statement(connection, INSERT_ADMIN);
        PreparedStatement ends = statement(connection, END_SESSION);
        int sessionCount = 0;
        int frameCount = 0;
        int tableCount = 0;
        int adminCount = 0;
        int endCount = 0;
        List<Write.Prune> prunes = new ArrayList<>();
        for (Write write : writes) {
            switch (write) {
                case Write.InsertSession insert -> {
                    SessionRow row = insert.session();
                    sessions.setString(1, row.id());
                    sessions.setString(2, row.nodeId());
                    sessions.setString(3, row.subject());
                    sessions.setString(4, Rows.toJson(row.groups()));
                    sessions.setString(5, row.issuer());
                    sessions.setString(6, row.tokenId());
                    sessions.setString(7, row.clientAddress());
                    sessions.setString(8, row.applicationName());
                    sessions.setString(9, row.target());
                    sessions.setString(10, row.databaseRole());
                    sessions.setString(11, row.auditMode());
                    sessions.setLong(12, row.startedMicros());
                    Rows.setLong(sessions, 13, row.endedMicros());
                    sessions.setString(14, row.endReason());
                    sessions.setString(15, row.endDetail());
                    sessions.addBatch();
                    sessionCount++;
                }
                case Write.AppendFrame append -> {
                    FrameRecord frame = append.frame();
                    frames.setString(1, frame.nodeId());
                    frames.setLong(2, frame.seq());
                    frames.setInt(3, frame.epoch());
                    frames.setString(4, frame.sessionId());
                    frames.setInt(5, frame.frameNo());
                    frames.setLong(6, frame.atMicros());
                    frames.setString(7, frame.kind());
                    frames.setString(8, frame.payload());
                    frames.setString(9, frame.hash());
                    frames.setString(10, append.index().statementText());
                    frames.setString(11, append.index().verdict());
                    frames.addBatch();
                    frameCount++;
                    for (String table : append.index().tables()) {
                        tables.setString(1, frame.sessionId());
                        tables.setInt(2, frame.frameNo());
                        tables.setString(3, table);
                        tables.addBatch();
                        tableCount++;
                    }
                }
                case Write.AppendAdmin append -> {
                    AdminRecord admin = append.action();
                    admins.setString(1, admin.nodeId());
                    admins.setLong(2, admin.seq());
                    admins.setInt(3, admin.epoch());
                    admins.setLong(4, admin.atMicros());
                    admins.setString(5, admin.actor());
                    admins.setString(6, admin.action());
                    admins.setString(7, admin.target());
                    admins.setString(8, admin.details());
                    admins.setString(9, admin.hash());
                    admins.addBatch();
                    adminCount++;
                }
                case Write.EndSession end -> {
                    ends.setLong(1, end.endedMicros());
                    ends.setString(2, end.reason());
                    ends.setString(3, end.detail());
                    ends.setString(4, end.sessionId());
                    ends.addBatch();
                    endCount++;
                }
                case Write.Prune prune -> prunes.add(prune);
            }
        }
        // Order matters only where rows refer to each other: sessions before their ends, inserts before prunes.
        if (sessionCount > 0) {
            sessions.executeBatch();
        }
        if (frameCount > 0) {
            frames.executeBatch();
        }
        if (tableCount > 0) {
            tables.executeBatch();
        }
        if (adminCount > 0) {
            admins.executeBatch();
        }
        if (endCount > 0) {
            ends.executeBatch();
        }
        for (Write.Prune prune : prunes) {
            prune(connection, prune);
        }
    }

    private static void prune(Connection connection, Write.Prune prune) throws SQLException {
        try (PreparedStatement tables = connection.prepareStatement("DELETE FROM statement_tables WHERE session_id = ?");
             PreparedStatement approvals = connection.prepareStatement("DELETE FROM approvals WHERE session_id = ?");
             PreparedStatement sessions = connection.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
            for (String sessionId : prune.sessionIds()) {
                tables.setString(1, sessionId);
                tables.addBatch();
                approvals.setString(1, sessionId);
                approvals.addBatch();
                sessions.setString(1, sessionId);
                sessions.addBatch();
            }
            if (!prune.sessionIds().isEmpty()) {
                tables.executeBatch();
                approvals.executeBatch();
                sessions.executeBatch();
            }
        }
        for (String table : List.of("frames", "admin_actions")) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE node_id = ? AND seq < ?")) {
                delete.setString(1, prune.nodeId());
                delete.setLong(2, prune.cutSeq());
                delete.executeUpdate();
            }
        }
    }
}
