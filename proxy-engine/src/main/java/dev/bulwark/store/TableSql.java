package dev.bulwark.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the side tables (rule_versions, approvals): plain documents the store does not interpret. */
final class TableSql {
    private static final String APPROVAL_SELECT = "SELECT id, node_id, session_id, requested_by, requested_micros, status,"
            + " request, decided_by, decided_micros, decision FROM approvals";

    private TableSql() {}

    /** Inserts the next version of a kind in its own transaction; versions are serialized by a lock. */
    static int saveRuleSet(Connection connection, Dialect dialect, String kind, String json, String changedBy) throws SQLException {
        connection.setAutoCommit(false);
        dialect.lockRuleVersions(connection, kind);
        int version;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM rule_versions WHERE kind = ?")) {
            statement.setString(1, kind);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                version = rows.getInt(1) + 1;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO rule_versions (kind, version, document, changed_by, changed_micros) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, kind);
            insert.setInt(2, version);
            insert.setString(3, json);
            insert.setString(4, changedBy);
            insert.setLong(5, Micros.of(Instant.now()));
            insert.executeUpdate();
        }
        connection.commit();
        return version;
    }

    /** A kind's versions, oldest first, or only the newest. */
    static List<RuleVersion> ruleVersions(Connection connection, String kind, boolean latestOnly) throws SQLException {
        String sql = "SELECT kind, version, document, changed_by, changed_micros FROM rule_versions WHERE kind = ?"
                + (latestOnly ? " ORDER BY version DESC LIMIT 1" : " ORDER BY version");
        List<RuleVersion> versions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, kind);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.add(new RuleVersion(rows.getString(1), rows.getInt(2), rows.getString(3), rows.getString(4),
                            rows.getLong(5)));
                }
            }
        }
        return versions;
    }

    static void saveApproval(Connection connection, ApprovalRow approval) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO approvals (id, node_id, session_id, requested_by, requested_micros, status, request,"
                        + " decided_by, decided_micros, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, approval.id());
            insert.setString(2, approval.nodeId());
            insert.setString(3, approval.sessionId());
            insert.setString(4, approval.requestedBy());
            insert.setLong(5, approval.requestedMicros());
            insert.setString(6, approval.status());
            insert.setString(7, approval.request());
            insert.setString(8, approval.decidedBy());
            Rows.setLong(insert, 9, approval.decidedMicros());
            insert.setString(10, approval.decision());
            insert.executeUpdate();
        }
    }

    /** Decides a pending approval; false when it is not pending. */
    static boolean decideApproval(Connection connection, String id, String status, String decidedBy, long decidedMicros,
                                  String decisionJson) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE approvals SET status = ?, decided_by = ?, decided_micros = ?, decision = ? WHERE id = ? AND status = ?")) {
            update.setString(1, status);
            update.setString(2, decidedBy);
            update.setLong(3, decidedMicros);
            update.setString(4, decisionJson);
            update.setString(5, id);
            update.setString(6, ApprovalRow.PENDING);
            return update.executeUpdate() == 1;
        }
    }

    /** Approvals by id, or by status (all when null), newest first. */
    static List<ApprovalRow> approvals(Connection connection, String id, String status, int limit) throws SQLException {
        String where = id != null ? " WHERE id = ?" : status != null ? " WHERE status = ?" : "";
        List<ApprovalRow> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                APPROVAL_SELECT + where + " ORDER BY requested_micros DESC, id LIMIT ?")) {
            int index = 1;
            if (id != null || status != null) {
                statement.setString(index++, id != null ? id : status);
            }
            statement.setInt(index, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long decided = rows.getLong(9);
                    Long decidedMicros = rows.wasNull() ? null : decided;
                    result.add(new ApprovalRow(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getLong(5), rows.getString(6), rows.getString(7), rows.getString(8), decidedMicros,
                            rows.getString(10)));
                }
            }
        }
        return result;
    }
}
