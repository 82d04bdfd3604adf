package dev.bulwark.recording;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a session frame records. Stored as JSON with an explicit {@code "type"} name and snake_case
 * fields (see {@link FrameJson}); the JSON text is what the chain hashes, so these records are the
 * stored format: add fields only at the end and never rename.
 *
 * <p>Every value here is already safe to store: the caller passes bind parameters and result values
 * after masking, and never tokens or passwords.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FramePayload.SessionStart.class, name = "session_start"),
        @JsonSubTypes.Type(value = FramePayload.Statement.class, name = "statement"),
        @JsonSubTypes.Type(value = FramePayload.Approval.class, name = "approval"),
        @JsonSubTypes.Type(value = FramePayload.Result.class, name = "result"),
        @JsonSubTypes.Type(value = FramePayload.Notice.class, name = "notice"),
        @JsonSubTypes.Type(value = FramePayload.ErrorReport.class, name = "error"),
        @JsonSubTypes.Type(value = FramePayload.Copy.class, name = "copy"),
        @JsonSubTypes.Type(value = FramePayload.Cancel.class, name = "cancel"),
        @JsonSubTypes.Type(value = FramePayload.SessionEnd.class, name = "session_end"),
})
public sealed interface FramePayload {

    @JsonIgnore
    FrameKind kind();

    /** Simple query ('Q') or extended protocol (Parse/Bind/Execute). */
    enum Protocol { SIMPLE, EXTENDED }

    /** The policy's decision on a statement. */
    enum Verdict { ALLOW, DENY, HOLD, LOG }

    /**
     * Where an approval stands. WITHDRAWN: the client cancelled or went away (or the session was killed,
     * or the engine stopped) while the statement waited; recordings before it was added say EXPIRED with
     * a reason starting "withdrawn:".
     */
    enum ApprovalState { ASKED, GRANTED, DENIED, EXPIRED, WITHDRAWN }

    /** COPY FROM STDIN is IN (client to server), COPY TO STDOUT is OUT. */
    enum CopyDirection { IN, OUT }

    /** Why a session ended. */
    enum EndReason {
        /** The client sent Terminate. */
        CLIENT_TERMINATE,
        /** The client's connection closed without Terminate. */
        CLIENT_DISCONNECT,
        /** The upstream server closed the connection. */
        UPSTREAM_CLOSED,
        /** An operator killed the session. */
        KILLED,
        /** The identity's token expired. */
        TOKEN_EXPIRED,
        /** The session was ended because of a protocol violation or an internal error. */
        ERROR,
        /** The engine shut down. */
        ENGINE_SHUTDOWN,
        /** Closed on the next start: the engine stopped while the session was open. */
        ENGINE_RESTART
    }

    /**
     * The session's identity and origin (frame 0).
     *
     * @param tokenExpiresAt ISO-8601 instant
     * @param auditMode STRICT or ASYNC
     */
    record SessionStart(
            String subject,
            List<String> groups,
            String issuer,
            String tokenId,
            String tokenExpiresAt,
            String clientAddress,
            String applicationName,
            String target,
            String databaseRole,
            AuditMode auditMode) implements FramePayload {
        public SessionStart {
            requireNonNull(subject, "subject is null");
            groups = List.copyOf(requireNonNull(groups, "groups is null"));
            requireNonNull(issuer, "issuer is null");
            requireNonNull(tokenId, "tokenId is null");
            requireNonNull(tokenExpiresAt, "tokenExpiresAt is null");
            requireNonNull(clientAddress, "clientAddress is null");
            requireNonNull(applicationName, "applicationName is null");
            requireNonNull(target, "target is null");
            requireNonNull(databaseRole, "databaseRole is null");
            requireNonNull(auditMode, "auditMode is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.SESSION_START;
        }
    }

    /**
     * A statement as the client sent it, with the policy's verdict.
     *
     * @param protocol simple or extended
     * @param text the SQL text (cut at {@code recording.max_statement_chars}, then {@code truncated})
     * @param parameters bind parameters rendered as text, already masked; null elements are SQL NULL
     * @param verdict the policy verdict
     * @param ruleId the deciding rule's id, null when none
     * @param ruleName the deciding rule's name, null when none
     * @param tables tables the classifier found
     * @param verbs statement verbs the classifier found (SELECT, UPDATE, ...)
     * @param truncated whether the text or a parameter was cut by the recorder
     */
    record Statement(
            Protocol protocol,
            String text,
            List<String> parameters,
            Verdict verdict,
            String ruleId,
            String ruleName,
            List<String> tables,
            List<String> verbs,
            boolean truncated) implements FramePayload {
        public Statement {
            requireNonNull(protocol, "protocol is null");
            requireNonNull(text, "text is null");
            parameters = nullableElements(parameters);
            requireNonNull(verdict, "verdict is null");
            tables = List.copyOf(tables == null ? List.of() : tables);
            verbs = List.copyOf(verbs == null ? List.of() : verbs);
        }

        /** A statement as the caller gives it (nothing truncated yet). */
        public Statement(Protocol protocol, String text, List<String> parameters, Verdict verdict,
                         String ruleId, String ruleName, List<String> tables, List<String> verbs) {
            this(protocol, text, parameters, verdict, ruleId, ruleName, tables, verbs, false);
        }

        @Override
        public FrameKind kind() {
            return FrameKind.STATEMENT;
        }
    }

    /**
     * An approval asked for a held statement, or its outcome.
     *
     * @param approvalId the approval's id
     * @param state asked, granted, denied or expired
     * @param by who asked (the session subject) or decided (the approver); null for expiry
     * @param reason the requester's or approver's note, null when none
     */
    record Approval(String approvalId, ApprovalState state, String by, String reason) implements FramePayload {
        public Approval {
            requireNonNull(approvalId, "approvalId is null");
            requireNonNull(state, "state is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.APPROVAL;
        }
    }

    /**
     * A result column: its name and type (as the caller renders it, e.g. "int4").
     *
     * @param maskedForRecord whether the recorded values of this column were masked for the record although
     *     the reader saw them unmasked (a masking rule the reader is exempt from, {@code record: masked}):
     *     the recording then differs from what the client saw. Written only when true, so the stored JSON
     *     of other columns (and of recordings made before it existed) is unchanged.
     */
    record Column(String name, String type,
                  @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean maskedForRecord) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        /** A column recorded as the client saw it. */
        public Column(String name, String type) {
            this(name, type, false);
        }
    }

    /**
     * The result of a statement as the client saw it: rows after masking, capped by the recorder; columns
     * marked {@link Column#maskedForRecord} hold values masked for the record only.
     *
     * @param columns the columns (empty for statements without rows)
     * @param rows the first rows, values as text or null, at most {@code recording.max_result_rows} and
     *     {@code recording.max_result_bytes}
     * @param rowCount the true number of rows (from CommandComplete when it says, else the rows seen)
     * @param commandTag the CommandComplete tag, null when the portal was suspended
     * @param truncated whether rows were left out
     * @param suspended whether the result ended in PortalSuspended (more rows may follow)
     */
    record Result(
            List<Column> columns,
            List<List<String>> rows,
            long rowCount,
            String commandTag,
            boolean truncated,
            boolean suspended) implements FramePayload {
        public Result {
            columns = List.copyOf(columns == null ? List.of() : columns);
            rows = rows == null ? List.of() : rows.stream().map(FramePayload::nullableElements).toList();
        }

        @Override
        public FrameKind kind() {
            return FrameKind.RESULT;
        }
    }

    /** A NoticeResponse the client received. */
    record Notice(String severity, String sqlstate, String message) implements FramePayload {
        public Notice {
            requireNonNull(message, "message is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.NOTICE;
        }
    }

    /** An ErrorResponse the client received (from the server or from the engine). */
    record ErrorReport(String severity, String sqlstate, String message) implements FramePayload {
        public ErrorReport {
            requireNonNull(sqlstate, "sqlstate is null");
            requireNonNull(message, "message is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.ERROR;
        }
    }

    /** A COPY's data, summarized. */
    record Copy(CopyDirection direction, long bytes, long rows) implements FramePayload {
        public Copy {
            requireNonNull(direction, "direction is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.COPY;
        }
    }

    /** A cancel request for this session. */
    record Cancel(String reason) implements FramePayload {
        @Override
        public FrameKind kind() {
            return FrameKind.CANCEL;
        }
    }

    /** The session's end (last frame). */
    record SessionEnd(EndReason reason, String detail) implements FramePayload {
        public SessionEnd {
            requireNonNull(reason, "reason is null");
        }

        @Override
        public FrameKind kind() {
            return FrameKind.SESSION_END;
        }
    }

    /** An unmodifiable copy that, unlike {@link List#copyOf}, keeps null elements (SQL NULLs). */
    private static List<String> nullableElements(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }
}
