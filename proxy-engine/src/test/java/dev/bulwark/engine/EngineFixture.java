package dev.bulwark.engine;

import dev.bulwark.auth.GrantRule;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.management.EventHub;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.masking.MaskingConfig;
import dev.bulwark.policy.DemoRules;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.recording.Recorder;
import dev.bulwark.recording.RecordingConfig;
import dev.bulwark.session.SessionRegistry;
import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.vault.Vault;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The real parts the management backend is built from, in a temp directory: an H2 store, a recorder,
 * an event hub, the demo rules (policy and masking) loaded through a {@link RuleBook}, a classifier,
 * a vault. Closed in reverse order of opening.
 */
final class EngineFixture implements AutoCloseable {
    static final byte[] TOKEN_KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final TargetConfig SHOP = new TargetConfig("shop", "127.0.0.1", 5432, "shop", "app", "vault:shop-app",
            null, null, null, null);

    final Path dataDir;
    final ExecutorService blocking = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("test-blocking-", 0).factory());
    final JdbcStore store;
    final Recorder recorder;
    final EventHub hub = new EventHub();
    final SessionEvents sessionEvents = new SessionEvents(hub);
    final SessionRegistry registry = new SessionRegistry();
    final StatementClassifier classifier = new StatementClassifier();
    final RuleBook rules;
    final Vault vault;
    final ManagementBackend backend;

    /** With the demo rules read from files, as an engine configured with them starts. */
    EngineFixture(Path dataDir) {
        this(dataDir, Optional.of(resource(dataDir, "/dev/bulwark/policy/" + DemoRules.RESOURCE, "policy.yaml")),
                Optional.of(resource(dataDir, MaskingConfig.DEMO_RESOURCE, "masking.yaml")));
    }

    EngineFixture(Path dataDir, Optional<Path> policyFile, Optional<Path> maskingFile) {
        this.dataDir = dataDir;
        this.store = JdbcStore.open(StoreConfig.defaults(), dataDir);
        this.recorder = Recorder.start(store, dataDir, RecordingConfig.defaults());
        this.rules = RuleBook.load(store, policyFile, maskingFile, TOKEN_KEY, recorder, hub, blocking);
        this.vault = Vault.open(dataDir, Map.of());
        this.backend = backend(vault, List.of(SHOP), List.of());
    }

    /** A backend of these parts with another vault, targets or grants. */
    ManagementBackend backend(Vault otherVault, List<TargetConfig> targets, List<GrantRule> grants) {
        return backend(otherVault, targets, grants, registry);
    }

    /** A backend of these parts over another session registry (a real engine's). */
    ManagementBackend backend(Vault otherVault, List<TargetConfig> targets, List<GrantRule> grants,
            SessionRegistry sessions) {
        return EngineManagementBackend.create(new EngineManagementBackend.Parts(null, Instant.now().minusSeconds(3600),
                dataDir, targets, grants, target -> DemoRules.UNKNOWN_ACTION, sessions, sessionEvents, hub, rules,
                classifier, EngineManagementBackend.NO_APPROVALS, store, recorder, otherVault, blocking));
    }

    /** Copies a classpath resource to a file of the data directory. */
    static Path resource(Path dataDir, String name, String file) {
        try (InputStream in = EngineFixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Path target = dataDir.resolve(file);
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin actions of a kind once at least {@code count} are committed (they are written asynchronously). */
    List<AdminRecord> adminActions(String action, int count) {
        return eventually(() -> store.adminActions(store.nodeId(), action), list -> list.size() >= count);
    }

    static <T> T eventually(Supplier<T> supplier, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T value = supplier.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s; last value: " + value);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = supplier.get();
        }
        return value;
    }

    @Override
    public void close() {
        sessionEvents.close();
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recorder.close();
        store.close();
    }
}
