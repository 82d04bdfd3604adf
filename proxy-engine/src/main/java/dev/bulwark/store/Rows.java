package dev.bulwark.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Column lists and row mapping shared by the store's queries. */
final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SESSION_COLUMNS = "s.id, s.node_id, s.subject, s.member_groups, s.issuer, s.token_id,"
            + " s.client_address, s.application_name, s.target, s.database_role, s.audit_mode, s.started_micros,"
            + " s.ended_micros, s.end_reason, s.end_detail";
    static final String FRAME_COLUMNS =
            "f.node_id, f.seq, f.epoch, f.session_id, f.frame_no, f.at_micros, f.kind, f.payload, f.hash";
    static final String ADMIN_COLUMNS =
            "a.node_id, a.seq, a.epoch, a.at_micros, a.actor, a.action, a.target, a.details, a.hash";

    private Rows() {}

    static List<SessionRow> sessions(PreparedStatement statement) throws SQLException {
        List<SessionRow> result = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result.add(session(rows));
            }
        }
        return result;
    }

    static SessionRow session(ResultSet rows) throws SQLException {
        long ended = rows.getLong(13);
        Long endedMicros = rows.wasNull() ? null : ended;
        return new SessionRow(rows.getString(1), rows.getString(2), rows.getString(3), groupsFromJson(rows.getString(4)),
                rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8), rows.getString(9),
                rows.getString(10), rows.getString(11), rows.getLong(12), endedMicros, rows.getString(14),
                rows.getString(15));
    }

    static List<AdminRecord> admins(PreparedStatement statement) throws SQLException {
        List<AdminRecord> result = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result.add(admin(rows));
            }
        }
        return result;
    }

    static FrameRecord frame(ResultSet rows) throws SQLException {
        return frame(rows, 1);
    }

    static FrameRecord frame(ResultSet rows, int first) throws SQLException {
        return new FrameRecord(rows.getString(first), rows.getLong(first + 1), rows.getInt(first + 2),
                rows.getString(first + 3), rows.getInt(first + 4), rows.getLong(first + 5), rows.getString(first + 6),
                rows.getString(first + 7), rows.getString(first + 8).strip());
    }

    static AdminRecord admin(ResultSet rows) throws SQLException {
        return new AdminRecord(rows.getString(1), rows.getLong(2), rows.getInt(3), rows.getLong(4), rows.getString(5),
                rows.getString(6), rows.getString(7), rows.getString(8), rows.getString(9).strip());
    }

    static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    static String toJson(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> groupsFromJson(String json) {
        try {
            return List.of(JSON.readValue(json, String[].class));
        } catch (JsonProcessingException e) {
            throw new StoreException("stored groups are not a JSON array of strings");
        }
    }
}
