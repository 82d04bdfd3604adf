package dev.bulwark.console.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.console.client.Connection;
import dev.bulwark.console.client.ConnectionEvents;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.Classification;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.Frame;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
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
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.VerdictSummary;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An in-memory engine written by hand: it is the {@link dev.bulwark.console.client.ConsoleClient}
 * the view model tests use, and the {@link Connection} the TestFX tests and the screenshot tool
 * connect to through a {@link FakeConnector}. It behaves like the engine where the console cares
 * (versions and conflicts on rules, quorum and self-approval on approvals, pages of frames), pushes
 * events to whoever subscribed, and records each request so tests can check what was asked.
 */
public final class FakeEngine implements Connection {
    private final Clock clock;
    private volatile Operator operator = new Operator("carol", OperatorRole.ADMIN);
    private final Map<String, SessionSummary> sessions = new LinkedHashMap<>();
    private final Map<String, List<StatementSummary>> statements = new HashMap<>();
    private final Map<String, ApprovalSummary> approvals = new LinkedHashMap<>();
    private final List<RuleDocument> rules = new ArrayList<>();
    private final List<RecordingSummary> recordings = new ArrayList<>();
    private final Map<String, List<Frame>> frames = new HashMap<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, RuntimeException> failures = new HashMap<>();
    private List<String> auditLines = List.of();
    private AuditVerification verification = new AuditVerification(true, 0, null);
    private volatile ConnectionEvents events;
    private long seq;
    private boolean reorderSupported = true;
    private boolean closed;

    public FakeEngine(Clock clock) {
        this.clock = clock;
    }

    // --- setup ------------------------------------------------------------------------------------

    public FakeEngine operator(Operator newOperator) {
        this.operator = newOperator;
        return this;
    }

    /** The next calls of {@code method} (as named in {@link #calls()}) fail with {@code failure}. */
    public synchronized void failCalls(String method, RuntimeException failure) {
        failures.put(method, failure);
    }

    public synchronized void reorderSupported(boolean supported) {
        reorderSupported = supported;
    }

    /** Who receives pushed events (a connector sets it when it opens the connection). */
    public void attach(ConnectionEvents newEvents) {
        this.events = newEvents;
        synchronized (this) {
            closed = false;
        }
    }

    public synchronized void putSession(SessionSummary session, List<StatementSummary> recent) {
        sessions.put(session.id(), session);
        statements.put(session.id(), new ArrayList<>(recent));
    }

    public synchronized void putApproval(ApprovalSummary approval) {
        approvals.put(approval.id(), approval);
    }

    public synchronized void putRule(RuleDocument rule) {
        rules.removeIf(existing -> existing.kind() == rule.kind() && existing.id().equals(rule.id()));
        rules.add(rule);
    }

    public synchronized void putRecording(RecordingSummary recording, List<Frame> recorded) {
        recordings.add(recording);
        frames.put(recording.sessionId(), List.copyOf(recorded));
    }

    public synchronized void auditLines(List<String> lines) {
        auditLines = List.copyOf(lines);
    }

    public synchronized void verification(AuditVerification result) {
        verification = result;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<RuleDocument> storedRules() {
        return List.copyOf(rules);
    }

    public synchronized ApprovalSummary approval(String id) {
        return approvals.get(id);
    }

    // --- live changes, as the engine publishes them ------------------------------------------------

    private synchronized long nextSeq() {
        return ++seq;
    }

    private void publish(Event event) {
        ConnectionEvents target = events;
        if (target != null) {
            target.event(event);
        }
    }

    public void startSession(SessionSummary session) {
        synchronized (this) {
            sessions.put(session.id(), session);
            statements.put(session.id(), new ArrayList<>());
        }
        publish(new Event.SessionStarted(nextSeq(), clock.instant(), session));
    }

    public void changeSession(SessionSummary session) {
        synchronized (this) {
            sessions.put(session.id(), session);
        }
        publish(new Event.SessionChanged(nextSeq(), clock.instant(), session));
    }

    public void endSession(String id, String reason) {
        synchronized (this) {
            sessions.remove(id);
        }
        publish(new Event.SessionEnded(nextSeq(), clock.instant(), id, reason));
    }

    public void statement(String sessionId, String text, VerdictAction verdict, String rule) {
        String subject;
        synchronized (this) {
            SessionSummary session = sessions.get(sessionId);
            subject = session == null ? "nobody" : session.subject();
            statements.computeIfAbsent(sessionId, id -> new ArrayList<>())
                    .add(new StatementSummary(clock.instant(), text, verdict, rule));
        }
        publish(new Event.StatementExecuted(nextSeq(), clock.instant(), sessionId, subject, text, false, verdict, rule));
    }

    public void requestApproval(ApprovalSummary approval) {
        synchronized (this) {
            approvals.put(approval.id(), approval);
        }
        publish(new Event.ApprovalRequested(nextSeq(), clock.instant(), approval));
    }

    public void changeApproval(ApprovalSummary approval) {
        synchronized (this) {
            approvals.put(approval.id(), approval);
        }
        publish(new Event.ApprovalChanged(nextSeq(), clock.instant(), approval));
    }

    public void ruleChanged(RuleDocument rule) {
        putRule(rule);
        publish(new Event.RuleChanged(nextSeq(), clock.instant(), rule));
    }

    /** The engine drops the subscription, as when the console falls behind. */
    public void dropSubscription() {
        ConnectionEvents target = events;
        if (target != null) {
            target.dropped("the console fell behind");
        }
    }

    /** The connection breaks (the engine stops, say). */
    public void breakConnection() {
        ConnectionEvents target;
        synchronized (this) {
            closed = true;
            target = events;
        }
        if (target != null) {
            target.closed(new java.io.IOException("connection reset by peer"));
        }
    }

    // --- Connection -------------------------------------------------------------------------------

    private synchronized <T> CompletableFuture<T> answer(String call, java.util.function.Supplier<T> value) {
        calls.add(call);
        if (closed) {
            return CompletableFuture.failedFuture(new java.nio.channels.ClosedChannelException());
        }
        RuntimeException failure = failures.remove(call);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        try {
            return CompletableFuture.completedFuture(value.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Operator operator() {
        return operator;
    }

    @Override
    public String engineVersion() {
        return "0.1.0-test";
    }

    @Override
    public CompletableFuture<Void> subscribe(List<EventTopic> topics) {
        EventSnapshot snapshot;
        synchronized (this) {
            calls.add("events.subscribe");
            if (topics.contains(EventTopic.RULES) && !operator.role().includes(OperatorRole.ADMIN)) {
                return CompletableFuture.failedFuture(new ManagementException(ErrorCode.FORBIDDEN, "rules are for admins"));
            }
            snapshot = new EventSnapshot(seq,
                    topics.contains(EventTopic.SESSIONS) ? List.copyOf(sessions.values()) : List.of(),
                    topics.contains(EventTopic.APPROVALS) ? approvals.values().stream()
                            .filter(approval -> approval.state() == ApprovalState.PENDING).toList() : List.of(),
                    topics.contains(EventTopic.RULES) ? List.copyOf(rules) : List.of());
        }
        ConnectionEvents target = events;
        if (target != null) {
            target.snapshot(snapshot);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> ping() {
        return answer("ping", () -> null);
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        return answer("engine.status", () -> new EngineStatus("0.1.0-test", clock.instant().minusSeconds(3600), 3600,
                sessions.size(), List.of(new TargetStatus("orders", "127.0.0.1:5432", sessions.size())),
                new StoreHealth(true, "in memory")));
    }

    @Override
    public CompletableFuture<SessionDetail> session(String sessionId) {
        return answer("sessions.get", () -> {
            SessionSummary session = sessions.get(sessionId);
            if (session == null) {
                throw ManagementException.notFound("no session " + sessionId);
            }
            List<String> pending = approvals.values().stream()
                    .filter(approval -> approval.sessionId().equals(sessionId) && approval.state() == ApprovalState.PENDING)
                    .map(ApprovalSummary::id).toList();
            return new SessionDetail(session, "https://login.example.com/realms/corp",
                    clock.instant().plusSeconds(1800), List.copyOf(statements.getOrDefault(sessionId, List.of())), pending);
        });
    }

    @Override
    public CompletableFuture<Void> kill(String sessionId, String reason) {
        CompletableFuture<Void> result = answer("sessions.kill", () -> {
            if (!operator.role().includes(OperatorRole.ADMIN)) {
                throw new ManagementException(ErrorCode.FORBIDDEN, "only admins may kill sessions");
            }
            if (!sessions.containsKey(sessionId)) {
                throw ManagementException.notFound("no session " + sessionId);
            }
            return null;
        });
        if (!result.isCompletedExceptionally()) {
            endSession(sessionId, "killed by " + operator.name() + (reason == null ? "" : ": " + reason));
        }
        return result;
    }

    @Override
    public CompletableFuture<List<ApprovalSummary>> approvals(ApprovalState state) {
        return answer("approvals.list", () -> approvals.values().stream()
                .filter(approval -> state == null || approval.state() == state).toList());
    }

    @Override
    public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason) {
        CompletableFuture<ApprovalSummary> result = answer("approvals." + (decision == Decision.APPROVE ? "approve" : "deny"), () -> {
            ApprovalSummary current = approvals.get(approvalId);
            if (current == null) {
                throw ManagementException.notFound("no approval " + approvalId);
            }
            if (!operator.role().includes(OperatorRole.REVIEWER)) {
                throw new ManagementException(ErrorCode.FORBIDDEN, "viewers cannot decide");
            }
            if (current.requester().equals(operator.name())) {
                throw new ManagementException(ErrorCode.FORBIDDEN, "you cannot decide your own request");
            }
            if (current.state() != ApprovalState.PENDING) {
                throw ManagementException.conflict("approval " + approvalId + " is already "
                        + current.state().name().toLowerCase(Locale.ROOT));
            }
            List<ApprovalDecision> decisions = new ArrayList<>(current.decisions());
            decisions.add(new ApprovalDecision(operator.name(), clock.instant(), decision, reason));
            int approved = current.approvals() + (decision == Decision.APPROVE ? 1 : 0);
            ApprovalState state = decision == Decision.DENY ? ApprovalState.DENIED
                    : approved >= current.quorum() ? ApprovalState.APPROVED : ApprovalState.PENDING;
            ApprovalSummary changed = current.decided(approved, state, decisions);
            approvals.put(approvalId, changed);
            return changed;
        });
        result.thenAccept(changed -> publish(new Event.ApprovalChanged(nextSeq(), clock.instant(), changed)));
        return result;
    }

    @Override
    public CompletableFuture<List<RuleDocument>> rules(RuleKind kind) {
        return answer("rules.list", () -> rules.stream().filter(rule -> kind == null || rule.kind() == kind).toList());
    }

    @Override
    public CompletableFuture<RuleDocument> putRule(RuleKind kind, String id, ObjectNode body, long expectedVersion) {
        CompletableFuture<RuleDocument> result = answer("rules.put", () -> {
            RuleDocument current = rules.stream().filter(rule -> rule.kind() == kind && rule.id().equals(id))
                    .findFirst().orElse(null);
            long version = current == null ? 0 : current.version();
            if (version != expectedVersion) {
                throw ManagementException.conflict("rule " + id + " is at version " + version + ", not " + expectedVersion);
            }
            if (kind == RuleKind.POLICY && !body.hasNonNull("action")) {
                throw ManagementException.badRequest("action is null (one of ALLOW, DENY, HOLD, LOG)");
            }
            if (body.path("match").path("text_pattern").asText("").contains("(?<")) {
                throw ManagementException.badRequest("text_pattern is not a valid regular expression");
            }
            RuleDocument stored = new RuleDocument(kind, id, version + 1, operator.name(), clock.instant(), body);
            int index = current == null ? rules.size() : rules.indexOf(current);
            if (current != null) {
                rules.set(index, stored);
            } else {
                rules.add(stored);
            }
            return stored;
        });
        result.thenAccept(stored -> publish(new Event.RuleChanged(nextSeq(), clock.instant(), stored)));
        return result;
    }

    @Override
    public CompletableFuture<Void> deleteRule(RuleKind kind, String id, long expectedVersion) {
        RuleDocument[] deleted = new RuleDocument[1];
        CompletableFuture<Void> result = answer("rules.delete", () -> {
            RuleDocument current = rules.stream().filter(rule -> rule.kind() == kind && rule.id().equals(id))
                    .findFirst().orElseThrow(() -> ManagementException.notFound("no rule " + id));
            if (current.version() != expectedVersion) {
                throw ManagementException.conflict("rule " + id + " changed");
            }
            rules.remove(current);
            deleted[0] = current;
            return null;
        });
        result.thenRun(() -> publish(new Event.RuleDeleted(nextSeq(), clock.instant(), kind, id, deleted[0].version(),
                operator.name())));
        return result;
    }

    @Override
    public CompletableFuture<Void> reorderRules(RuleKind kind, List<String> orderedIds) {
        return answer("rules.reorder", () -> {
            if (!reorderSupported) {
                throw new UnsupportedOperationException("this engine cannot reorder rules yet");
            }
            List<RuleDocument> ofKind = new ArrayList<>();
            for (String id : orderedIds) {
                rules.stream().filter(rule -> rule.kind() == kind && rule.id().equals(id)).findFirst().ifPresent(ofKind::add);
            }
            rules.removeIf(rule -> rule.kind() == kind);
            rules.addAll(ofKind);
            return null;
        });
    }

    @Override
    public CompletableFuture<RuleTestResult> testRule(String statement, TestIdentity identity, String target) {
        return answer("rules.test", () -> {
            if (target != null && !List.of("orders", "billing", "analytics").contains(target)) {
                throw ManagementException.notFound("no target " + target);
            }
            String verb = statement.strip().split("\\s+")[0].toUpperCase(Locale.ROOT);
            return switch (verb) {
                case "DROP", "ALTER", "CREATE" -> new RuleTestResult(
                        new Classification("ddl", List.of(verb), List.of("public.customers")),
                        new VerdictSummary(VerdictAction.DENY, "no-ddl", "Only dba may change the schema",
                                "only dba may run DDL or change privileges"), List.of());
                case "DELETE", "UPDATE" -> new RuleTestResult(
                        new Classification("write", List.of(verb), List.of("public.orders")),
                        identity.groups().contains("dba")
                                ? new VerdictSummary(VerdictAction.ALLOW, "dba-anything", "DBAs may do anything", null)
                                : new VerdictSummary(VerdictAction.HOLD, "hold-unfiltered-writes",
                                        "DELETE or UPDATE of every row needs a dba's approval", null), List.of());
                default -> identity.groups().contains("dba")
                        ? new RuleTestResult(new Classification("read", List.of("SELECT"), List.of("public.customers")),
                                new VerdictSummary(VerdictAction.ALLOW, "dba-anything", "DBAs may do anything", null), List.of())
                        : new RuleTestResult(new Classification("read", List.of("SELECT"), List.of("public.customers")),
                                new VerdictSummary(VerdictAction.MASK, "analysts-rows", "Analysts read and write rows", null),
                                List.of(new MaskedColumn("public.customers", "email", "customers-email", "partial"),
                                        new MaskedColumn("public.customers", "card_number", "customers-card", "partial")));
            };
        });
    }

    @Override
    public CompletableFuture<EngineMessage.Recordings> searchRecordings(RecordingQuery query) {
        return answer("recordings.search", () -> {
            List<RecordingSummary> matching = recordings.stream()
                    .filter(recording -> query.subject() == null || recording.subject().contains(query.subject()))
                    .filter(recording -> query.target() == null || recording.target().equals(query.target()))
                    .filter(recording -> query.verdict() != VerdictAction.DENY || recording.denied() > 0)
                    .filter(recording -> query.from() == null || recording.endedAt() == null
                            || !recording.endedAt().isBefore(query.from()))
                    .filter(recording -> query.to() == null || recording.startedAt().isBefore(query.to()))
                    .toList();
            int start = query.cursor() == null ? 0 : Integer.parseInt(query.cursor());
            int end = Math.min(matching.size(), start + query.limit());
            return new EngineMessage.Recordings(1, matching.subList(start, end),
                    end < matching.size() ? Integer.toString(end) : null);
        });
    }

    @Override
    public CompletableFuture<EngineMessage.Frames> frames(String sessionId, long fromSeq, int limit) {
        return answer("recordings.frames", () -> {
            List<Frame> all = frames.get(sessionId);
            if (all == null) {
                throw ManagementException.notFound("no recording of session " + sessionId);
            }
            List<Frame> wanted = all.stream().filter(frame -> frame.seq() >= fromSeq).toList();
            List<Frame> page = wanted.subList(0, Math.min(limit, wanted.size()));
            Long next = wanted.size() > limit ? wanted.get(limit).seq() : null;
            return new EngineMessage.Frames(1, sessionId, page, next);
        });
    }

    @Override
    public CompletableFuture<AuditVerification> verifyAudit() {
        return answer("audit.verify", () -> verification);
    }

    @Override
    public CompletableFuture<Long> exportAudit(Consumer<List<String>> lines) {
        List<String> all;
        synchronized (this) {
            all = auditLines;
        }
        CompletableFuture<Long> result = answer("audit.export", () -> (long) all.size());
        if (!result.isCompletedExceptionally()) {
            for (int i = 0; i < all.size(); i += 100) {
                lines.accept(all.subList(i, Math.min(all.size(), i + 100)));
            }
        }
        return result;
    }

    @Override
    public void close() {
        ConnectionEvents target;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            target = events;
        }
        if (target != null) {
            target.closed(null);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** A session summary with everything but the varying parts filled in. */
    public static SessionSummary session(String id, String subject, String target, SessionState state, Instant startedAt) {
        return new SessionSummary(id, subject, List.of("analysts"), target, target, "bulwark_ro", "10.20.1.14:51234",
                "psql", startedAt, state, 3, startedAt);
    }
}
