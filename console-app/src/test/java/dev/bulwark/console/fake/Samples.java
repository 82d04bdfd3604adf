package dev.bulwark.console.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.StatementSummary;
import dev.bulwark.model.VerdictAction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Realistic data for the fake engine: what a DBA's morning looks like. */
public final class Samples {
    public static final String HELD_UPDATE = """
            -- quarter-end cleanup, TICKET-4411
            UPDATE customers
               SET marketing_opt_in = false,
                   updated_at = now()
             WHERE true;""";
    public static final String HELD_DELETE = """
            /* purge old carts (requested by dana) */
            DELETE FROM orders.cart_items
             WHERE created_at < now() - interval '90 days'
               AND status = 'abandoned' OR 1 = 1;""";

    private Samples() {}

    /** Fills an engine with sessions, approvals, rules, recordings and audit lines around {@code now}. */
    public static void populate(FakeEngine engine, Instant now) {
        for (SessionSummary session : sessions(now)) {
            engine.putSession(session, recentStatements(session, now));
        }
        for (ApprovalSummary approval : approvals(now)) {
            engine.putApproval(approval);
        }
        for (RuleDocument rule : rules(now)) {
            engine.putRule(rule);
        }
        List<RecordingSummary> recordings = recordings(now);
        engine.putRecording(recordings.get(0), frames(now.minus(Duration.ofMinutes(42))));
        for (RecordingSummary recording : recordings.subList(1, recordings.size())) {
            engine.putRecording(recording, shortSession(recording));
        }
        engine.auditLines(auditLines(now));
        engine.verification(new dev.bulwark.model.AuditVerification(true, 254, null));
    }

    public static List<SessionSummary> sessions(Instant now) {
        return List.of(
                new SessionSummary("s-7f3a", "alice", List.of("analysts"), "orders", "orders", "bulwark_ro",
                        "10.20.1.14:51234", "psql", now.minus(Duration.ofMinutes(47)), SessionState.IDLE, 128,
                        now.minusSeconds(40)),
                new SessionSummary("s-8c21", "bob", List.of("billing-ops"), "billing", "billing", "bulwark_rw",
                        "10.20.3.7:60412", "DBeaver 24.2", now.minus(Duration.ofMinutes(12)), SessionState.WAITING_APPROVAL,
                        17, now.minusSeconds(95)),
                new SessionSummary("s-91d0", "ci-agent", List.of("ci"), "orders", "orders", "bulwark_ro",
                        "10.0.8.2:40022", "pgjdbc", now.minus(Duration.ofMinutes(3)), SessionState.ACTIVE, 2_311,
                        now.minusSeconds(1)),
                new SessionSummary("s-a4e9", "dana", List.of("analysts", "dba"), "orders", "orders", "bulwark_rw",
                        "10.20.1.33:52211", "psql", now.minus(Duration.ofHours(2).plusMinutes(5)),
                        SessionState.IN_TRANSACTION, 64, now.minusSeconds(12)),
                new SessionSummary("s-b117", "erik", List.of("analysts"), "analytics", "warehouse", "bulwark_ro",
                        "10.20.4.18:49830", "Metabase", now.minus(Duration.ofMinutes(26)), SessionState.ACTIVE, 431,
                        now.minusSeconds(3)),
                new SessionSummary("s-c302", "farah", List.of("support"), "orders", "orders", "bulwark_ro",
                        "10.20.2.9:53001", "psql", now.minus(Duration.ofMinutes(8)), SessionState.IDLE, 9,
                        now.minusSeconds(200)),
                new SessionSummary("s-d5aa", "reporting-svc", List.of("services"), "analytics", "warehouse",
                        "bulwark_ro", "10.0.9.40:38812", "airflow", now.minus(Duration.ofHours(5)), SessionState.IDLE,
                        8_902, now.minusSeconds(30)),
                new SessionSummary("s-e810", "gus", List.of("analysts"), "billing", "billing", "bulwark_ro",
                        "10.20.1.52:50110", null, now.minus(Duration.ofSeconds(50)), SessionState.ACTIVE, 1,
                        now.minusSeconds(2)));
    }

    static List<StatementSummary> recentStatements(SessionSummary session, Instant now) {
        return switch (session.subject()) {
            case "alice" -> List.of(
                    new StatementSummary(now.minusSeconds(300), "SELECT count(*) FROM orders WHERE placed_at > now() - interval '1 day'",
                            VerdictAction.ALLOW, "analysts-rows"),
                    new StatementSummary(now.minusSeconds(120), "SELECT id, full_name, email, card_number FROM customers WHERE city = 'Lyon' LIMIT 50",
                            VerdictAction.MASK, "customers-email"),
                    new StatementSummary(now.minusSeconds(60), "DROP TABLE tmp_export", VerdictAction.DENY, "no-ddl"),
                    new StatementSummary(now.minusSeconds(40), "SELECT status, count(*) FROM orders GROUP BY 1",
                            VerdictAction.ALLOW, "analysts-rows"));
            case "bob" -> List.of(
                    new StatementSummary(now.minusSeconds(200), "BEGIN", VerdictAction.ALLOW, null),
                    new StatementSummary(now.minusSeconds(95), HELD_UPDATE, VerdictAction.HOLD, "hold-unfiltered-writes"));
            default -> List.of(new StatementSummary(now.minusSeconds(20), "SELECT 1", VerdictAction.ALLOW, null));
        };
    }

    /** The last statement each session ran, as live events would report it. */
    public static List<String[]> lastStatements() {
        return List.of(
                new String[] {"s-7f3a", "SELECT status, count(*) FROM orders GROUP BY 1", "ALLOW"},
                new String[] {"s-8c21", HELD_UPDATE, "HOLD"},
                new String[] {"s-91d0", "SELECT o.id, o.total FROM orders o WHERE o.updated_at > $1 ORDER BY o.id LIMIT 500", "ALLOW"},
                new String[] {"s-a4e9", "UPDATE orders SET status = 'shipped' WHERE id = 88121", "ALLOW"},
                new String[] {"s-b117", "SELECT date_trunc('week', placed_at) AS week, sum(total) FROM orders GROUP BY 1 ORDER BY 1", "ALLOW"},
                new String[] {"s-c302", "SELECT id, full_name, email FROM customers WHERE id = 4411", "MASK"},
                new String[] {"s-d5aa", "COPY (SELECT * FROM daily_revenue) TO STDOUT WITH CSV", "ALLOW"},
                new String[] {"s-e810", "SELECT * FROM invoices WHERE due_date < current_date", "ALLOW"});
    }

    public static List<ApprovalSummary> approvals(Instant now) {
        return List.of(
                new ApprovalSummary("a-1042", "s-8c21", "bob", "billing", "bulwark_rw", "hold-unfiltered-writes",
                        HELD_UPDATE, "sha256:9f2c51d0e4b7", now.minus(Duration.ofSeconds(95)), 0, 1,
                        ApprovalState.PENDING, List.of()),
                new ApprovalSummary("a-1043", "s-a4e9", "dana", "orders", "bulwark_rw", "hold-unfiltered-writes",
                        HELD_DELETE, "sha256:3a77e0c9b812", now.minus(Duration.ofSeconds(31)), 1, 2,
                        ApprovalState.PENDING, List.of(new ApprovalDecision("henrik", now.minusSeconds(20),
                                Decision.APPROVE, "checked with dana"))),
                new ApprovalSummary("a-1039", "s-7f3a", "alice", "orders", "bulwark_rw", "hold-unfiltered-writes",
                        "DELETE FROM orders.tmp_import", "sha256:0b1d2c3e4f50", now.minus(Duration.ofMinutes(25)), 1, 1,
                        ApprovalState.APPROVED, List.of(new ApprovalDecision("carol", now.minus(Duration.ofMinutes(24)),
                                Decision.APPROVE, "staging table, safe"))),
                new ApprovalSummary("a-1040", "s-c302", "farah", "orders", "bulwark_ro", "hold-unfiltered-writes",
                        "UPDATE customers SET email = NULL", "sha256:77aa01ce9d33", now.minus(Duration.ofMinutes(18)), 0, 1,
                        ApprovalState.DENIED, List.of(new ApprovalDecision("carol", now.minus(Duration.ofMinutes(17)),
                                Decision.DENY, "would wipe every e-mail; use the GDPR erase procedure"))),
                new ApprovalSummary("a-1041", "s-91d0", "ci-agent", "orders", "bulwark_ro", "hold-unfiltered-writes",
                        "DELETE FROM audit_scratch", "sha256:55c0ffee1234", now.minus(Duration.ofMinutes(40)), 0, 1,
                        ApprovalState.EXPIRED, List.of()));
    }

    public static List<RuleDocument> rules(Instant now) {
        Instant day = now.minus(Duration.ofDays(2));
        return List.of(
                policy("dba-anything", 3, "carol", day, """
                        {"name":"DBAs may do anything","match":{"groups":["dba"]},"action":"ALLOW"}"""),
                policy("unknown-deny", 1, "carol", day, """
                        {"name":"Deny what Bulwark cannot read","match":{"kinds":["UNKNOWN"]},"action":"DENY",
                         "message":"Bulwark cannot tell what this statement does"}"""),
                policy("no-ddl", 2, "henrik", day.plusSeconds(3600), """
                        {"name":"Only dba may change the schema or privileges","match":{"kinds":["DDL","DCL"]},
                         "action":"DENY","message":"only dba may run DDL or change privileges"}"""),
                policy("no-truncate", 1, "carol", day, """
                        {"name":"Only dba may truncate","match":{"verbs":["TRUNCATE"]},"action":"DENY",
                         "message":"only dba may truncate tables"}"""),
                policy("hold-unfiltered-writes", 4, "carol", now.minus(Duration.ofHours(3)), """
                        {"name":"DELETE or UPDATE of every row needs a dba's approval",
                         "match":{"verbs":["DELETE","UPDATE"],"missing_where":true},"action":"HOLD",
                         "message":"DELETE or UPDATE without a WHERE clause",
                         "approval":{"reviewer_groups":["dba"],"quorum":1,"timeout":"15m","mode":"WAIT"}}"""),
                policy("ci-read-only", 2, "henrik", day, """
                        {"name":"ci-agent reads only","match":{"subjects":["ci-agent"],"kinds":["READ","TRANSACTION","SESSION"]},
                         "action":"ALLOW"}"""),
                policy("analysts-rows", 5, "carol", day, """
                        {"name":"Analysts read and write rows","match":{"groups":["analysts"],
                         "kinds":["READ","WRITE","TRANSACTION","SESSION"]},"action":"ALLOW"}"""),
                policy("legacy-report-block", 2, "henrik", day, """
                        {"name":"Old reporting tool is retired","enabled":false,"match":{"subjects":["legacy-report"]},
                         "action":"DENY","message":"use Metabase instead"}"""),
                policy("everyone-else", 1, "carol", day, """
                        {"name":"Nothing else is allowed","action":"DENY","message":"no rule allows this statement for you"}"""),
                masking("customers-email", 2, "carol", day, """
                        {"name":"Customer e-mail addresses keep only their domain","exempt":{"groups":["dba"]},
                         "schema":"public","table":"customers","column":"email","strategy":"partial",
                         "params":{"keep_email_domain":true}}"""),
                masking("customers-card", 1, "carol", day, """
                        {"name":"Card numbers keep their last 4 digits","exempt":{"groups":["dba"]},"schema":"public",
                         "table":"customers","column":"card_number","strategy":"partial","params":{"keep_last":4}}"""),
                masking("customers-ssn", 1, "henrik", day, """
                        {"name":"SSNs become stable tokens","exempt":{"groups":["dba"]},"schema":"public",
                         "table":"customers","column":"ssn","strategy":"tokenize","params":{"length":16}}"""),
                masking("computed-detectors", 3, "carol", day, """
                        {"name":"Personal data inside computed values","exempt":{"groups":["dba"]},
                         "detectors":["email","payment_card","phone","us_ssn"],"scope":"computed","strategy":"redact"}"""));
    }

    private static RuleDocument policy(String id, long version, String by, Instant at, String json) {
        return new RuleDocument(RuleKind.POLICY, id, version, by, at, object(json));
    }

    private static RuleDocument masking(String id, long version, String by, Instant at, String json) {
        return new RuleDocument(RuleKind.MASKING, id, version, by, at, object(json));
    }

    public static ObjectNode object(String json) {
        try {
            return (ObjectNode) ManagementJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static List<RecordingSummary> recordings(Instant now) {
        Instant start = now.minus(Duration.ofMinutes(42));
        return List.of(
                new RecordingSummary("s-5e02", "alice", List.of("analysts"), "orders", "orders", "10.20.1.14:50188",
                        start, start.plusSeconds(95), 5, 1, 1, 14),
                new RecordingSummary("s-4d77", "bob", List.of("billing-ops"), "billing", "billing", "10.20.3.7:58810",
                        now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)), 212, 0, 2, 640),
                new RecordingSummary("s-4a10", "ci-agent", List.of("ci"), "orders", "orders", "10.0.8.2:39001",
                        now.minus(Duration.ofHours(6)), now.minus(Duration.ofHours(6)).plusSeconds(48), 1_904, 3, 0, 3_811),
                new RecordingSummary("s-3f95", "dana", List.of("analysts", "dba"), "orders", "orders", "10.20.1.33:51990",
                        now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(1)).plusSeconds(1800), 77, 0, 0, 160));
    }

    /** alice's session: a masked read, a held UPDATE that was approved, a denied DROP, a notice. */
    public static List<Frame> frames(Instant start) {
        long t = start.toEpochMilli() * 1000;
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(1, t, new FramePayload.SessionStart("alice", List.of("analysts"), "orders", "orders",
                "bulwark_ro", "10.20.1.14:50188", "psql")));
        frames.add(new Frame(2, t + 2_400_000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE,
                "SELECT id, full_name, email, card_number, city\n  FROM customers\n WHERE city = 'Lyon'\n ORDER BY id\n LIMIT 5;",
                List.of(), VerdictAction.MASK, "customers-email")));
        frames.add(new Frame(3, t + 2_431_000, new FramePayload.Result(
                List.of(new ResultColumn("id", "int4"), new ResultColumn("full_name", "text"), new ResultColumn("email", "text"),
                        new ResultColumn("card_number", "text"), new ResultColumn("city", "text")),
                List.of(
                        List.of("1021", "Camille Martin", "****@orange.fr", "**** **** **** 4242", "Lyon"),
                        List.of("1187", "Hugo Bernard", "****@gmail.com", "**** **** **** 1881", "Lyon"),
                        Arrays.asList("1203", "Léa Dubois", "****@proton.me", null, "Lyon"),
                        List.of("1340", "Nathan Petit", "****@free.fr", "**** **** **** 0097", "Lyon"),
                        List.of("1452", "Chloé Moreau", "****@laposte.net", "**** **** **** 6120", "Lyon")),
                false, 5, "SELECT 5")));
        frames.add(new Frame(4, t + 9_800_000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, "BEGIN",
                List.of(), VerdictAction.ALLOW, "analysts-rows")));
        frames.add(new Frame(5, t + 9_802_000, new FramePayload.Result(List.of(), List.of(), false, 0, "BEGIN")));
        frames.add(new Frame(6, t + 14_100_000, new FramePayload.Statement(FramePayload.Protocol.EXTENDED,
                "UPDATE orders SET status = $1, updated_at = now()", List.of("cancelled"), VerdictAction.HOLD,
                "hold-unfiltered-writes")));
        frames.add(new Frame(7, t + 14_102_000, new FramePayload.Approval("a-1031", ApprovalState.PENDING, null, null)));
        frames.add(new Frame(8, t + 51_900_000, new FramePayload.Approval("a-1031", ApprovalState.APPROVED, "carol",
                "test data on the staging copy")));
        frames.add(new Frame(9, t + 52_250_000, new FramePayload.Result(List.of(), List.of(), false, 3_118, "UPDATE 3118")));
        frames.add(new Frame(10, t + 60_050_000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE,
                "DROP TABLE customers_backup_2024;", List.of(), VerdictAction.DENY, "no-ddl")));
        frames.add(new Frame(11, t + 60_051_000, new FramePayload.Error("42501",
                "denied by Bulwark rule no-ddl: only dba may run DDL or change privileges", null)));
        frames.add(new Frame(12, t + 71_400_000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, "COMMIT",
                List.of(), VerdictAction.ALLOW, "analysts-rows")));
        frames.add(new Frame(13, t + 71_409_000, new FramePayload.Notice("WARNING",
                "there is no transaction in progress")));
        frames.add(new Frame(14, t + 95_000_000, new FramePayload.SessionEnd("client closed the connection")));
        return frames;
    }

    static List<Frame> shortSession(RecordingSummary recording) {
        long t = recording.startedAt().toEpochMilli() * 1000;
        return List.of(
                new Frame(1, t, new FramePayload.SessionStart(recording.subject(), recording.groups(), recording.target(),
                        recording.database(), "bulwark_ro", recording.clientAddress(), "psql")),
                new Frame(2, t + 500_000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, "SELECT 1", List.of(),
                        VerdictAction.ALLOW, null)),
                new Frame(3, t + 501_000, new FramePayload.Result(List.of(new ResultColumn("?column?", "int4")),
                        List.of(List.of("1")), false, 1, "SELECT 1")),
                new Frame(4, t + 900_000, new FramePayload.SessionEnd("client closed the connection")));
    }

    public static List<String> auditLines(Instant now) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            lines.add("{\"record\":\"frame\",\"node_id\":\"local\",\"seq\":" + i + ",\"at\":\""
                    + now.minusSeconds(4000 - i) + "\",\"session_id\":\"s-5e02\",\"frame_no\":" + i + "}");
        }
        lines.add(admin(251, now.minus(Duration.ofHours(3)), "carol", "rule_change", "policy",
                "{\"kind\":\"policy\",\"version\":4,\"sha256\":\"c0ffee\"}"));
        lines.add(admin(252, now.minus(Duration.ofMinutes(24)), "carol", "approval_granted", "a-1039",
                "{\"session_id\":\"s-7f3a\",\"reason\":\"staging table, safe\"}"));
        lines.add(admin(253, now.minus(Duration.ofMinutes(17)), "carol", "approval_denied", "a-1040",
                "{\"session_id\":\"s-c302\",\"reason\":\"would wipe every e-mail\"}"));
        lines.add(admin(254, now.minus(Duration.ofMinutes(9)), "henrik", "session_kill", "s-41aa",
                "{\"reason\":\"runaway cross join\"}"));
        return lines;
    }

    private static String admin(long seq, Instant at, String actor, String action, String target, String details) {
        return "{\"record\":\"admin\",\"node_id\":\"local\",\"seq\":" + seq + ",\"at\":\"" + at + "\",\"actor\":\"" + actor
                + "\",\"action\":\"" + action + "\",\"target\":\"" + target + "\",\"details\":" + details + "}";
    }
}
