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
import dev.bulwark.policy.RuleSet;
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
import dev.bulwark.session.NameEffect;
import dev.bulwark.session.SessionHooks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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
    private final SessionMasking masking;
    /**
     * What the recording masks on top of {@link #masking} (rules this reader is exempt from that keep
     * recordings masked); null when there is none. Never applied to what the client receives.
     */
    private final SessionMasking recordMasking;
    private final CatalogResolver catalog;
    private final SessionRecording recording;
    private final SessionWriteScope writeScope;

    private CopyDecision.Mask nextCopyMask;
    private long resultSequence = -1;
    private ResultRecorder result;
    /** The current result's masker for the record ({@link #recordMasking}), NONE when nothing is masked for it. */
    private RowMasker recordMasker = RowMasker.NONE;
    /** The current result's recorded columns, flagged where a recorded value was masked for the record. */
    private List<FramePayload.Column> recordedColumns = List.of();
    private long copySequence = -1;
    private long copyBytes;
    private boolean copyIn;

    /**
     * What policy made of a statement the session keeps (a Parse, a PREPARE's body): the session holds it
     * with the statement, under the name the server confirmed, and hands it back at each Execute.
     *
     * @param query what was judged; for a statement that reads names, as parsed (resolved again at each Execute)
     * @param effects what running it changes among the session's names
     * @param readsNames it runs EXECUTE or FETCH: judged again, at each Execute, by what the names hold then
     * @param ifUnfiltered the verdict its writes would get without their WHERE, when that differs from
     *        {@code verdict}: each Execute then estimates their scope ({@link SessionWriteScope}); else null
     */
    private record Judged(Verdict verdict, Summary summary, QueryClassification query, List<NameEffect> effects,
                          boolean readsNames, Verdict ifUnfiltered) implements Judgement {
        Judged {
            effects = List.copyOf(effects);
        }
    }

    /** The statement waiting for approval, if any. */
    private ApprovalHandle waiting;
    /**
     * The refusal a held statement ended in (denied, expired, withdrawn): its statement frame was written
     * as HOLD when it was held, and the approval frames tell the rest, so it is not recorded again.
     */
    private volatile Decision.Deny heldAndRecorded;

    EngineSession(EngineServices services, LiveSession session) {
        this.services = services;
        this.session = session;
        this.identity = session.identity().orElseThrow();
        this.target = session.target();
        this.fixedRole = session.fixedRole();
        this.unknownAction = services.unknownAction(target);
        this.masking = services.rules().masking().forSession(identity, target);
        SessionMasking forRecord = services.rules().masking().forRecording(identity, target);
        this.recordMasking = forRecord.masksNothing() ? null : forRecord;
        this.catalog = services.catalog(target);
        this.recording = services.openRecording(session);
        // A pooled login plans as the grant's role (SET LOCAL ROLE); a session that logs in as its own role plans
        // on a side connection with that same login, as itself.
        this.writeScope = new SessionWriteScope(services.writeScope(target, identity), fixedRole ? session.role().orElse("") : "");
    }

    // ------------------------------------------------------------------ policy

    @Override
    public Decision check(SessionInfo info, Statement statement) {
        return switch (statement.protocol()) {
            case SIMPLE -> {
                QueryClassification classified = services.classifier().classify(statement.sql());
                if (!SessionPolicyState.readsNames(classified)) {
                    yield judge(classified, statement, List.of()); // the common case: nothing to resolve
                }
                yield judge(SessionPolicyState.resolve(classified, policyNames(statement.names())), statement,
                        executes(classified, statement.names()));
            }
            case PARSE -> {
                QueryClassification parsed = services.classifier().classifyParse(statement.sql());
                if (parsed.singleStatementRequired() && parsed.size() > 1) {
                    // A protocol rule, not a policy decision: answered as PostgreSQL answers it.
                    yield new Decision.Deny(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement",
                            null);
                }
                yield judgeParse(parsed, statement);
            }
            case EXECUTE -> {
                if (!(statement.prepared() instanceof Judged judged)) {
                    yield new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, "statement not run: the gateway has no verdict for it", null);
                }
                if (judged.readsNames()) {
                    // EXECUTE or FETCH inside: what runs depends on what the names hold now, not at Parse.
                    yield judge(SessionPolicyState.resolve(judged.query(), policyNames(statement.names())), statement,
                            executes(judged.query(), statement.names()));
                }
                if (judged.ifUnfiltered() != null) {
                    // A filtered write whose verdict depends on its scope: estimated with this Execute's bind values.
                    yield writeScope.decide(judged.query(), statement, judged.verdict(), judged.ifUnfiltered(),
                            chosen -> toDecision(chosen, summarize(judged.query(), chosen, List.of()), statement, judged.query(), null));
                }
                yield toDecision(judged.verdict(), judged.summary(), statement, judged.query(), null);
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

    /** Why a statement sets a client_encoding the engine cannot read, if it does (also inside a PREPARE). */
    private static Optional<String> unreadableEncoding(QueryClassification query) {
        for (dev.bulwark.policy.StatementClassification statement : query.statements()) {
            List<dev.bulwark.policy.StatementClassification> parts = new java.util.ArrayList<>(List.of(statement));
            statement.prepared().ifPresent(prepared -> parts.add(prepared.body()));
            for (dev.bulwark.policy.StatementClassification part : parts) {
                for (dev.bulwark.policy.Operation operation : part.operations()) {
                    if (operation.verb() == dev.bulwark.policy.Verb.UNREADABLE_CLIENT_ENCODING) {
                        return Optional.of(operation.detail());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A statement that runs now (a Query, or an Execute judged again): its verdict, and what it changes among the names. */
    private Decision judge(QueryClassification query, Statement statement, List<Executed> executes) {
        Summary summary = summarize(query, null, executes);
        Optional<String> unreadable = unreadableEncoding(query);
        if (unreadable.isPresent()) {
            // Not a policy decision: after it the engine could not read this session's text as the server does.
            return new Decision.Deny(SqlState.FEATURE_NOT_SUPPORTED, "statement refused: " + unreadable.get(), null, summary);
        }
        if (fixedRole && changesRole(query)) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    "statement denied: the gateway sets this session's role from its grant, it cannot be changed",
                    FIXED_ROLE_RULE, summary);
        }
        String unknown = unresolvedExecute(query);
        if (unknown != null) {
            // PostgreSQL would run whatever it holds under the name: the gateway does not run what it cannot see.
            return new Decision.Deny(UNKNOWN_STATEMENT, "statement refused: prepared statement \"" + unknown
                    + "\" is not known to the gateway", null, summary);
        }
        RuleSet rules = services.rules().policy();
        Verdict verdict = PolicyEngine.decide(query, identity, target, rules, unknownAction);
        return withAccess(query, verdict, summarize(query, verdict, executes), () -> {
            // A filtered write that would be judged differently without its WHERE is estimated (WriteScope).
            Optional<Verdict> ifUnfiltered = writeScope.ifUnfiltered(query, verdict,
                    q -> PolicyEngine.decide(q, identity, target, rules, unknownAction));
            if (ifUnfiltered.isPresent()) {
                return writeScope.decide(query, statement, verdict, ifUnfiltered.get(), chosen -> run(chosen, query, statement, executes));
            }
            return run(verdict, query, statement, executes);
        });
    }

    /**
     * access: masked_only: a statement that computes on a column masked for this identity is refused before
     * it runs; otherwise {@code then} decides. When the catalog must be asked first (views, unqualified
     * names), the decision is pending until it answers.
     */
    private Decision withAccess(QueryClassification query, Verdict verdict, Summary summary, Supplier<Decision> then) {
        if (verdict instanceof Verdict.Deny || !masking.limitsAccess()) {
            return then.get();
        }
        return switch (checkAccess(query, Map.of(), false)) {
            case MaskedAccess.Refused refused -> refuseAccess(refused, summary);
            case MaskedAccess.NeedsCatalog needs -> new Decision.Pending(catalog.resolveRelationsNamed(needs.relations())
                    .thenApply(found -> checkAccess(query, found, true) instanceof MaskedAccess.Refused refused
                            ? refuseAccess(refused, summary)
                            : then.get()), List.of());
            case MaskedAccess.Allowed allowed -> then.get();
        };
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

    private static Decision refuseAccess(MaskedAccess.Refused refused, Summary summary) {
        return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, refused.message(), refused.ruleId(), summary);
    }

    /** The decision for a verdict on a statement that runs now. */
    private Decision run(Verdict verdict, QueryClassification query, Statement statement, List<Executed> executes) {
        Summary summary = summarize(query, verdict, executes);
        Judged judged = new Judged(verdict, summary, query, effects(query), false, null);
        Decision decision = toDecision(verdict, summary, statement, query, judged);
        if (decision instanceof Decision.Allow) {
            return checkCopyOut(query, statement.sql(), summary, decision);
        }
        return decision;
    }

    /** A Parse runs nothing: Allow and Hold wait for the Execute, with what was judged now. */
    private Decision judgeParse(QueryClassification parsed, Statement statement) {
        boolean readsNames = SessionPolicyState.readsNames(parsed);
        QueryClassification query = readsNames ? SessionPolicyState.resolve(parsed, policyNames(statement.names())) : parsed;
        Summary summary = summarize(query, null, List.of());
        Optional<String> unreadable = unreadableEncoding(query);
        if (unreadable.isPresent()) {
            return new Decision.Deny(SqlState.FEATURE_NOT_SUPPORTED, "statement refused: " + unreadable.get(), null, summary);
        }
        if (fixedRole && changesRole(query)) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    "statement denied: the gateway sets this session's role from its grant, it cannot be changed",
                    FIXED_ROLE_RULE, summary);
        }
        if (readsNames && unresolvedExecute(query) != null) {
            // The name may be prepared before the Execute: judged then.
            return new Decision.Allow(null, summary, new Judged(null, summary, parsed, effects(parsed), true, null));
        }
        RuleSet rules = services.rules().policy();
        Verdict verdict = PolicyEngine.decide(query, identity, target, rules, unknownAction);
        summary = summarize(query, verdict, List.of());
        if (verdict instanceof Verdict.Deny deny) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, deny.message(), ruleId(deny.rule()), summary);
        }
        Summary judgedSummary = summary;
        return withAccess(query, verdict, judgedSummary, () -> {
            // Whether the Executes must estimate the writes' scope (with their bind values): kept with the statement.
            Verdict ifUnfiltered = writeScope.ifUnfiltered(query, verdict,
                    q -> PolicyEngine.decide(q, identity, target, rules, unknownAction)).orElse(null);
            return new Decision.Allow(null, judgedSummary, new Judged(verdict, judgedSummary, readsNames ? parsed : query,
                    effects(parsed), readsNames, ifUnfiltered));
        });
    }

    /** The SQLSTATE PostgreSQL answers for a prepared statement that does not exist. */
    private static final String UNKNOWN_STATEMENT = "26000";

    /** The name of an EXECUTE the session's names did not resolve, or null. */
    private static String unresolvedExecute(QueryClassification query) {
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                if (operation.verb() == Verb.EXECUTE) {
                    return operation.detail();
                }
            }
        }
        return null;
    }

    /** What the query changes among the session's names once the server confirms each statement. */
    private List<NameEffect> effects(QueryClassification query) {
        List<NameEffect> effects = null;
        for (StatementClassification statement : query.statements()) {
            for (SessionPolicyState.NameChange change : SessionPolicyState.changes(statement)) {
                if (effects == null) {
                    effects = new ArrayList<>();
                }
                effects.add(switch (change) {
                    case SessionPolicyState.NameChange.Prepare prepare -> new NameEffect.Prepare(prepare.name(),
                            prepare.body().text(), judgeBody(prepare.body()));
                    case SessionPolicyState.NameChange.Deallocate deallocate -> new NameEffect.Deallocate(deallocate.name());
                    case SessionPolicyState.NameChange.DiscardAll discard -> new NameEffect.DiscardAll();
                    case SessionPolicyState.NameChange.DeclareCursor declare -> new NameEffect.DeclareCursor(declare.name());
                    case SessionPolicyState.NameChange.CloseCursor close -> new NameEffect.CloseCursor(close.name());
                });
            }
        }
        return effects == null ? List.of() : effects;
    }

    /** A PREPARE's body, judged as the statement its Executes (SQL EXECUTE or protocol Bind/Execute) run. */
    private Judged judgeBody(StatementClassification body) {
        QueryClassification query = new QueryClassification(body.text(), List.of(body), true);
        boolean readsNames = SessionPolicyState.readsNames(query);
        RuleSet rules = services.rules().policy();
        Verdict verdict = PolicyEngine.decide(query, identity, target, rules, unknownAction);
        Verdict ifUnfiltered = writeScope.ifUnfiltered(query, verdict,
                q -> PolicyEngine.decide(q, identity, target, rules, unknownAction)).orElse(null);
        return new Judged(verdict, summarize(query, verdict, List.of()), query, List.of(), readsNames, ifUnfiltered);
    }

    /** The session's names as policy reads them: a statement by what was judged when it was prepared. */
    private static SessionPolicyState.Names policyNames(Names names) {
        return new SessionPolicyState.Names() {
            @Override
            public StatementClassification statement(String name) {
                Prepared prepared = names.statement(name);
                return prepared == null ? null : meaning(prepared);
            }

            @Override
            public List<StatementClassification> unexecutedPortals(String name) {
                List<Prepared> portals = names.unexecutedPortals(name);
                List<StatementClassification> meanings = new ArrayList<>(portals.size());
                portals.forEach(prepared -> meanings.add(meaning(prepared)));
                return meanings;
            }
        };
    }

    private static StatementClassification meaning(Prepared prepared) {
        if (prepared.judgement() instanceof Judged judged) {
            StatementClassification union = SessionPolicyState.union(judged.query());
            if (union != null) {
                return union;
            }
        }
        return SessionPolicyState.unknownMeaning(prepared.name());
    }

    /** The prepared statements a query EXECUTEs that the server holds (not those it PREPAREs itself), with their text. */
    private static List<Executed> executes(QueryClassification query, Names names) {
        List<Executed> executes = null;
        Set<String> preparedHere = null;
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                if (operation.verb() != Verb.EXECUTE || preparedHere != null && preparedHere.contains(operation.detail())) {
                    continue;
                }
                Prepared prepared = names.statement(operation.detail());
                if (prepared != null && prepared.judgement() != null) {
                    if (executes == null) {
                        executes = new ArrayList<>(1);
                    }
                    Executed executed = new Executed(operation.detail(), prepared.sql());
                    if (!executes.contains(executed)) {
                        executes.add(executed);
                    }
                }
            }
            if (statement.prepared().isPresent()) {
                if (preparedHere == null) {
                    preparedHere = new java.util.HashSet<>();
                }
                preparedHere.add(statement.prepared().get().name());
            }
        }
        return executes == null ? List.of() : executes;
    }

    private Decision toDecision(Verdict verdict, Summary summary, Statement statement, QueryClassification query, Judged judged) {
        return switch (verdict) {
            case Verdict.Allow allow -> new Decision.Allow(allow.warnings().isEmpty() ? null : String.join("; ", allow.warnings()),
                    summary, judged);
            case Verdict.Deny deny -> new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE, deny.message(), ruleId(deny.rule()), summary);
            case Verdict.Hold hold -> hold(hold, summary, statement, query, judged);
        };
    }

    /**
     * Files an approval request; the session waits (the client has the notice) until it is decided. The
     * reviewer sees what runs (for SQL EXECUTE, the text the name holds), and nothing else of this session
     * runs meanwhile, so the approval is for that text.
     */
    private Decision hold(Verdict.Hold hold, Summary summary, Statement statement, QueryClassification query, Judged judged) {
        ApprovalService approvals = services.approvals();
        String rule = ruleId(hold.rule());
        if (approvals == null) {
            return new Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    hold.message() + ": this statement needs approval, and approvals are not enabled on this engine", rule, summary);
        }
        // Recorded as held now, before the approval's frames: should the client cancel or go away while it
        // waits, this is the statement frame that names it (the outcome's own frame is then not written).
        if (recording != null) {
            recording.statement(statementFrame(statement, FramePayload.Verdict.HOLD, summary, rule));
        }
        ApprovalHandle handle = approvals.request(HeldStatement.of(session.id(), identity, target, session.role().orElse(""),
                summary.shown(statement.sql()), statement.parameters(), hold, HeldStatement.Classification.of(query),
                recording == null ? ApprovalRecording.NONE : ApprovalRecording.of(recording)).withReason(writeScope.reason()));
        waiting = handle;
        CompletableFuture<Decision> outcome = handle.outcome().thenApply(result -> {
            Optional<ClientError> error = handle.clientError(result);
            if (error.isPresent()) {
                Decision.Deny refused = new Decision.Deny(error.get().sqlState(), error.get().message(), rule, summary);
                if (!(result instanceof dev.bulwark.approval.Outcome.Refused)) {
                    heldAndRecorded = refused; // else no request exists: its refusal is recorded as a DENY
                }
                return (Decision) refused;
            }
            return new Decision.Allow(null, summary, judged);
        });
        outcome.whenComplete((d, e) -> waiting = null);
        return new Decision.Pending(outcome, handle.notice().isEmpty() ? List.of() : List.of(handle.notice()));
    }

    /**
     * SET ROLE (and SET role, set_config('role', ...)), SET SESSION AUTHORIZATION and RESET SESSION
     * AUTHORIZATION: each would leave the grant's role for another the pooled login can become. RESET
     * ROLE, RESET ALL and DISCARD ALL are not among them: the grant's role is the session's startup
     * default ({@code role} in the StartupMessage), so resetting comes back to it, not to the login.
     */
    static boolean changesRole(QueryClassification query) {
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                String detail = operation.detail().toLowerCase(Locale.ROOT);
                if (operation.verb() == Verb.SET_ROLE
                        || operation.verb() == Verb.RESET && (detail.equals("session") || detail.equals("session_authorization"))) {
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

    private static Summary summarize(QueryClassification query, Verdict verdict, List<Executed> executes) {
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
            ruleId = RuleRef.ids(verdict.decidedBy());
            ruleName = RuleRef.names(verdict.decidedBy());
            logged = verdict.logged().stream().map(RuleRef::id).toList();
        }
        return new Summary(ruleId, ruleName, logged, tables.stream().distinct().toList(), List.copyOf(verbs), executes);
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
        // For SQL EXECUTE the text shown includes what the prepared statement holds: the recording says what ran.
        Summary shownSummary = switch (decision) {
            case Decision.Allow a -> a.summary();
            case Decision.Deny d -> d.summary();
            case Decision.Pending p -> null;
        };
        services.events().statement(session, shownText(shownSummary == null ? statement.sql() : shownSummary.shown(statement.sql())),
                decision);
        if (recording == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!recording.canRunStatements() && decision instanceof Decision.Allow) {
            return CompletableFuture.failedFuture(new IllegalStateException("the audit store is unavailable"));
        }
        if (decision == heldAndRecorded) {
            heldAndRecorded = null;
            return CompletableFuture.completedFuture(null);
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
        return recording.statement(statementFrame(statement, verdict, summary, decision instanceof Decision.Deny d ? d.rule() : null));
    }

    /**
     * A statement's frame. Personal data typed into the SQL itself (a literal e-mail or card number) and
     * into bind values is masked in what is kept, as in results ({@link #shownText}); the statement runs
     * as sent.
     */
    private FramePayload.Statement statementFrame(Statement statement, FramePayload.Verdict verdict, Summary summary,
                                                  String fallbackRule) {
        String ruleId = summary == null || summary.ruleId() == null ? fallbackRule : summary.ruleId();
        List<String> parameters = new ArrayList<>(statement.parameters().size());
        for (String parameter : statement.parameters()) {
            parameters.add(parameter == null ? null : shownText(parameter));
        }
        return new FramePayload.Statement(
                statement.protocol() == Protocol.SIMPLE ? FramePayload.Protocol.SIMPLE : FramePayload.Protocol.EXTENDED,
                shownText(summary == null ? statement.sql() : summary.shown(statement.sql())), parameters, verdict, ruleId,
                summary == null ? null : summary.ruleName(),
                summary == null ? List.of() : summary.tables(), summary == null ? List.of() : summary.verbs(), false);
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
        recordMasker = columns == null || recordMasking == null ? RowMasker.NONE : recordMasker(columns);
        List<FramePayload.Column> recorded = new ArrayList<>();
        if (columns != null) {
            for (BackendMessage.Field f : columns.fields()) {
                recorded.add(new FramePayload.Column(f.name(), services.typeName(f.typeOid())));
            }
        }
        recordedColumns = recorded;
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
        if (recordMasker.isNone()) {
            result.row(values(columns, dataRow));
            return;
        }
        // Only rows the recording keeps get here (it is capped): the client's row went on untouched.
        ByteBuf masked;
        try {
            masked = recordMasker.apply(dataRow, ByteBufAllocator.DEFAULT);
        } catch (MaskingException e) {
            result.row(List.of()); // nothing of a row that cannot be masked for the record
            return;
        }
        if (masked == dataRow) {
            result.row(values(columns, dataRow));
            return;
        }
        List<String> kept;
        try {
            kept = values(columns, masked);
        } finally {
            masked.release();
        }
        result.row(kept);
        flagMaskedForRecord(values(columns, dataRow), kept);
    }

    /** Marks the columns whose recorded value differs from what the reader saw (once per column and result). */
    private void flagMaskedForRecord(List<String> seen, List<String> kept) {
        List<FramePayload.Column> flagged = null;
        for (int i = 0; i < Math.min(seen.size(), recordedColumns.size()); i++) {
            FramePayload.Column column = recordedColumns.get(i);
            if (!column.maskedForRecord() && !java.util.Objects.equals(seen.get(i), kept.get(i))) {
                if (flagged == null) {
                    flagged = new ArrayList<>(recordedColumns);
                }
                flagged.set(i, new FramePayload.Column(column.name(), column.type(), true));
            }
        }
        if (flagged != null) {
            recordedColumns = List.copyOf(flagged);
            result.columns(recordedColumns);
        }
    }

    /**
     * The masker for the record of one result. Off the client's path, so it never waits: a table the
     * catalog cache does not know yet is masked fail closed in this result's record (every column of it
     * that a rule could name is redacted), and looked up for the next.
     */
    private RowMasker recordMasker(BackendMessage.RowDescription columns) {
        List<ResultColumn> resultColumns = resultColumns(columns);
        Set<Integer> oids = recordMasking.tableOidsToResolve(resultColumns);
        Optional<CatalogSnapshot> known = oids.isEmpty() ? Optional.of(CatalogSnapshot.EMPTY) : catalog.cached(oids);
        if (known.isEmpty()) {
            catalog.resolve(oids);
        }
        return recordMasking.rowMasker(resultColumns, known.orElse(CatalogSnapshot.EMPTY));
    }

    /**
     * SQL text, bind values and messages as kept in the recording and shown to operators: what the
     * session's detectors find is masked (as for the client), and what the rules this reader is exempt
     * from would find, too.
     */
    private String shownText(String text) {
        String shown = masking.masksNothing() ? text : masking.maskNotificationPayload(text);
        return recordMasking == null ? shown : recordMasking.maskNotificationPayload(shown);
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
            recording.error(error.severity(), error.sqlState(), recordMasking == null ? error.message()
                    : recordMasking.maskNotificationPayload(error.message()));
        }
    }

    @Override
    public void notice(BackendMessage.NoticeResponse notice) {
        if (recording != null) {
            String message = notice.fields().getOrDefault('M', "");
            recording.notice(notice.fields().getOrDefault('S', "NOTICE"), notice.fields().getOrDefault('C', ""),
                    recordMasking == null ? message : recordMasking.maskNotificationPayload(message));
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
        cancelRequested("an unknown address", true);
    }

    /**
     * A cancel withdraws a held statement even from another address than the session's client (the
     * key is the protocol's proof, and clients behind NAT or a pool cancel from elsewhere), but never
     * silently: the withdrawal and the recording name where it came from.
     */
    @Override
    public void cancelRequested(String source, boolean fromOwnClient) {
        String who = fromOwnClient ? "the client (" + source + ")" : source + ", not the session's client address";
        ApprovalHandle held = waiting;
        if (held != null && services.approvals() != null) {
            services.approvals().withdraw(held.id(), "cancelled by a cancel request from " + who);
        }
        if (recording != null) {
            recording.cancel("cancel request from " + who);
        }
    }

    @Override
    public void ended(String reason) {
        writeScope.ended();
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
