package dev.bulwark.engine;

import dev.bulwark.auth.GrantRule;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.management.EventHub;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.policy.UnknownAction;
import dev.bulwark.recording.Recorder;
import dev.bulwark.session.SessionRegistry;
import dev.bulwark.store.Store;
import dev.bulwark.vault.Vault;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Builds the {@link ManagementBackend} the management server calls, from the engine's parts. Each of its
 * seven interfaces is a small class of this package; all of them answer on the management event loop
 * at once, doing whatever blocks (the store, the vault file, classification) on {@link Parts#blocking}.
 */
public final class EngineManagementBackend {
    /** Until the approval service exists: lists nothing, knows no approval. */
    public static final ManagementBackend.ApprovalsBackend NO_APPROVALS = new ManagementBackend.ApprovalsBackend() {
        @Override
        public CompletableFuture<List<ApprovalSummary>> list(Optional<ApprovalState> state) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<ApprovalSummary> decide(String approvalId, Decision decision, String reason,
                dev.bulwark.management.AuthenticatedOperator by) {
            return CompletableFuture.failedFuture(ManagementException.notFound("no approval \"" + approvalId + "\""));
        }
    };

    private EngineManagementBackend() {}

    /**
     * What the backend is made of.
     *
     * @param version the engine's version; null for the jar's Implementation-Version ("dev" when unpackaged)
     * @param startedAt when the engine started
     * @param dataDir the engine's data directory: audit exports go to its {@code exports} directory, the
     *     audit seed key is read from it
     * @param targets the configured targets
     * @param grants the configured grants (for which targets a vault credential serves)
     * @param unknownActions each target's unknown default, for rule tests
     * @param registry the live sessions
     * @param sessionEvents the live sessions' events (recent statements, counters)
     * @param hub the event hub
     * @param rules the rules
     * @param classifier the engine's statement classifier (shared, it caches)
     * @param approvals the approval service's backend, or {@link #NO_APPROVALS}
     * @param store the audit store
     * @param recorder the recorder (health, counters, admin actions)
     * @param vault the credential vault (names only are read)
     * @param blocking where store, file and parsing work runs
     */
    public record Parts(
            String version,
            Instant startedAt,
            Path dataDir,
            List<TargetConfig> targets,
            List<GrantRule> grants,
            Function<String, UnknownAction> unknownActions,
            SessionRegistry registry,
            SessionEvents sessionEvents,
            EventHub hub,
            RuleBook rules,
            StatementClassifier classifier,
            ManagementBackend.ApprovalsBackend approvals,
            Store store,
            Recorder recorder,
            Vault vault,
            Executor blocking) {

        public Parts {
            version = version == null || version.isBlank() ? implementationVersion() : version;
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(dataDir, "dataDir is null");
            targets = List.copyOf(requireNonNull(targets, "targets is null"));
            grants = List.copyOf(requireNonNull(grants, "grants is null"));
            requireNonNull(unknownActions, "unknownActions is null");
            requireNonNull(registry, "registry is null");
            requireNonNull(sessionEvents, "sessionEvents is null");
            requireNonNull(hub, "hub is null");
            requireNonNull(rules, "rules is null");
            requireNonNull(classifier, "classifier is null");
            requireNonNull(approvals, "approvals is null");
            requireNonNull(store, "store is null");
            requireNonNull(recorder, "recorder is null");
            requireNonNull(vault, "vault is null");
            requireNonNull(blocking, "blocking is null");
        }

        Optional<TargetConfig> target(String name) {
            return targets.stream().filter(target -> target.name().equals(name)).findFirst();
        }
    }

    public static ManagementBackend create(Parts parts) {
        requireNonNull(parts, "parts is null");
        return new ManagementBackend(
                new EngineStatusBackend(parts),
                new LiveSessionsBackend(parts),
                new RuleBookBackend(parts),
                parts.approvals(),
                new StoreRecordingsBackend(parts),
                new ChainAuditBackend(parts),
                new VaultEntriesBackend(parts));
    }

    /** The jar manifest's Implementation-Version, or {@code dev} when running from classes. */
    public static String implementationVersion() {
        String version = EngineManagementBackend.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
