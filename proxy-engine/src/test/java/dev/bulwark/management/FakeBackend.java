package dev.bulwark.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.BrokenRecord;
import dev.bulwark.model.Classification;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineStats;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.Operator;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.StatementSummary;
import dev.bulwark.model.StoreHealth;
import dev.bulwark.model.TargetStatus;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VaultEntry;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.VerdictSummary;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory engine behind the management server, written by hand for tests: sessions, rules,
 * approvals, recordings, an audit chain and a vault, publishing to the {@link EventHub} as the
 * real engine does. It records which backend calls were made, so a test can show that a refused
 * request never reached it.
 */
public final class FakeBackend implements AutoCloseable {
    public static final String VERSION = "test-1.0";
    public static final Instant STARTED = Instant.parse("2026-11-21T08:00:00Z");

    private final EventHub hub;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, SessionSummary> sessions = new LinkedHashMap<>();
    private final Map<String, RuleDocument> rules = new TreeMap<>();
    private final Map<String, ApprovalSummary> approvals = new LinkedHashMap<>();
    private final List<RecordingSummary> recordings = new ArrayList<>();
    private final Map<String, List<Frame>> frames = new LinkedHashMap<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile List<String> auditLines = List.of();
    private volatile AuditVerification verification = new AuditVerification(true, 0, null);
    /** When set, every call fails with this (to test error mapping). */
    private volatile RuntimeException failure;
    /** When set, calls never complete (to test the request timeout). */
    private volatile boolean hang;

    public FakeBackend(EventHub hub) {
        this.hub = hub;
    }

    public ManagementBackend backend() {
        return new ManagementBackend(new Engine(), new Sessions(), new Rules(), new Approvals(), new Recordings(),
                new Audit(), () -> result("vault.entries",
                        List.of(new VaultEntry("orders-ro", "orders", "bulwark_ro", STARTED))));
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void failWith(RuntimeException e) {
        this.failure = e;
    }

    public void hang(boolean hanging) {
        this.hang = hanging;
    }

    // --- scenario setup, as the engine would do it -------------------------------------------------

    public static SessionSummary session(String id, String subject) {
        return new SessionSummary(id, subject, List.of("analysts"), "orders", "orders", "bulwark_ro",
                "10.0.0.1:5000" + id.length(), "psql", STARTED, SessionState.IDLE, 0, null);
    }

    public synchronized void startSession(SessionSummary session) {
        sessions.put(session.id(), session);
        hub.sessionStarted(session);
    }

    public synchronized void changeSession(String id, SessionState state) {
        SessionSummary changed = sessions.get(id).withState(state);
        sessions.put(id, changed);
        hub.sessionChanged(changed);
    }

    public synchronized void endSession(String id, String reason) {
        sessions.remove(id);
        hub.sessionEnded(id, reason);
    }

    public synchronized ApprovalSummary hold(String id, String sessionId, String statement, int quorum) {
        ApprovalSummary approval = new ApprovalSummary(id, sessionId, "alice", "orders", "bulwark_rw", "prod-writes",
                statement, "sha256:" + Integer.toHexString(statement.hashCode()), STARTED, 0, quorum,
                ApprovalState.PENDING, List.of());
        approvals.put(id, approval);
        hub.approvalRequested(approval);
        return approval;
    }

    /** Holds a request as given (bind values, classification). */
    public synchronized ApprovalSummary hold(ApprovalSummary approval) {
        approvals.put(approval.id(), approval);
        hub.approvalRequested(approval);
        return approval;
    }

    public synchronized void storeRule(RuleDocument rule) {
        rules.put(key(rule.kind(), rule.id()), rule);
        hub.ruleChanged(rule);
    }

    public synchronized void record(RecordingSummary summary, List<Frame> sessionFrames) {
        recordings.add(summary);
        frames.put(summary.sessionId(), List.copyOf(sessionFrames));
    }

    public void auditLines(List<String> lines) {
        this.auditLines = List.copyOf(lines);
    }

    public void verification(AuditVerification result) {
        this.verification = result;
    }

    /** A small recorded session: start, a statement, its masked result, an error, the end. */
    public static List<Frame> sampleFrames() {
        long t = 1_763_712_000_000_000L;
        return List.of(
                new Frame(1, t, new FramePayload.SessionStart("alice", List.of("analysts"), "orders", "orders",
                        "bulwark_ro", "10.0.0.1:50000", "psql")),
                new Frame(2, t + 1000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE,
                        "SELECT id, email FROM customers", List.of(), VerdictAction.MASK, "pii")),
                new Frame(3, t + 2000, new FramePayload.Result(
                        List.of(new ResultColumn("id", "int4"), new ResultColumn("email", "text")),
                        List.of(List.of("1", "****"), java.util.Arrays.asList("2", null)), false, 2, "SELECT 2")),
                new Frame(4, t + 3000, new FramePayload.Statement(FramePayload.Protocol.SIMPLE,
                        "DROP TABLE customers", List.of(), VerdictAction.DENY, "no-ddl")),
                new Frame(5, t + 4000, new FramePayload.Error("42501", "denied by rule no-ddl", null)),
                new Frame(6, t + 5000, new FramePayload.SessionEnd("client closed the connection")));
    }

    private static String key(RuleKind kind, String id) {
        return kind.name() + "/" + id;
    }

    private <T> CompletableFuture<T> result(String call, T value) {
        calls.add(call);
        if (hang) {
            return new CompletableFuture<>();
        }
        RuntimeException failing = failure;
        return failing != null ? CompletableFuture.failedFuture(failing) : CompletableFuture.completedFuture(value);
    }

    private <T> CompletableFuture<T> fail(String call, ManagementException e) {
        calls.add(call);
        return CompletableFuture.failedFuture(e);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Engine implements ManagementBackend.EngineBackend {
        @Override
        public String version() {
            return VERSION;
        }

        @Override
        public CompletableFuture<EngineStatus> status() {
            synchronized (FakeBackend.this) {
                return result("engine.status", new EngineStatus(VERSION, STARTED, 3600, sessions.size(),
                        List.of(new TargetStatus("orders", "127.0.0.1:5432", sessions.size())),
                        new StoreHealth(true, "in memory")));
            }
        }

        @Override
        public CompletableFuture<EngineStats> stats() {
            return result("engine.stats", new EngineStats(10, 1, 100, 90, 5, 3, 2, 1, 600, Map.of()));
        }
    }

    private final class Sessions implements ManagementBackend.SessionsBackend {
        @Override
        public CompletableFuture<List<SessionSummary>> list() {
            synchronized (FakeBackend.this) {
                return result("sessions.list", List.copyOf(sessions.values()));
            }
        }

        @Override
        public CompletableFuture<SessionDetail> get(String sessionId) {
            synchronized (FakeBackend.this) {
                SessionSummary session = sessions.get(sessionId);
                if (session == null) {
                    return fail("sessions.get", ManagementException.notFound("no session " + sessionId));
                }
                return result("sessions.get", new SessionDetail(session, "https://idp.test", STARTED.plusSeconds(3600),
                        List.of(new StatementSummary(STARTED, "SELECT 1", VerdictAction.ALLOW, null)), List.of()));
            }
        }

        @Override
        public CompletableFuture<Void> kill(String sessionId, Operator by, Optional<String> reason) {
            synchronized (FakeBackend.this) {
                if (!sessions.containsKey(sessionId)) {
                    return fail("sessions.kill", ManagementException.notFound("no session " + sessionId));
                }
                endSession(sessionId, "killed by " + by.name() + reason.map(text -> ": " + text).orElse(""));
                return result("sessions.kill", null);
            }
        }
    }

    private final class Rules implements ManagementBackend.RulesBackend {
        @Override
        public CompletableFuture<List<RuleDocument>> list(Optional<RuleKind> kind) {
            synchronized (FakeBackend.this) {
                return result("rules.list", rules.values().stream()
                        .filter(rule -> kind.map(wanted -> wanted == rule.kind()).orElse(true)).toList());
            }
        }

        @Override
        public CompletableFuture<RuleDocument> get(RuleKind kind, String id) {
            synchronized (FakeBackend.this) {
                RuleDocument rule = rules.get(key(kind, id));
                return rule == null
                        ? fail("rules.get", ManagementException.notFound("no " + kind.name().toLowerCase() + " rule " + id))
                        : result("rules.get", rule);
            }
        }

        @Override
        public CompletableFuture<RuleDocument> put(RuleKind kind, String id, JsonNode body, OptionalLong expectedVersion,
                Operator by) {
            synchronized (FakeBackend.this) {
                if (!body.hasNonNull("name")) {
                    return fail("rules.put", ManagementException.badRequest("the rule needs a name"));
                }
                RuleDocument current = rules.get(key(kind, id));
                long version = current == null ? 0 : current.version();
                if (expectedVersion.isPresent() && expectedVersion.getAsLong() != version) {
                    return fail("rules.put", ManagementException.conflict(
                            "rule " + id + " is at version " + version + ", not " + expectedVersion.getAsLong()));
                }
                RuleDocument stored = new RuleDocument(kind, id, version + 1, by.name(), Instant.now(), body);
                storeRule(stored);
                return result("rules.put", stored);
            }
        }

        @Override
        public CompletableFuture<RuleDocument> delete(RuleKind kind, String id, OptionalLong expectedVersion, Operator by) {
            synchronized (FakeBackend.this) {
                RuleDocument current = rules.get(key(kind, id));
                if (current == null) {
                    return fail("rules.delete", ManagementException.notFound("no rule " + id));
                }
                if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.version()) {
                    return fail("rules.delete", ManagementException.conflict("rule " + id + " changed"));
                }
                rules.remove(key(kind, id));
                hub.ruleDeleted(kind, id, current.version(), by.name());
                return result("rules.delete", current);
            }
        }

        @Override
        public CompletableFuture<RuleTestResult> test(String statement, TestIdentity identity, Optional<String> target) {
            if (target.isPresent() && !target.get().equals("orders")) {
                return fail("rules.test", ManagementException.notFound("no target " + target.get()));
            }
            String verb = statement.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
            RuleTestResult result = switch (verb) {
                case "DROP" -> new RuleTestResult(new Classification("ddl", List.of("DROP"), List.of("customers")),
                        new VerdictSummary(VerdictAction.DENY, "no-ddl", "No DDL", "DDL is not allowed here"), List.of());
                case "DELETE", "UPDATE", "INSERT" -> new RuleTestResult(
                        new Classification("write", List.of(verb), List.of("orders")),
                        new VerdictSummary(VerdictAction.HOLD, "prod-writes", "Hold production writes", null), List.of());
                default -> identity.groups().contains("pii-readers")
                        ? new RuleTestResult(new Classification("read", List.of("SELECT"), List.of("customers")),
                                new VerdictSummary(VerdictAction.ALLOW, null, null, null), List.of())
                        : new RuleTestResult(new Classification("read", List.of("SELECT"), List.of("customers")),
                                new VerdictSummary(VerdictAction.MASK, "pii", "Mask PII", null),
                                List.of(new MaskedColumn("customers", "email", "pii", "redact")));
            };
            return result("rules.test", result);
        }
    }

    private final class Approvals implements ManagementBackend.ApprovalsBackend {
        @Override
        public CompletableFuture<List<ApprovalSummary>> list(Optional<ApprovalState> state) {
            synchronized (FakeBackend.this) {
                return result("approvals.list", approvals.values().stream()
                        .filter(approval -> state.map(wanted -> wanted == approval.state()).orElse(true)).toList());
            }
        }

        @Override
        public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason,
                AuthenticatedOperator by) {
            synchronized (FakeBackend.this) {
                ApprovalSummary current = approvals.get(approvalId);
                if (current == null) {
                    return fail("approvals.decide", ManagementException.notFound("no approval " + approvalId));
                }
                if (current.state() != ApprovalState.PENDING) {
                    return fail("approvals.decide", ManagementException.conflict(
                            "approval " + approvalId + " is already " + current.state().name().toLowerCase()));
                }
                List<ApprovalDecision> decisions = new ArrayList<>(current.decisions());
                decisions.add(new ApprovalDecision(by.name(), Instant.now(), decision, reason));
                int approved = current.approvals() + (decision == Decision.APPROVE ? 1 : 0);
                ApprovalState state = decision == Decision.DENY ? ApprovalState.DENIED
                        : approved >= current.quorum() ? ApprovalState.APPROVED : ApprovalState.PENDING;
                ApprovalSummary changed = current.decided(approved, state, decisions);
                approvals.put(approvalId, changed);
                hub.approvalChanged(changed);
                return result("approvals.decide", changed);
            }
        }
    }

    private final class Recordings implements ManagementBackend.RecordingsBackend {
        @Override
        public CompletableFuture<ManagementBackend.RecordingPage> search(RecordingQuery query) {
            synchronized (FakeBackend.this) {
                List<RecordingSummary> matching = recordings.stream()
                        .filter(recording -> query.subject() == null || query.subject().equals(recording.subject()))
                        .filter(recording -> query.target() == null || query.target().equals(recording.target()))
                        .toList();
                int start = query.cursor() == null ? 0 : Integer.parseInt(query.cursor());
                int end = Math.min(matching.size(), start + query.limit());
                Optional<String> next = end < matching.size() ? Optional.of(Integer.toString(end)) : Optional.empty();
                return result("recordings.search", new ManagementBackend.RecordingPage(matching.subList(start, end), next));
            }
        }

        @Override
        public CompletableFuture<ManagementBackend.FramePage> frames(String sessionId, long fromSeq, OptionalLong toSeq,
                int limit) {
            synchronized (FakeBackend.this) {
                List<Frame> all = frames.get(sessionId);
                if (all == null) {
                    return fail("recordings.frames", ManagementException.notFound("no recording of session " + sessionId));
                }
                List<Frame> wanted = all.stream()
                        .filter(frame -> frame.seq() >= fromSeq && frame.seq() <= toSeq.orElse(Long.MAX_VALUE))
                        .toList();
                List<Frame> page = wanted.subList(0, Math.min(limit, wanted.size()));
                OptionalLong next = wanted.size() > limit ? OptionalLong.of(wanted.get(limit).seq()) : OptionalLong.empty();
                return result("recordings.frames", new ManagementBackend.FramePage(page, next));
            }
        }
    }

    private final class Audit implements ManagementBackend.AuditBackend {
        @Override
        public CompletableFuture<AuditVerification> verify() {
            return result("audit.verify", verification);
        }

        @Override
        public CompletableFuture<Long> exportToFile(String fileName) {
            return result("audit.exportToFile", (long) auditLines.size());
        }

        @Override
        public CompletableFuture<Long> export(ManagementBackend.LineSink sink) {
            calls.add("audit.export");
            List<String> lines = auditLines;
            // Like the real store: off the event loop, in batches.
            return CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < lines.size(); i += 2) {
                        sink.accept(lines.subList(i, Math.min(lines.size(), i + 2)));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return (long) lines.size();
            }, worker);
        }
    }

    /** A broken chain, for the verify test. */
    public static AuditVerification broken() {
        return new AuditVerification(false, 12, new BrokenRecord(7, "hash does not match record 6"));
    }
}
