package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What a management client sends: one JSON object per line, told apart by {@code type}, each with a
 * positive {@code id} that the reply carries back.
 *
 * <pre>
 * client                                        engine
 *   {"type":"hello","id":1,"protocol":1,"client":"bulwark-ctl"}  -&gt;
 *                    &lt;-  {"type":"welcome","id":1,"protocol":1,"engine":"0.1.0","operator":{...}}
 *   {"type":"sessions.list","id":2}                              -&gt;
 *                    &lt;-  {"type":"sessions","id":2,"sessions":[...]}
 *   {"type":"events.subscribe","id":3,"topics":["sessions"]}     -&gt;
 *                    &lt;-  {"type":"subscribed","id":3,"subscription":1,"snapshot":{...}}
 *                    &lt;-  {"type":"event","subscription":1,"event":{"type":"session.started",...}}
 *   {"type":"sessions.kill","id":4,"session":"nope"}             -&gt;
 *                    &lt;-  {"type":"error","id":4,"error":{"code":"not_found","message":"..."}}
 * </pre>
 *
 * Replies may come in any order; match them by id. Before a successful hello every other request
 * is answered with {@code unauthorized}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClientMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ClientMessage.StatusGet.class, name = "engine.status"),
        @JsonSubTypes.Type(value = ClientMessage.StatsGet.class, name = "engine.stats"),
        @JsonSubTypes.Type(value = ClientMessage.VersionGet.class, name = "engine.version"),
        @JsonSubTypes.Type(value = ClientMessage.SessionsList.class, name = "sessions.list"),
        @JsonSubTypes.Type(value = ClientMessage.SessionGet.class, name = "sessions.get"),
        @JsonSubTypes.Type(value = ClientMessage.SessionKill.class, name = "sessions.kill"),
        @JsonSubTypes.Type(value = ClientMessage.EventsSubscribe.class, name = "events.subscribe"),
        @JsonSubTypes.Type(value = ClientMessage.EventsUnsubscribe.class, name = "events.unsubscribe"),
        @JsonSubTypes.Type(value = ClientMessage.RulesList.class, name = "rules.list"),
        @JsonSubTypes.Type(value = ClientMessage.RuleGet.class, name = "rules.get"),
        @JsonSubTypes.Type(value = ClientMessage.RulePut.class, name = "rules.put"),
        @JsonSubTypes.Type(value = ClientMessage.RuleDelete.class, name = "rules.delete"),
        @JsonSubTypes.Type(value = ClientMessage.RuleTest.class, name = "rules.test"),
        @JsonSubTypes.Type(value = ClientMessage.ApprovalsList.class, name = "approvals.list"),
        @JsonSubTypes.Type(value = ClientMessage.ApprovalApprove.class, name = "approvals.approve"),
        @JsonSubTypes.Type(value = ClientMessage.ApprovalDeny.class, name = "approvals.deny"),
        @JsonSubTypes.Type(value = ClientMessage.RecordingsSearch.class, name = "recordings.search"),
        @JsonSubTypes.Type(value = ClientMessage.RecordingFrames.class, name = "recordings.frames"),
        @JsonSubTypes.Type(value = ClientMessage.AuditVerify.class, name = "audit.verify"),
        @JsonSubTypes.Type(value = ClientMessage.AuditExport.class, name = "audit.export"),
        @JsonSubTypes.Type(value = ClientMessage.VaultList.class, name = "vault.list"),
})
public sealed interface ClientMessage {
    /** The request's id, positive, chosen by the client; the reply carries it back. */
    long id();

    /**
     * Opens the conversation; answered by {@code welcome}.
     *
     * @param protocol the protocol version the client speaks ({@link ProtocolVersion#CURRENT})
     * @param client the client's name and version, for the engine's log
     * @param token an OIDC access token, required on the TCP listener, ignored on the Unix socket
     */
    record Hello(long id, int protocol, String client, String token) implements ClientMessage {
        public Hello {
            Checks.requestId(id);
            if (protocol < 1) {
                throw new IllegalArgumentException("protocol must be at least 1");
            }
            Checks.text(client, "client");
            token = Checks.optionalText(token);
        }

        /** Never shows the token: records print every component otherwise. */
        @Override
        public String toString() {
            return "Hello[id=" + id + ", protocol=" + protocol + ", client=" + client
                    + ", token=" + (token == null ? "absent" : "present") + "]";
        }
    }

    /** Keeps a connection alive; answered by {@code pong}. */
    record Ping(long id) implements ClientMessage {
        public Ping {
            Checks.requestId(id);
        }
    }

    /** Answered by {@code status}. */
    record StatusGet(long id) implements ClientMessage {
        public StatusGet {
            Checks.requestId(id);
        }
    }

    /** Answered by {@code stats}. */
    record StatsGet(long id) implements ClientMessage {
        public StatsGet {
            Checks.requestId(id);
        }
    }

    /** Answered by {@code version}. */
    record VersionGet(long id) implements ClientMessage {
        public VersionGet {
            Checks.requestId(id);
        }
    }

    /** Live sessions; answered by {@code sessions}. */
    record SessionsList(long id) implements ClientMessage {
        public SessionsList {
            Checks.requestId(id);
        }
    }

    /** One session in detail; answered by {@code session}, or not_found. */
    record SessionGet(long id, String session) implements ClientMessage {
        public SessionGet {
            Checks.requestId(id);
            Checks.text(session, "session");
        }
    }

    /** Ends a session (its client gets an error and is disconnected); answered by {@code killed}. */
    record SessionKill(long id, String session, String reason) implements ClientMessage {
        public SessionKill {
            Checks.requestId(id);
            Checks.text(session, "session");
            reason = Checks.optionalText(reason);
        }
    }

    /**
     * Starts a subscription; answered by {@code subscribed} with a snapshot, then {@code event}
     * messages until unsubscribed or disconnected. Absent or empty topics mean
     * {@link #DEFAULT_TOPICS}, which every role may see; the admin-only rules topic must be asked for.
     */
    record EventsSubscribe(long id, List<EventTopic> topics) implements ClientMessage {
        public static final List<EventTopic> DEFAULT_TOPICS =
                List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS);

        public EventsSubscribe {
            Checks.requestId(id);
            topics = topics == null || topics.isEmpty()
                    ? DEFAULT_TOPICS
                    : List.copyOf(EnumSet.copyOf(topics));
        }

        public Set<EventTopic> topicSet() {
            return EnumSet.copyOf(topics);
        }
    }

    /** Ends a subscription; answered by {@code unsubscribed}, or not_found. */
    record EventsUnsubscribe(long id, long subscription) implements ClientMessage {
        public EventsUnsubscribe {
            Checks.requestId(id);
        }
    }

    /** Rules of one kind, or of every kind when {@code kind} is absent; answered by {@code rules}. */
    record RulesList(long id, RuleKind kind) implements ClientMessage {
        public RulesList {
            Checks.requestId(id);
        }
    }

    /** One rule; answered by {@code rule}, or not_found. */
    record RuleGet(long id, RuleKind kind, String rule) implements ClientMessage {
        public RuleGet {
            Checks.requestId(id);
            requireNonNull(kind, "kind is null");
            Checks.text(rule, "rule");
        }
    }

    /**
     * Creates or replaces a rule; answered by {@code rule} with the stored version. The engine
     * records the operator as {@code changed_by}.
     *
     * @param expectedVersion when present, the change applies only if the stored version is this
     *     one (0 for "must not exist yet"), otherwise conflict
     * @param body the rule document, which the owning part validates (bad_request if invalid)
     */
    record RulePut(long id, RuleKind kind, String rule, Long expectedVersion, JsonNode body) implements ClientMessage {
        public RulePut {
            Checks.requestId(id);
            requireNonNull(kind, "kind is null");
            Checks.text(rule, "rule");
            if (expectedVersion != null) {
                Checks.notNegative(expectedVersion, "expected_version");
            }
            requireNonNull(body, "body is null");
            if (!body.isObject()) {
                throw new IllegalArgumentException("body must be a JSON object");
            }
            body = body.deepCopy();
        }
    }

    /** Deletes a rule; answered by {@code deleted}, not_found, or conflict on a version mismatch. */
    record RuleDelete(long id, RuleKind kind, String rule, Long expectedVersion) implements ClientMessage {
        public RuleDelete {
            Checks.requestId(id);
            requireNonNull(kind, "kind is null");
            Checks.text(rule, "rule");
            if (expectedVersion != null) {
                Checks.notNegative(expectedVersion, "expected_version");
            }
        }
    }

    /**
     * Classifies a statement and shows what the rules would do with it for an identity, without
     * running it; answered by {@code tested}.
     *
     * @param statement the SQL text
     * @param identity who pretends to send it
     * @param target the target it would go to, absent for the default target
     */
    record RuleTest(long id, String statement, TestIdentity identity, String target) implements ClientMessage {
        public RuleTest {
            Checks.requestId(id);
            Checks.text(statement, "statement");
            requireNonNull(identity, "identity is null");
            target = Checks.optionalText(target);
        }
    }

    /** Approvals in one state, or in every state the engine remembers when absent; answered by {@code approvals}. */
    record ApprovalsList(long id, ApprovalState state) implements ClientMessage {
        public ApprovalsList {
            Checks.requestId(id);
        }
    }

    /** Approves a held statement; answered by {@code approval}, not_found, or conflict when no longer pending. */
    record ApprovalApprove(long id, String approval, String reason) implements ClientMessage {
        public ApprovalApprove {
            Checks.requestId(id);
            Checks.text(approval, "approval");
            Checks.text(reason, "reason");
        }
    }

    /** Denies a held statement; answered like {@link ApprovalApprove}. */
    record ApprovalDeny(long id, String approval, String reason) implements ClientMessage {
        public ApprovalDeny {
            Checks.requestId(id);
            Checks.text(approval, "approval");
            Checks.text(reason, "reason");
        }
    }

    /** Searches recorded sessions; answered by {@code recordings}, a page with a {@code next} cursor. */
    record RecordingsSearch(long id, RecordingQuery query) implements ClientMessage {
        public RecordingsSearch {
            Checks.requestId(id);
            query = query == null ? RecordingQuery.all() : query;
        }
    }

    /**
     * A session's frames with {@code from_seq <= seq <= to_seq}; answered by {@code frames}, a page
     * with the {@code next} sequence number to ask for when there are more.
     *
     * @param fromSeq the first frame wanted (0 or 1 for the start)
     * @param toSeq the last frame wanted, absent for the end
     * @param limit at most this many frames (1..{@value #MAX_LIMIT}; 0 means {@value #DEFAULT_LIMIT})
     */
    record RecordingFrames(long id, String session, long fromSeq, Long toSeq, int limit) implements ClientMessage {
        public static final int DEFAULT_LIMIT = 500;
        public static final int MAX_LIMIT = 10_000;

        public RecordingFrames {
            Checks.requestId(id);
            Checks.text(session, "session");
            Checks.notNegative(fromSeq, "from_seq");
            if (toSeq != null && toSeq < fromSeq) {
                throw new IllegalArgumentException("to_seq is before from_seq");
            }
            if (limit < 0 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
            }
            if (limit == 0) {
                limit = DEFAULT_LIMIT;
            }
        }
    }

    /** Verifies the audit chain; answered by {@code audit.verified}. */
    record AuditVerify(long id) implements ClientMessage {
        public AuditVerify {
            Checks.requestId(id);
        }
    }

    /**
     * Exports the audit records as JSON lines. With a {@code file} the engine writes them to that
     * file in its export directory; without one it streams them as {@code audit.lines} messages.
     * Either way the last reply is {@code audit.exported}.
     *
     * @param file a plain file name (letters, digits, {@code . _ -}; no directories), absent to stream
     */
    record AuditExport(long id, String file) implements ClientMessage {
        private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

        public AuditExport {
            Checks.requestId(id);
            file = Checks.optionalText(file);
            if (file != null && !PLAIN_FILE_NAME.matcher(file).matches()) {
                throw new IllegalArgumentException("file must be a plain file name without directories");
            }
        }
    }

    /** The names of the credentials the engine holds, never the secrets; answered by {@code vault}. */
    record VaultList(long id) implements ClientMessage {
        public VaultList {
            Checks.requestId(id);
        }
    }
}
