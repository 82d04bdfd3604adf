package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Something that happened in the engine, pushed to subscribers inside an {@code event} message.
 * Every event carries the engine-wide sequence number it was published under: a subscription's
 * snapshot is taken as of a sequence number and the events that follow it have higher ones, with
 * none missing, so snapshot + events is always the engine's state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Event.SessionStarted.class, name = "session.started"),
        @JsonSubTypes.Type(value = Event.SessionChanged.class, name = "session.changed"),
        @JsonSubTypes.Type(value = Event.SessionEnded.class, name = "session.ended"),
        @JsonSubTypes.Type(value = Event.StatementExecuted.class, name = "statement"),
        @JsonSubTypes.Type(value = Event.ApprovalRequested.class, name = "approval.requested"),
        @JsonSubTypes.Type(value = Event.ApprovalChanged.class, name = "approval.changed"),
        @JsonSubTypes.Type(value = Event.RuleChanged.class, name = "rule.changed"),
        @JsonSubTypes.Type(value = Event.RuleDeleted.class, name = "rule.deleted"),
})
public sealed interface Event {
    /** The engine-wide sequence number, increasing by one per event. */
    long seq();

    /** When it happened. */
    Instant at();

    /** The topic a subscriber subscribes to for this event. */
    default EventTopic topic() {
        return switch (this) {
            case SessionStarted e -> EventTopic.SESSIONS;
            case SessionChanged e -> EventTopic.SESSIONS;
            case SessionEnded e -> EventTopic.SESSIONS;
            case StatementExecuted e -> EventTopic.STATEMENTS;
            case ApprovalRequested e -> EventTopic.APPROVALS;
            case ApprovalChanged e -> EventTopic.APPROVALS;
            case RuleChanged e -> EventTopic.RULES;
            case RuleDeleted e -> EventTopic.RULES;
        };
    }

    record SessionStarted(long seq, Instant at, SessionSummary session) implements Event {
        public SessionStarted {
            checkSeq(seq, at);
            requireNonNull(session, "session is null");
        }
    }

    /** The session's state or counters changed; {@code session} is the whole new summary. */
    record SessionChanged(long seq, Instant at, SessionSummary session) implements Event {
        public SessionChanged {
            checkSeq(seq, at);
            requireNonNull(session, "session is null");
        }
    }

    record SessionEnded(long seq, Instant at, String session, String reason) implements Event {
        public SessionEnded {
            checkSeq(seq, at);
            Checks.text(session, "session");
            Checks.text(reason, "reason");
        }
    }

    /**
     * A statement and its verdict.
     *
     * @param session the session's id
     * @param subject the session identity's subject
     * @param text the statement text, cut to a bounded length
     * @param truncated whether the text was cut
     * @param verdict what policy decided
     * @param rule the deciding rule's id, absent when the default decided
     */
    record StatementExecuted(long seq, Instant at, String session, String subject, String text, boolean truncated,
            VerdictAction verdict, String rule) implements Event {
        public StatementExecuted {
            checkSeq(seq, at);
            Checks.text(session, "session");
            Checks.text(subject, "subject");
            requireNonNull(text, "text is null");
            requireNonNull(verdict, "verdict is null");
            rule = Checks.optionalText(rule);
        }
    }

    record ApprovalRequested(long seq, Instant at, ApprovalSummary approval) implements Event {
        public ApprovalRequested {
            checkSeq(seq, at);
            requireNonNull(approval, "approval is null");
        }
    }

    /** A decision was added or the state moved on; {@code approval} is the whole new summary. */
    record ApprovalChanged(long seq, Instant at, ApprovalSummary approval) implements Event {
        public ApprovalChanged {
            checkSeq(seq, at);
            requireNonNull(approval, "approval is null");
        }
    }

    record RuleChanged(long seq, Instant at, RuleDocument rule) implements Event {
        public RuleChanged {
            checkSeq(seq, at);
            requireNonNull(rule, "rule is null");
        }
    }

    /** A rule was deleted: its kind, id, the version deleted, and by whom. */
    record RuleDeleted(long seq, Instant at, RuleKind kind, String rule, long version, String by) implements Event {
        public RuleDeleted {
            checkSeq(seq, at);
            requireNonNull(kind, "kind is null");
            Checks.text(rule, "rule");
            Checks.notNegative(version, "version");
            Checks.text(by, "by");
        }
    }

    private static void checkSeq(long seq, Instant at) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1");
        }
        requireNonNull(at, "at is null");
    }
}
