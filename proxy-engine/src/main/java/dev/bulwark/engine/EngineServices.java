package dev.bulwark.engine;

import dev.bulwark.config.EngineConfig;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.masking.CatalogResolver;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.policy.UnknownAction;
import dev.bulwark.recording.Recorder;
import dev.bulwark.recording.SessionInfo;
import dev.bulwark.recording.SessionRecording;
import dev.bulwark.session.LiveSession;
import dev.bulwark.session.SessionHooks;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** What every session's {@link EngineSession} shares: classifier, live rules, catalogs, recorder, events, approvals. */
final class EngineServices implements SessionHooks.Factory {
    private final EngineConfig config;
    private final StatementClassifier classifier;
    private final LiveRules rules;
    private final Map<String, CatalogResolver> catalogs;
    private final Recorder recorder;
    private volatile SessionEventSink events = SessionEventSink.NONE;
    private volatile dev.bulwark.approval.ApprovalService approvals;
    private volatile java.util.function.BiFunction<String, dev.bulwark.auth.Identity, WriteScopeEstimator> writeScopes =
            (target, identity) -> null;

    EngineServices(EngineConfig config, StatementClassifier classifier, LiveRules rules, Map<String, CatalogResolver> catalogs,
                   Recorder recorder) {
        this.config = requireNonNull(config, "config is null");
        this.classifier = requireNonNull(classifier, "classifier is null");
        this.rules = requireNonNull(rules, "rules is null");
        this.catalogs = Map.copyOf(catalogs);
        this.recorder = recorder;
    }

    @Override
    public SessionHooks open(LiveSession session) {
        EngineSession hooks = new EngineSession(this, session);
        events.started(session);
        return hooks;
    }

    void events(SessionEventSink sink) {
        this.events = requireNonNull(sink, "sink is null");
    }

    void approvals(dev.bulwark.approval.ApprovalService service) {
        this.approvals = service;
    }

    void writeScopes(java.util.function.BiFunction<String, dev.bulwark.auth.Identity, WriteScopeEstimator> estimators) {
        this.writeScopes = requireNonNull(estimators, "estimators is null");
    }

    /**
     * The write-scope estimator for an identity's sessions on a target: it plans on a side connection that
     * logs in as the session does (the grant's own credential, or the service login, which then takes the
     * grant's role); null when there is none (estimates then fail closed).
     */
    WriteScopeEstimator writeScope(String target, dev.bulwark.auth.Identity identity) {
        return writeScopes.apply(target, identity);
    }

    StatementClassifier classifier() {
        return classifier;
    }

    LiveRules rules() {
        return rules;
    }

    SessionEventSink events() {
        return events;
    }

    /** The approval service, or null when approvals are not enabled. */
    dev.bulwark.approval.ApprovalService approvals() {
        return approvals;
    }

    UnknownAction unknownAction(String target) {
        TargetConfig t = config.target(target);
        return t == null ? UnknownAction.DENY : t.unknownAction();
    }

    CatalogResolver catalog(String target) {
        CatalogResolver resolver = catalogs.get(target);
        if (resolver == null) {
            throw new IllegalStateException("no catalog for target " + target);
        }
        return resolver;
    }

    /** The session's recording, or null when the engine records nothing. */
    SessionRecording openRecording(LiveSession session) {
        if (recorder == null) {
            return null;
        }
        TargetConfig target = config.target(session.target());
        return recorder.open(new SessionInfo(session.id(), session.identity().orElseThrow(), session.clientAddress(),
                session.applicationName().orElse(""), session.target(), session.role().orElse(""),
                target == null ? dev.bulwark.recording.AuditMode.STRICT : target.audit()));
    }

    /** A readable name for a column type in the recording (the common built-ins; others by OID). */
    String typeName(int oid) {
        return switch (oid) {
            case 16 -> "bool";
            case 17 -> "bytea";
            case 18 -> "char";
            case 19 -> "name";
            case 20 -> "int8";
            case 21 -> "int2";
            case 23 -> "int4";
            case 25 -> "text";
            case 26 -> "oid";
            case 114 -> "json";
            case 700 -> "float4";
            case 701 -> "float8";
            case 1042 -> "bpchar";
            case 1043 -> "varchar";
            case 1082 -> "date";
            case 1083 -> "time";
            case 1114 -> "timestamp";
            case 1184 -> "timestamptz";
            case 1186 -> "interval";
            case 1700 -> "numeric";
            case 2950 -> "uuid";
            case 3802 -> "jsonb";
            default -> "oid " + oid;
        };
    }
}
