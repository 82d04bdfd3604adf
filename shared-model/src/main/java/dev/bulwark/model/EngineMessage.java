package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the engine sends: replies (which carry the request's id), errors, and pushed events. One
 * JSON object per line, told apart by {@code type}. See {@link ClientMessage} for the conversation.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = EngineMessage.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = EngineMessage.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = EngineMessage.Status.class, name = "status"),
        @JsonSubTypes.Type(value = EngineMessage.Stats.class, name = "stats"),
        @JsonSubTypes.Type(value = EngineMessage.Version.class, name = "version"),
        @JsonSubTypes.Type(value = EngineMessage.Sessions.class, name = "sessions"),
        @JsonSubTypes.Type(value = EngineMessage.Session.class, name = "session"),
        @JsonSubTypes.Type(value = EngineMessage.Killed.class, name = "killed"),
        @JsonSubTypes.Type(value = EngineMessage.Subscribed.class, name = "subscribed"),
        @JsonSubTypes.Type(value = EngineMessage.Unsubscribed.class, name = "unsubscribed"),
        @JsonSubTypes.Type(value = EngineMessage.Rules.class, name = "rules"),
        @JsonSubTypes.Type(value = EngineMessage.Rule.class, name = "rule"),
        @JsonSubTypes.Type(value = EngineMessage.Deleted.class, name = "deleted"),
        @JsonSubTypes.Type(value = EngineMessage.Tested.class, name = "tested"),
        @JsonSubTypes.Type(value = EngineMessage.Approvals.class, name = "approvals"),
        @JsonSubTypes.Type(value = EngineMessage.Approval.class, name = "approval"),
        @JsonSubTypes.Type(value = EngineMessage.Recordings.class, name = "recordings"),
        @JsonSubTypes.Type(value = EngineMessage.Frames.class, name = "frames"),
        @JsonSubTypes.Type(value = EngineMessage.AuditVerified.class, name = "audit.verified"),
        @JsonSubTypes.Type(value = EngineMessage.AuditLines.class, name = "audit.lines"),
        @JsonSubTypes.Type(value = EngineMessage.AuditExported.class, name = "audit.exported"),
        @JsonSubTypes.Type(value = EngineMessage.Vault.class, name = "vault"),
        @JsonSubTypes.Type(value = EngineMessage.ErrorReply.class, name = "error"),
        @JsonSubTypes.Type(value = EngineMessage.EventMessage.class, name = "event"),
        @JsonSubTypes.Type(value = EngineMessage.EventsDropped.class, name = "events.dropped"),
})
public sealed interface EngineMessage {

    /** The final answer to one request, carrying its id. */
    sealed interface Reply extends EngineMessage {
        long id();
    }

    /** Answers {@code hello}: the protocol spoken, the engine's version, and who the engine says you are. */
    record Welcome(long id, int protocol, String engine, Operator operator) implements Reply {
        public Welcome {
            Checks.text(engine, "engine");
            requireNonNull(operator, "operator is null");
        }
    }

    /** Answers {@code ping}. */
    record Pong(long id) implements Reply {}

    /** Answers {@code engine.status}. */
    record Status(long id, EngineStatus status) implements Reply {
        public Status {
            requireNonNull(status, "status is null");
        }
    }

    /** Answers {@code engine.stats}. */
    record Stats(long id, EngineStats stats) implements Reply {
        public Stats {
            requireNonNull(stats, "stats is null");
        }
    }

    /** Answers {@code engine.version}. */
    record Version(long id, String engine, int protocol) implements Reply {
        public Version {
            Checks.text(engine, "engine");
        }
    }

    /** Answers {@code sessions.list}. */
    record Sessions(long id, List<SessionSummary> sessions) implements Reply {
        public Sessions {
            sessions = Checks.list(sessions);
        }
    }

    /** Answers {@code sessions.get}. */
    record Session(long id, SessionDetail session) implements Reply {
        public Session {
            requireNonNull(session, "session is null");
        }
    }

    /** Answers {@code sessions.kill}: the session is being torn down. */
    record Killed(long id, String session) implements Reply {
        public Killed {
            Checks.text(session, "session");
        }
    }

    /**
     * Answers {@code events.subscribe}. Events of this subscription follow this reply, all with a
     * sequence number above {@code snapshot.seq}.
     */
    record Subscribed(long id, long subscription, List<EventTopic> topics, EventSnapshot snapshot) implements Reply {
        public Subscribed {
            topics = Checks.list(topics);
            requireNonNull(snapshot, "snapshot is null");
        }
    }

    /** Answers {@code events.unsubscribe}; no event of that subscription follows. */
    record Unsubscribed(long id, long subscription) implements Reply {}

    /** Answers {@code rules.list}. */
    record Rules(long id, List<RuleDocument> rules) implements Reply {
        public Rules {
            rules = Checks.list(rules);
        }
    }

    /** Answers {@code rules.get} and {@code rules.put}. */
    record Rule(long id, RuleDocument rule) implements Reply {
        public Rule {
            requireNonNull(rule, "rule is null");
        }
    }

    /** Answers {@code rules.delete}: which rule, and the version that was deleted. */
    record Deleted(long id, RuleKind kind, String rule, long version) implements Reply {
        public Deleted {
            requireNonNull(kind, "kind is null");
            Checks.text(rule, "rule");
        }
    }

    /** Answers {@code rules.test}. */
    record Tested(long id, RuleTestResult result) implements Reply {
        public Tested {
            requireNonNull(result, "result is null");
        }
    }

    /** Answers {@code approvals.list}. */
    record Approvals(long id, List<ApprovalSummary> approvals) implements Reply {
        public Approvals {
            approvals = Checks.list(approvals);
        }
    }

    /** Answers {@code approvals.approve} and {@code approvals.deny} with the approval as it now stands. */
    record Approval(long id, ApprovalSummary approval) implements Reply {
        public Approval {
            requireNonNull(approval, "approval is null");
        }
    }

    /** Answers {@code recordings.search}; {@code next} is absent on the last page. */
    record Recordings(long id, List<RecordingSummary> recordings, String next) implements Reply {
        public Recordings {
            recordings = Checks.list(recordings);
            next = Checks.optionalText(next);
        }
    }

    /** Answers {@code recordings.frames}; {@code next} is the from_seq of the next page, absent on the last. */
    record Frames(long id, String session, List<Frame> frames, Long next) implements Reply {
        public Frames {
            Checks.text(session, "session");
            frames = Checks.list(frames);
        }
    }

    /** Answers {@code audit.verify}. */
    record AuditVerified(long id, AuditVerification verification) implements Reply {
        public AuditVerified {
            requireNonNull(verification, "verification is null");
        }
    }

    /**
     * Part of a streamed {@code audit.export}: the next records, one JSON text per line. Not a
     * final reply: {@code audit.exported} with the same id ends the stream.
     */
    record AuditLines(long id, List<String> lines) implements EngineMessage {
        public AuditLines {
            lines = Checks.list(lines);
        }
    }

    /** Ends an {@code audit.export}: how many records, and the file written (absent when streamed). */
    record AuditExported(long id, long records, String file) implements Reply {
        public AuditExported {
            Checks.notNegative(records, "records");
            file = Checks.optionalText(file);
        }
    }

    /** Answers {@code vault.list}. */
    record Vault(long id, List<VaultEntry> entries) implements Reply {
        public Vault {
            entries = Checks.list(entries);
        }
    }

    /**
     * A request failed. {@code id} is the failed request's id, absent when the line could not be
     * read far enough to find one (malformed JSON, a line too long).
     */
    record ErrorReply(Long id, ErrorDetail error) implements EngineMessage {
        public ErrorReply {
            requireNonNull(error, "error is null");
        }

        public static ErrorReply of(Long id, ErrorCode code, String message) {
            return new ErrorReply(id, new ErrorDetail(code, message));
        }
    }

    /** An event of a subscription. */
    record EventMessage(long subscription, Event event) implements EngineMessage {
        public EventMessage {
            requireNonNull(event, "event is null");
        }
    }

    /**
     * The engine ended a subscription on its own, because the connection could not keep up. The
     * client should subscribe again, which gives it a fresh snapshot.
     */
    record EventsDropped(long subscription, String reason) implements EngineMessage {
        public EventsDropped {
            Checks.text(reason, "reason");
        }
    }
}
