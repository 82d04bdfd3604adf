package dev.bulwark.engine;

import dev.bulwark.approval.ApprovalHandle;
import dev.bulwark.approval.ApprovalRecording;
import dev.bulwark.approval.ApprovalService;
import dev.bulwark.approval.ClientError;
import dev.bulwark.approval.HeldStatement;
import dev.bulwark.auth.Identity;
import dev.bulwark.masking.CatalogResolver;
import dev.bulwark.masking.CatalogSnapshot;
import dev.bulwark.masking.CatalogTable;
import dev.bulwark.masking.MaskedAccess;
import dev.bulwark.masking.CopyCommand;
import dev.bulwark.masking.CopyDecision;
import dev.bulwark.masking.ErrorSource;
import dev.bulwark.masking.MaskingException;
import dev.bulwark.masking.ResultColumn;
import dev.bulwark.masking.RowMasker;
import dev.bulwark.masking.SessionMasking;
import dev.bulwark.policy.Operation;
import dev.bulwark.policy.PolicyEngine;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleRef;
import dev.bulwark.policy.SessionPolicyState;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.policy.StatementKind;
import dev.bulwark.policy.UnknownAction;
import dev.bulwark.policy.Verb;
import dev.bulwark.policy.Verdict;
import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.ResultRecorder;
import dev.bulwark.recording.SessionRecording;
import dev.bulwark.session.BinaryValues;
import dev.bulwark.session.LiveSession;
import dev.bulwark.session.SessionHooks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine does to one session: policy on every statement, masking of everything the client
 * receives, and the recording of what the client saw. Confined to the session's event loop.
 */
final class EngineSession implements SessionHooks {
    static final String FIXED_ROLE_RULE = "engine:fixed-role";
    /** ErrorResponse/NoticeResponse fields that name things rather than carry values. */
    private static final String IDENTIFIER_FIELDS = "SVCPpFLRstcdn";

    private final EngineServices services;
    private final LiveSession session;
    private final Identity identity;
    private final String target;
    private final boolean fixedRole;
    private final UnknownAction unknownAction;
    private final SessionPolicyState policyState = new SessionPolicyState();
    private final SessionMasking masking;
    private final CatalogResolver catalog;
    private final SessionRecording recording;
    /** What each prepared statement was judged at Parse, for its Executes. */
    private final Map<String, Judged> prepared = new HashMap<>();

    private CopyDecision.Mask nextCopyMask;
    private long resultSequence = -1;
    private ResultRecorder result;
    private long copySequence = -1;
    private long copyBytes;
    private boolean copyIn;

    private record Judged(Verdict verdict, Summary summary, QueryClassification query) {}

    /** The statement waiting for approval, if any. */
    private ApprovalHandle waiting;

    EngineSession(EngineServices services, LiveSession session) {
        this.services = services;
        this.session = session;
        this.identity = session.identity().orElseThrow();
        this.target = session.target();
        this.fixedRole = session.fixedRole();
        this.unknownAction = services.unknownAction(target);
        this.masking = services.rules().masking().forSession(identity, target);
        this.catalog = services.catalog(target);
        this.recording = services.openRecording(session);
    }

    // ------------------------------------------------------------------ policy

    @Override
    public Decision check(SessionInfo info, Statement statement) {
        return switch (statement.protocol()) {
            case SIMPLE -> judge(policyState.resolve(services.classifier().classify(statement.sql())), statement, true);
            case PARSE -> {
                QueryClassification query = services.classifier().classifyParse(statement.sql());
                Decision decision = judge(query, statement, false);
                if (decision instanceof Decision.Allow) {
                    policyState.rememberProtocolStatement(statement.statementName(), query);
                }
                yield decision;
            }
            case EXECUTE -> {
                Judged judged = prepared.get(statement.statementName());
                if (judged == null) {
                    yield new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, "statement not run: the gateway has no verdict for it", null);
                }
                yield toDecision(judged.verdict(), judged.summary(), statement, judged.query());
            }
            case FUNCTION_CALL -> masking.limitsAccess()
                    ? new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, "fastpath function calls are not allowed while"
                            + " columns are masked for you with access masked_only (Bulwark cannot tell what they read)", "masking")
                    : unknownAction.mode() == UnknownAction.Mode.ALLOW
                    ? new Decision.Allow("fastpath function call allowed by unknown_action", null)
                    : new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                            "fastpath function calls are not allowed through the gateway (Bulwark cannot tell what they do)", null);
        };
    }

    private Decision judge(QueryClassification query, Statement statement, boolean execute) {
        Summary summary = summarize(query, null);
        if (fixedRole && changesRole(query)) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    "statement denied: the gateway sets this session's role from its grant, it cannot be changed",
                    FIXED_ROLE_RULE, summary);
        }
        Verdict verdict = PolicyEngine.decide(query, identity, target, services.rules().policy(), unknownAction);
        summary = summarize(query, verdict);
        if (!(verdict instanceof Verdict.Deny) && masking.limitsAccess()) {
            // access: masked_only: a statement that computes on a masked column is refused before it runs.
            Summary judged = summary;
            switch (checkAccess(query, Map.of(), false)) {
                case MaskedAccess.Refused refused -> {
                    return refuseAccess(refused, judged, statement, execute);
                }
                case MaskedAccess.NeedsCatalog needs -> {
                    CompletableFuture<Decision> outcome = catalog.resolveRelationsNamed(needs.relations()).thenApply(found ->
                            checkAccess(query, found, true) instanceof MaskedAccess.Refused refused
                                    ? refuseAccess(refused, judged, statement, execute)
                                    : decide(verdict, judged, statement, execute, query));
                    return new Decision.Pending(outcome, List.of());
                }
                case MaskedAccess.Allowed allowed -> {
                }
            }
        }
        return decide(verdict, summary, statement, execute, query);
    }

    /** The decision once policy (and masked-only access) let the statement through to its verdict. */
    private Decision decide(Verdict verdict, Summary summary, Statement statement, boolean execute, QueryClassification query) {
        if (!execute) {
            // A Parse runs nothing: Allow and Hold wait for the Execute, with what was judged now.
            prepared.put(statement.statementName(), new Judged(verdict, summary, query));
            if (verdict instanceof Verdict.Deny deny) {
                return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, deny.message(), ruleId(deny.rule()), summary);
            }
            return new Decision.Allow(null, summary);
        }
        Decision decision = toDecision(verdict, summary, statement, query);
        if (decision instanceof Decision.Allow) {
            policyState.observe(query);
            return checkCopyOut(query, statement.sql(), summary, decision);
        }
        return decision;
    }

    /** Judges the query under access: masked_only with what the catalog knows (plus {@code found}). */
    private MaskedAccess checkAccess(QueryClassification query, Map<dev.bulwark.masking.TableName, List<CatalogTable>> found,
            boolean catalogAsked) {
        StatementAccess.Facts facts = StatementAccess.facts(query, masking);
        return masking.checkAccess(facts.uses(), facts.untraced(), name -> {
            List<CatalogTable> fetched = found.get(name);
            return fetched != null ? Optional.of(fetched) : catalog.cachedRelationsNamed(name);
        }, catalogAsked);
    }

    private Decision refuseAccess(MaskedAccess.Refused refused, Summary summary, Statement statement, boolean execute) {
        if (!execute) {
            // An Execute of this name must not run what an earlier Parse of it was allowed to.
            prepared.remove(statement.statementName());
        }
        return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, refused.message(), refused.ruleId(), summary);
    }

    private Decision toDecision(Verdict verdict, Summary summary, Statement statement, QueryClassification query) {
        return switch (verdict) {
            case Verdict.Allow allow -> new Decision.Allow(allow.warnings().isEmpty() ? null : String.join("; ", allow.warnings()), summary);
            case Verdict.Deny deny -> new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, deny.message(), ruleId(deny.rule()), summary);
            case Verdict.Hold hold -> hold(hold, summary, statement, query);
        };
    }

    /** Files an approval request; the session waits (the client has the notice) until it is decided. */
    private Decision hold(Verdict.Hold hold, Summary summary, Statement statement, QueryClassification query) {
        ApprovalService approvals = services.approvals();
        String rule = ruleId(hold.rule());
        if (approvals == null) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    hold.message() + ": this statement needs approval, and approvals are not enabled on this engine", rule, summary);
        }
        ApprovalHandle handle = approvals.request(HeldStatement.of(session.id(), identity, target, session.role().orElse(""),
                statement.sql(), statement.parameters(), hold, HeldStatement.Classification.of(query),
                recording == null ? ApprovalRecording.NONE : ApprovalRecording.of(recording)));
        waiting = handle;
        CompletableFuture<Decision> outcome = handle.outcome().thenApply(result -> {
            Optional<ClientError> error = handle.clientError(result);
            if (error.isPresent()) {
                return (Decision) new Decision.Deny(error.get().sqlState(), error.get().message(), rule, summary);
            }
            // Nothing else of this session runs while it waits, so its policy state is not in use elsewhere.
            policyState.observe(query);
            return new Decision.Allow(null, summary);
        });
        outcome.whenComplete((d, e) -> waiting = null);
        return new Decision.Pending(outcome, handle.notice().isEmpty() ? List.of() : List.of(handle.notice()));
    }

    /** RESET ROLE, SET ROLE, SET SESSION AUTHORIZATION, DISCARD ALL: each would undo the grant's role. */
    static boolean changesRole(QueryClassification query) {
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                String detail = operation.detail().toLowerCase(Locale.ROOT);
                if (operation.verb() == Verb.SET_ROLE
                        || operation.verb() == Verb.RESET && (detail.equals("role") || detail.equals("session") || detail.equals("all"))
                        || operation.verb() == Verb.DISCARD && detail.equals("all")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** COPY TO STDOUT of data this session sees masked: masked line by line, or refused when that cannot be exact. */
    private Decision checkCopyOut(QueryClassification query, String sql, Summary summary, Decision allowed) {
        if (masking.masksNothing() || query.statements().stream().noneMatch(s -> s.verbs().contains(Verb.COPY_TO))) {
            return allowed;
        }
        CopyCommand command = CopyCommand.parse(sql);
        CopyDecision decision = switch (command) {
            case CopyCommand.NotCopyOut n -> new CopyDecision.PassThrough();
            case CopyCommand.Unreadable u -> new CopyDecision.CannotMaskExactly("the COPY statement could not be read: " + u.reason());
            case CopyCommand.TableCopy table -> {
                Optional<dev.bulwark.masking.CatalogTable> known = catalog.cachedTable(table.table());
                if (known.isEmpty()) {
                    yield null;
                }
                yield masking.copyTable(table, known);
            }
            case CopyCommand.QueryCopy copy -> masking.copyQuery(copy, Optional.of(maskingTables(query)));
        };
        if (decision == null) {
            // Learn the table's columns first, then decide again.
            CopyCommand.TableCopy table = (CopyCommand.TableCopy) command;
            CompletableFuture<Decision> outcome = catalog.resolveTable(table.sqlName()).thenApply(found -> {
                CopyDecision later = masking.copyTable(table, found);
                return copyDecision(later, summary, allowed);
            });
            return new Decision.Pending(outcome, List.of());
        }
        return copyDecision(decision, summary, allowed);
    }

    private Decision copyDecision(CopyDecision decision, Summary summary, Decision allowed) {
        return switch (decision) {
            case CopyDecision.PassThrough p -> allowed;
            case CopyDecision.Mask mask -> {
                nextCopyMask = mask;
                yield allowed;
            }
            case CopyDecision.CannotMaskExactly refused -> new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    "COPY refused: " + refused.reason(), "masking", summary);
        };
    }

    private static Set<dev.bulwark.masking.TableName> maskingTables(QueryClassification query) {
        Set<dev.bulwark.masking.TableName> tables = new LinkedHashSet<>();
        for (StatementClassification statement : query.statements()) {
            for (dev.bulwark.policy.TableName table : statement.tables()) {
                tables.add(new dev.bulwark.masking.TableName(table.schema().isEmpty() ? "public" : table.schema(), table.name()));
            }
        }
        return tables;
    }

    private static Summary summarize(QueryClassification query, Verdict verdict) {
        List<String> tables = new ArrayList<>();
        Set<String> verbs = new LinkedHashSet<>();
        for (StatementClassification statement : query.statements()) {
            statement.tables().forEach(t -> tables.add(t.schema().isEmpty() ? t.name() : t.schema() + "." + t.name()));
            statement.verbs().forEach(v -> verbs.add(v.name()));
            if (statement.kind() == StatementKind.UNKNOWN) {
                verbs.add("UNKNOWN");
            }
        }
        String ruleId = null;
        String ruleName = null;
        List<String> logged = List.of();
        if (verdict != null) {
            Optional<RuleRef> rule = switch (verdict) {
                case Verdict.Allow a -> Optional.empty();
                case Verdict.Deny d -> d.rule();
                case Verdict.Hold h -> h.rule();
            };
            ruleId = rule.map(RuleRef::id).orElse(null);
            ruleName = rule.map(RuleRef::name).orElse(null);
            logged = verdict.logged().stream().map(RuleRef::id).toList();
        }
        return new Summary(ruleId, ruleName, logged, tables.stream().distinct().toList(), List.copyOf(verbs));
    }

    private static String ruleId(Optional<RuleRef> rule) {
        return rule.map(RuleRef::id).orElse(null);
    }

    // ------------------------------------------------------------------ masking

    @Override
    public boolean passesEverything() {
        return masking.masksNothing();
    }

    @Override
    public RowPlan rows(BackendMessage.RowDescription columns) {
        List<ResultColumn> resultColumns = resultColumns(columns);
        Set<Integer> oids = masking.tableOidsToResolve(resultColumns);
        Optional<CatalogSnapshot> known = oids.isEmpty() ? Optional.of(CatalogSnapshot.EMPTY) : catalog.cached(oids);
        if (known.isEmpty()) {
            return new RowPlan.Wait(catalog.resolve(oids));
        }
        RowMasker masker = masking.rowMasker(resultColumns, known.get());
        if (masker.isNone()) {
            return RowPlan.UNCHANGED;
        }
        return new RowPlan.Rows(new RowTransform() {
            @Override
            public ByteBuf apply(ByteBuf row, ByteBufAllocator alloc) {
                try {
                    return masker.apply(row, alloc);
                } catch (MaskingException e) {
                    throw new ProtocolException(e.sqlState(), "a row could not be masked");
                }
            }

            @Override
            public void writeTo(ByteBuf row, ByteBuf out) {
                try {
                    masker.writeTo(row, out);
                } catch (MaskingException e) {
                    throw new ProtocolException(e.sqlState(), "a row could not be masked");
                }
            }
        });
    }

    static List<ResultColumn> resultColumns(BackendMessage.RowDescription columns) {
        List<ResultColumn> out = new ArrayList<>(columns.fields().size());
        for (BackendMessage.Field f : columns.fields()) {
            out.add(new ResultColumn(f.name(), f.tableOid(), f.attributeNumber(), f.typeOid(), f.typeSize(), f.typeModifier(), f.format()));
        }
        return out;
    }

    @Override
    public CopyTransform copyOut(long sequence) {
        CopyDecision.Mask mask = nextCopyMask;
        nextCopyMask = null;
        if (mask == null) {
            return null;
        }
        var masker = mask.masker();
        return new CopyTransform() {
            @Override
            public ByteBuf apply(ByteBuf copyData, ByteBufAllocator alloc) {
                try {
                    return masker.apply(copyData, alloc);
                } catch (MaskingException e) {
                    throw new ProtocolException(e.sqlState(), "COPY data could not be masked");
                }
            }

            @Override
            public ByteBuf finish(ByteBufAllocator alloc) {
                try {
                    return masker.finish(alloc);
                } catch (MaskingException e) {
                    throw new ProtocolException(e.sqlState(), "COPY data could not be masked");
                }
            }
        };
    }

    @Override
    public Map<Character, String> messageFields(Map<Character, String> fields) {
        ErrorSource source = new ErrorSource(fields.getOrDefault('s', ""), fields.getOrDefault('t', ""));
        Optional<dev.bulwark.masking.CatalogTable> table = source.known()
                ? catalog.cachedTable(new dev.bulwark.masking.TableName(source.schema(), source.table())) : Optional.empty();
        Map<Character, String> masked = null;
        for (Map.Entry<Character, String> field : fields.entrySet()) {
            if (IDENTIFIER_FIELDS.indexOf(field.getKey()) >= 0) {
                continue;
            }
            String value = masking.maskMessageField(field.getKey(), field.getValue(), source, table);
            if (!value.equals(field.getValue())) {
                if (masked == null) {
                    masked = new LinkedHashMap<>(fields);
                }
                masked.put(field.getKey(), value);
            }
        }
        return masked == null ? fields : masked;
    }

    @Override
    public String notification(String payload) {
        return masking.maskNotificationPayload(payload);
    }

    // ------------------------------------------------------------------ recording

    @Override
    public CompletableFuture<Void> statement(long sequence, Statement statement, Decision decision) {
        // Personal data typed into the SQL itself (a literal e-mail or card number) is masked in what is
        // kept and shown, as in results; the statement runs as sent.
        String shownText = masking.masksNothing() ? statement.sql() : masking.maskNotificationPayload(statement.sql());
        services.events().statement(session, shownText, decision);
        if (recording == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!recording.canRunStatements() && decision instanceof Decision.Allow) {
            return CompletableFuture.failedFuture(new IllegalStateException("the audit store is unavailable"));
        }
        Summary summary = switch (decision) {
            case Decision.Allow a -> a.summary();
            case Decision.Deny d -> d.summary();
            case Decision.Pending p -> null;
        };
        FramePayload.Verdict verdict = switch (decision) {
            case Decision.Allow a -> summary != null && !summary.logged().isEmpty() ? FramePayload.Verdict.LOG : FramePayload.Verdict.ALLOW;
            case Decision.Deny d -> FramePayload.Verdict.DENY;
            case Decision.Pending p -> FramePayload.Verdict.HOLD;
        };
        String ruleId = summary == null ? null : summary.ruleId();
        if (ruleId == null && decision instanceof Decision.Deny d) {
            ruleId = d.rule();
        }
        List<String> parameters = new ArrayList<>(statement.parameters().size());
        for (String parameter : statement.parameters()) {
            parameters.add(parameter == null ? null : masking.maskNotificationPayload(parameter));
        }
        return recording.statement(new FramePayload.Statement(
                statement.protocol() == Protocol.SIMPLE ? FramePayload.Protocol.SIMPLE : FramePayload.Protocol.EXTENDED,
                shownText, parameters, verdict, ruleId, summary == null ? null : summary.ruleName(),
                summary == null ? List.of() : summary.tables(), summary == null ? List.of() : summary.verbs(), false));
    }

    @Override
    public void columns(long sequence, BackendMessage.RowDescription columns) {
        startResult(sequence, columns);
    }

    private void startResult(long sequence, BackendMessage.RowDescription columns) {
        if (recording == null) {
            return;
        }
        if (result != null && resultSequence != sequence) {
            result.suspended();
        }
        resultSequence = sequence;
        List<FramePayload.Column> recorded = new ArrayList<>();
        if (columns != null) {
            for (BackendMessage.Field f : columns.fields()) {
                recorded.add(new FramePayload.Column(f.name(), services.typeName(f.typeOid())));
            }
        }
        result = recording.result().columns(recorded);
    }

    @Override
    public void row(long sequence, BackendMessage.RowDescription columns, ByteBuf dataRow) {
        if (recording == null) {
            return;
        }
        if (result == null || resultSequence != sequence) {
            startResult(sequence, columns);
        }
        if (result.capped()) {
            result.row(List.of());
            return;
        }
        result.row(values(columns, dataRow));
    }

    /** A DataRow's values as text: text-format values as sent, binary ones rendered by type. */
    static List<String> values(BackendMessage.RowDescription columns, ByteBuf row) {
        int index = row.readerIndex() + 5;
        int count = row.getUnsignedShort(index);
        index += 2;
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = row.getInt(index);
            index += 4;
            if (length < 0) {
                values.add(null);
                continue;
            }
            BackendMessage.Field field = columns != null && i < columns.fields().size() ? columns.fields().get(i) : null;
            if (field == null || field.format() == 0) {
                values.add(row.toString(index, length, StandardCharsets.UTF_8));
            } else {
                byte[] bytes = new byte[length];
                row.getBytes(index, bytes);
                values.add(BinaryValues.render(field.typeOid(), bytes));
            }
            index += length;
        }
        return values;
    }

    @Override
    public void completed(long sequence, String commandTag) {
        if (commandTag.startsWith("CREATE") || commandTag.startsWith("ALTER") || commandTag.startsWith("DROP")) {
            catalog.invalidate();
        }
        if (recording == null) {
            return;
        }
        if (copySequence == sequence && copyBytes > 0) {
            long rows = 0;
            if (commandTag.startsWith("COPY ")) {
                try {
                    rows = Long.parseLong(commandTag.substring(5).trim());
                } catch (NumberFormatException ignored) {
                    rows = -1;
                }
            }
            recording.copy(copyIn ? FramePayload.CopyDirection.IN : FramePayload.CopyDirection.OUT, copyBytes, rows);
            copyBytes = 0;
            copySequence = -1;
        }
        if (result == null || resultSequence != sequence) {
            startResult(sequence, null);
        }
        result.complete(commandTag);
        result = null;
        resultSequence = -1;
    }

    @Override
    public void error(long sequence, BackendMessage.ErrorResponse error) {
        if (result != null) {
            result.suspended();
            result = null;
            resultSequence = -1;
        }
        if (recording != null) {
            recording.error(error.severity(), error.sqlState(), error.message());
        }
    }

    @Override
    public void notice(BackendMessage.NoticeResponse notice) {
        if (recording != null) {
            recording.notice(notice.fields().getOrDefault('S', "NOTICE"), notice.fields().getOrDefault('C', ""),
                    notice.fields().getOrDefault('M', ""));
        }
    }

    @Override
    public void copyData(long sequence, boolean fromClient, int bytes) {
        if (copySequence != sequence) {
            copySequence = sequence;
            copyBytes = 0;
        }
        copyIn = fromClient;
        copyBytes += bytes;
    }

    @Override
    public void stateChanged() {
        services.events().changed(session);
    }

    @Override
    public void cancelRequested() {
        ApprovalHandle held = waiting;
        if (held != null && services.approvals() != null) {
            services.approvals().withdraw(held.id(), "the client cancelled the statement");
        }
        if (recording != null) {
            recording.cancel("the client sent a cancel request");
        }
    }

    @Override
    public void ended(String reason) {
        if (services.approvals() != null) {
            services.approvals().withdrawSession(session.id(), "the session ended: " + reason);
        }
        services.events().ended(session, reason);
        if (recording != null) {
            recording.end(endReason(reason), reason);
        }
    }

    private static FramePayload.EndReason endReason(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("client terminated")) {
            return FramePayload.EndReason.CLIENT_TERMINATE;
        }
        if (r.contains("client disconnected") || r.contains("client i/o")) {
            return FramePayload.EndReason.CLIENT_DISCONNECT;
        }
        if (r.contains("token expired")) {
            return FramePayload.EndReason.TOKEN_EXPIRED;
        }
        if (r.contains("administrator")) {
            return FramePayload.EndReason.KILLED;
        }
        if (r.contains("database was lost")) {
            return FramePayload.EndReason.UPSTREAM_CLOSED;
        }
        if (r.contains("shutting down")) {
            return FramePayload.EndReason.ENGINE_SHUTDOWN;
        }
        return FramePayload.EndReason.ERROR;
    }

}
