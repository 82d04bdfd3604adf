package dev.bulwark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ClientMessage.*;
import dev.bulwark.model.EngineMessage.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One realistic instance of every record type of the protocol, for the golden files. */
public final class Samples {
    public static final Instant AT = Instant.parse("2026-11-21T09:30:00Z");
    public static final Instant LATER = Instant.parse("2026-11-21T09:31:15.250Z");

    private Samples() {}

    public static SessionSummary session() {
        return new SessionSummary("s-7f3a", "alice@example.com", List.of("analysts", "oncall"), "orders",
                "orders", "bulwark_ro", "10.0.4.17:53122", "psql", AT, SessionState.IDLE, 12, LATER);
    }

    public static ApprovalSummary approval() {
        return new ApprovalSummary("a-19", "s-7f3a", "alice@example.com", "orders", "bulwark_rw", "prod-writes",
                "DELETE FROM orders WHERE created < $1 AND note IS NOT DISTINCT FROM $2", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                AT, 1, 2, ApprovalState.PENDING,
                List.of(new ApprovalDecision("bob", LATER, Decision.APPROVE, "ticket OPS-1234")),
                Arrays.asList("2026-01-01", null), new Classification("WRITE", List.of("DELETE"), List.of("orders")));
    }

    public static JsonNode ruleBody() {
        ObjectNode body = ManagementJson.mapper().createObjectNode();
        body.put("name", "Hold production writes");
        body.putArray("match").addObject().put("verbs", "INSERT,UPDATE,DELETE").put("target", "orders");
        body.put("action", "hold");
        body.put("quorum", 2);
        return body;
    }

    public static RuleDocument rule() {
        return new RuleDocument(RuleKind.POLICY, "prod-writes", 3, "carol", AT, ruleBody());
    }

    public static Operator operator() {
        return new Operator("carol", OperatorRole.ADMIN, List.of("ops"));
    }

    public static RuleTestResult ruleTestResult() {
        return new RuleTestResult(
                new Classification("read", List.of("SELECT"), List.of("public.customers")),
                new VerdictSummary(VerdictAction.MASK, "pii", "Mask customer PII", null),
                List.of(new MaskedColumn("public.customers", "email", "pii", "redact")));
    }

    public static Map<Class<?>, FramePayload> framePayloads() {
        Map<Class<?>, FramePayload> samples = new LinkedHashMap<>();
        put(samples, new FramePayload.Statement(FramePayload.Protocol.EXTENDED,
                "SELECT id, email FROM customers WHERE id = $1", List.of("42"), VerdictAction.MASK, "pii",
                true, List.of("SELECT"), List.of("customers")));
        put(samples, new FramePayload.Result(
                List.of(new ResultColumn("id", "int4"), new ResultColumn("email", "text")),
                List.of(List.of("42", "****"), Arrays.asList("43", null)), false, 2, "SELECT 2"));
        put(samples, new FramePayload.Notice("WARNING", "there is no transaction in progress"));
        put(samples, new FramePayload.Error("42501", "permission denied by rule no-ddl", "DROP TABLE is not allowed"));
        put(samples, new FramePayload.Copy(FramePayload.CopyDirection.OUT, 1000, 48213));
        put(samples, new FramePayload.Approval("a-19", ApprovalState.APPROVED, "bob", "ticket OPS-1234"));
        put(samples, new FramePayload.Cancel("client", null));
        put(samples, new FramePayload.SessionStart("alice@example.com", List.of("analysts"), "orders", "orders",
                "bulwark_ro", "10.0.4.17:53122", "psql"));
        put(samples, new FramePayload.SessionEnd("client closed the connection"));
        return samples;
    }

    public static Map<Class<?>, Event> events() {
        Map<Class<?>, Event> samples = new LinkedHashMap<>();
        put(samples, new Event.SessionStarted(101, AT, session()));
        put(samples, new Event.SessionChanged(102, LATER, session().withState(SessionState.WAITING_APPROVAL)));
        put(samples, new Event.SessionEnded(103, LATER, "s-7f3a", "killed by carol: runaway query"));
        put(samples, new Event.StatementExecuted(104, LATER, "s-7f3a", "alice@example.com",
                "SELECT * FROM orders LIMIT 10", false, VerdictAction.ALLOW, null));
        put(samples, new Event.ApprovalRequested(105, AT, approval()));
        put(samples, new Event.ApprovalChanged(106, LATER, approval()));
        put(samples, new Event.RuleChanged(107, AT, rule()));
        put(samples, new Event.RuleDeleted(108, LATER, RuleKind.MASKING, "old-mask", 4, "carol"));
        return samples;
    }

    public static Map<Class<?>, ClientMessage> clientMessages() {
        Map<Class<?>, ClientMessage> samples = new LinkedHashMap<>();
        put(samples, new Hello(1, ProtocolVersion.CURRENT, "bulwark-ctl 0.1.0", null));
        put(samples, new Ping(2));
        put(samples, new StatusGet(3));
        put(samples, new StatsGet(4));
        put(samples, new VersionGet(5));
        put(samples, new SessionsList(6));
        put(samples, new SessionGet(7, "s-7f3a"));
        put(samples, new SessionKill(8, "s-7f3a", "runaway query"));
        put(samples, new EventsSubscribe(9, List.of(EventTopic.SESSIONS, EventTopic.APPROVALS)));
        put(samples, new EventsUnsubscribe(10, 1));
        put(samples, new RulesList(11, RuleKind.POLICY));
        put(samples, new RuleGet(12, RuleKind.POLICY, "prod-writes"));
        put(samples, new RulePut(13, RuleKind.POLICY, "prod-writes", 2L, ruleBody()));
        put(samples, new RuleDelete(14, RuleKind.MASKING, "old-mask", 4L));
        put(samples, new RuleTest(15, "SELECT id, email FROM customers",
                new TestIdentity("alice@example.com", List.of("analysts")), "orders"));
        put(samples, new ApprovalsList(16, ApprovalState.PENDING));
        put(samples, new ApprovalApprove(17, "a-19", "ticket OPS-1234"));
        put(samples, new ApprovalDeny(18, "a-19", "not during the freeze"));
        put(samples, new RecordingsSearch(19, new RecordingQuery("alice@example.com", "orders", AT, LATER, "DELETE",
                "orders", VerdictAction.HOLD, 20, "c-2")));
        put(samples, new RecordingFrames(20, "s-7f3a", 1, 500L, 100));
        put(samples, new AuditVerify(21));
        put(samples, new AuditExport(22, "audit-2026-11-21.jsonl"));
        put(samples, new VaultList(23));
        return samples;
    }

    public static Map<Class<?>, EngineMessage> engineMessages() {
        Map<Class<?>, EngineMessage> samples = new LinkedHashMap<>();
        put(samples, new Welcome(1, ProtocolVersion.CURRENT, "0.1.0", operator()));
        put(samples, new Pong(2));
        put(samples, new Status(3, new EngineStatus("0.1.0", AT, 3600, 1,
                List.of(new TargetStatus("orders", "db.internal:5432", 1)), new StoreHealth(true, "h2 ok"))));
        put(samples, new Stats(4, new EngineStats(40, 1, 1200, 1100, 60, 30, 10, 1, 5400, Map.of("upstream_errors", 2L))));
        put(samples, new Version(5, "0.1.0", ProtocolVersion.CURRENT));
        put(samples, new Sessions(6, List.of(session())));
        put(samples, new Session(7, new SessionDetail(session(), "https://idp.example.com", LATER,
                List.of(new StatementSummary(AT, "SELECT 1", VerdictAction.ALLOW, null)), List.of("a-19"))));
        put(samples, new Killed(8, "s-7f3a"));
        put(samples, new Subscribed(9, 1, List.of(EventTopic.SESSIONS, EventTopic.APPROVALS),
                new EventSnapshot(100, List.of(session()), List.of(approval()), List.of())));
        put(samples, new Unsubscribed(10, 1));
        put(samples, new Rules(11, List.of(rule())));
        put(samples, new Rule(12, rule()));
        put(samples, new Deleted(14, RuleKind.MASKING, "old-mask", 4));
        put(samples, new Tested(15, ruleTestResult()));
        put(samples, new Approvals(16, List.of(approval())));
        put(samples, new Approval(17, approval()));
        put(samples, new Recordings(19, List.of(new RecordingSummary("s-7f3a", "alice@example.com",
                List.of("analysts"), "orders", "orders", "10.0.4.17:53122", AT, LATER, 12, 1, 1, 40)), "c-3"));
        List<Frame> frames = new ArrayList<>();
        long seq = 1;
        for (FramePayload payload : List.of(
                framePayloads().get(FramePayload.Statement.class), framePayloads().get(FramePayload.Result.class))) {
            frames.add(new Frame(seq, 1_763_717_400_000_000L + seq * 1500, payload));
            seq++;
        }
        put(samples, new Frames(20, "s-7f3a", frames, 3L));
        put(samples, new AuditVerified(21, new AuditVerification(false, 5400,
                new BrokenRecord(4711, "hash does not match the previous record"))));
        put(samples, new AuditLines(22, List.of("{\"seq\":1,\"kind\":\"session_start\"}", "{\"seq\":2,\"kind\":\"statement\"}")));
        put(samples, new AuditExported(22, 5400, "audit-2026-11-21.jsonl"));
        put(samples, new Vault(23, List.of(new VaultEntry("orders-ro", "orders", "bulwark_ro", AT))));
        put(samples, ErrorReply.of(24L, ErrorCode.FORBIDDEN, "approvals.approve needs the reviewer role"));
        put(samples, new EventMessage(1, events().get(Event.StatementExecuted.class)));
        put(samples, new EventsDropped(1, "the connection fell behind"));
        return samples;
    }

    private static <T> void put(Map<Class<?>, T> samples, T sample) {
        if (samples.put(sample.getClass(), sample) != null) {
            throw new IllegalStateException("two samples of " + sample.getClass());
        }
    }
}
