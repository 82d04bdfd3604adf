package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** What a recorded frame holds, told apart by {@code kind}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FramePayload.Statement.class, name = "statement"),
        @JsonSubTypes.Type(value = FramePayload.Result.class, name = "result"),
        @JsonSubTypes.Type(value = FramePayload.Notice.class, name = "notice"),
        @JsonSubTypes.Type(value = FramePayload.Error.class, name = "error"),
        @JsonSubTypes.Type(value = FramePayload.Copy.class, name = "copy"),
        @JsonSubTypes.Type(value = FramePayload.Approval.class, name = "approval"),
        @JsonSubTypes.Type(value = FramePayload.Cancel.class, name = "cancel"),
        @JsonSubTypes.Type(value = FramePayload.SessionStart.class, name = "session_start"),
        @JsonSubTypes.Type(value = FramePayload.SessionEnd.class, name = "session_end"),
})
public sealed interface FramePayload {

    /** How a statement reached the engine. */
    enum Protocol {
        /** A Query message. */
        @JsonProperty("simple") SIMPLE,
        /** Parse/Bind/Execute. */
        @JsonProperty("extended") EXTENDED
    }

    /** Which way a COPY ran. */
    enum CopyDirection {
        /** COPY FROM STDIN: the client sent data. */
        @JsonProperty("in") IN,
        /** COPY TO STDOUT: the server sent data. */
        @JsonProperty("out") OUT
    }

    /**
     * A statement and the verdict on it.
     *
     * @param protocol simple or extended
     * @param text the statement text
     * @param parameters bind values as the recorder kept them (null for SQL NULL; the recorder may redact)
     * @param verdict what policy decided
     * @param rule the deciding rule's id, absent when the default decided
     * @param truncated whether the recorder cut the text or a bind value (what ran may hold more,
     *     for example an UPDATE after the cut: see {@code verbs})
     * @param verbs the statement verbs the engine found in the whole statement, before any cut
     * @param tables the tables the engine found in the whole statement, before any cut
     */
    record Statement(Protocol protocol, String text, List<String> parameters, VerdictAction verdict, String rule,
            boolean truncated, List<String> verbs, List<String> tables)
            implements FramePayload {
        public Statement {
            requireNonNull(protocol, "protocol is null");
            requireNonNull(text, "text is null");
            parameters = Checks.nullableElements(parameters);
            requireNonNull(verdict, "verdict is null");
            rule = Checks.optionalText(rule);
            verbs = Checks.list(verbs);
            tables = Checks.list(tables);
        }

        /** Not truncated, not classified. */
        public Statement(Protocol protocol, String text, List<String> parameters, VerdictAction verdict, String rule) {
            this(protocol, text, parameters, verdict, rule, false, List.of(), List.of());
        }
    }

    /**
     * A result as the client saw it (after masking).
     *
     * @param columns name and type of each column
     * @param rows the rows recorded, each a list of nullable texts
     * @param truncated whether the recorder kept fewer rows than were sent
     * @param rowCount rows sent to the client
     * @param commandTag the CommandComplete tag (for example {@code SELECT 3})
     */
    record Result(List<ResultColumn> columns, List<List<String>> rows, boolean truncated, long rowCount,
            String commandTag) implements FramePayload {
        public Result {
            columns = Checks.list(columns);
            rows = Checks.rows(rows);
            Checks.notNegative(rowCount, "row_count");
            requireNonNull(commandTag, "command_tag is null");
        }
    }

    /** A NoticeResponse: its severity (NOTICE, WARNING, ...) and message. */
    record Notice(String severity, String message) implements FramePayload {
        public Notice {
            Checks.text(severity, "severity");
            requireNonNull(message, "message is null");
        }
    }

    /** An ErrorResponse the client got; detail is absent when the server sent none. */
    record Error(String sqlstate, String message, String detail) implements FramePayload {
        public Error {
            if (sqlstate == null || sqlstate.length() != 5) {
                throw new IllegalArgumentException("sqlstate must be 5 characters");
            }
            requireNonNull(message, "message is null");
            detail = Checks.optionalText(detail);
        }
    }

    /** A COPY, summarized: its direction, rows and bytes (the data is not recorded). */
    record Copy(CopyDirection direction, long rows, long bytes) implements FramePayload {
        public Copy {
            requireNonNull(direction, "direction is null");
            Checks.notNegative(rows, "rows");
            Checks.notNegative(bytes, "bytes");
        }
    }

    /**
     * A step of an approval the session waited for.
     *
     * @param approvalId the approval
     * @param state its state after this step
     * @param by the operator who decided, absent for requested, expired and withdrawn
     * @param reason the operator's reason, absent with {@code by}
     */
    record Approval(String approvalId, ApprovalState state, String by, String reason) implements FramePayload {
        public Approval {
            Checks.text(approvalId, "approval_id");
            requireNonNull(state, "state is null");
            by = Checks.optionalText(by);
            reason = Checks.optionalText(reason);
        }
    }

    /** A cancel request: by whom (client, operator name, or engine) and why. */
    record Cancel(String by, String reason) implements FramePayload {
        public Cancel {
            Checks.text(by, "by");
            reason = Checks.optionalText(reason);
        }
    }

    /** The session began: who, where, as what. */
    record SessionStart(String subject, List<String> groups, String target, String database, String role,
            String clientAddress, String applicationName) implements FramePayload {
        public SessionStart {
            Checks.text(subject, "subject");
            groups = Checks.list(groups);
            Checks.text(target, "target");
            requireNonNull(database, "database is null");
            requireNonNull(role, "role is null");
            requireNonNull(clientAddress, "client_address is null");
            applicationName = Checks.optionalText(applicationName);
        }
    }

    /** The session ended, and why (client closed, killed by an operator, token expired, ...). */
    record SessionEnd(String reason) implements FramePayload {
        public SessionEnd {
            Checks.text(reason, "reason");
        }
    }
}
