package dev.bulwark.config;

import dev.bulwark.approval.ApprovalSettings;
import dev.bulwark.auth.AuthConfig;
import dev.bulwark.management.ManagementConfig;
import dev.bulwark.recording.RecordingConfig;
import dev.bulwark.store.StoreConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The engine's configuration: one YAML file, keys in snake_case. Parts owned by other packages
 * (issuers, grants, vault, store, rules, management) are added beside these.
 *
 * @param dataDir where the engine keeps its state (store, keys, socket)
 * @param listeners client listeners
 * @param tls the engine's certificate for client TLS
 * @param limits message sizes and timeouts
 * @param targets the databases the engine fronts
 * @param workerThreads event loop threads (default: 2 x cores)
 * @param auth token issuers and grants
 * @param rules the files that seed the policy and masking rules
 * @param store where recordings, rule versions and approvals are kept (H2 under the data dir by default)
 * @param recording caps and retention of the recording
 * @param management the management socket
 * @param approvals limits of the approval desk
 */
public record EngineConfig(
        Path dataDir,
        List<ListenerConfig> listeners,
        ServerTlsConfig tls,
        LimitsConfig limits,
        List<TargetConfig> targets,
        Integer workerThreads,
        AuthConfig auth,
        RulesConfig rules,
        StoreConfig store,
        RecordingConfig recording,
        ManagementConfig management,
        ApprovalSettings approvals) {

    public EngineConfig {
        dataDir = Objects.requireNonNullElse(dataDir, Path.of("/var/lib/bulwark"));
        listeners = List.copyOf(Objects.requireNonNullElse(listeners, List.of(new ListenerConfig(null, null, null, null))));
        tls = Objects.requireNonNullElse(tls, new ServerTlsConfig(null, null));
        limits = Objects.requireNonNullElse(limits, LimitsConfig.defaults());
        targets = List.copyOf(Objects.requireNonNullElse(targets, List.of()));
        workerThreads = Objects.requireNonNullElse(workerThreads, 2 * Runtime.getRuntime().availableProcessors());
        auth = Objects.requireNonNullElse(auth, AuthConfig.defaults());
        rules = Objects.requireNonNullElse(rules, RulesConfig.none());
        store = Objects.requireNonNullElse(store, StoreConfig.defaults());
        recording = Objects.requireNonNullElse(recording, RecordingConfig.defaults());
        management = Objects.requireNonNullElse(management, ManagementConfig.defaults());
        approvals = Objects.requireNonNullElse(approvals, ApprovalSettings.defaults());
        if (listeners.isEmpty()) {
            throw new ConfigException("listeners", "at least one listener is required");
        }
        if (targets.isEmpty()) {
            throw new ConfigException("targets", "at least one target is required");
        }
        Set<String> names = new HashSet<>();
        for (TargetConfig target : targets) {
            if (!names.add(target.name())) {
                throw new ConfigException("targets[" + target.name() + "]", "duplicate target name");
            }
        }
        for (ListenerConfig listener : listeners) {
            if (listener.tls() == TlsMode.REQUIRED && !tls.configured()) {
                throw new ConfigException("tls", "a listener requires TLS but no certificate is configured");
            }
            if (listener.tls() == TlsMode.OFF && !listener.allowPlaintextLoopback()) {
                throw new ConfigException("listeners[].tls", "off needs allow_plaintext_loopback: true (tokens are never accepted in plaintext from other hosts)");
            }
        }
        if (workerThreads < 1) {
            throw new ConfigException("worker_threads", "must be at least 1");
        }
    }

    public TargetConfig target(String name) {
        for (TargetConfig target : targets) {
            if (target.name().equals(name)) {
                return target;
            }
        }
        return null;
    }
}
