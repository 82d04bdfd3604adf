package dev.bulwark.engine;

import dev.bulwark.auth.Grants;
import dev.bulwark.auth.TokenVerifier;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.session.ProxyServer;
import dev.bulwark.session.SessionRegistry;
import dev.bulwark.vault.CredentialResolver;
import dev.bulwark.vault.Vault;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.bulwark.config.TargetConfig;
import dev.bulwark.masking.CatalogResolver;
import dev.bulwark.policy.StatementClassifier;
import dev.bulwark.approval.ApprovalEffects;
import dev.bulwark.approval.ApprovalService;
import dev.bulwark.auth.AuthConfig;
import dev.bulwark.auth.IssuerConfig;
import dev.bulwark.management.EventHub;
import dev.bulwark.management.ManagementConfig;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.management.ManagementServer;
import dev.bulwark.management.AuthenticatedOperator;
import dev.bulwark.management.OperatorAuthenticator;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.Recorder;
import dev.bulwark.session.LiveSession;
import dev.bulwark.session.StatementGate;
import dev.bulwark.store.JdbcStore;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running engine: its listeners and everything they share. Built from one {@link EngineConfig};
 * {@link #close()} stops it all.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    static final String MASKING_KEY_FILE = "masking.key";

    private final EngineConfig config;
    private final ExecutorService blocking;
    private final TokenVerifier verifier;
    private final SessionRegistry sessions = new SessionRegistry();
    private final List<ProxyServer> servers = new ArrayList<>();
    private final Map<String, CatalogResolver> catalogs = new HashMap<>();
    /** Write-scope estimators by target and login (the grant's credential, or the service login). */
    private final Map<String, WriteScopeEstimator> writeScopes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.time.Instant startedAt = java.time.Instant.now();
    private JdbcStore store;
    private Recorder recorder;
    private StatementClassifier classifier;
    private Vault vault;
    private CredentialResolver credentials;
    private EngineServices services;
    private EventHub hub;
    private RuleBook ruleBook;
    private SessionEvents sessionEvents;
    private ApprovalService approvals;
    private ManagementServer management;
    private TokenVerifier operatorVerifier;

    private Engine(EngineConfig config) {
        this.config = config;
        // File, JDBC and network work (keys, vault, catalog lookups) that must stay off the event loops.
        this.blocking = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("bulwark-blocking-", 0).factory());
        this.verifier = new TokenVerifier(config.auth(), blocking);
    }

    public static Engine start(EngineConfig config) throws InterruptedException {
        Engine engine = new Engine(config);
        try {
            engine.startParts();
            return engine;
        } catch (RuntimeException | InterruptedException e) {
            engine.close();
            throw e;
        }
    }

    private void startParts() throws InterruptedException {
        try {
            java.nio.file.Files.createDirectories(config.dataDir());
        } catch (java.io.IOException e) {
            throw new ConfigException("data_dir", "cannot create " + config.dataDir() + ": " + e.getMessage());
        }
        vault = Vault.open(config.dataDir(), System.getenv());
        credentials = new CredentialResolver(Optional.of(vault), System.getenv(), blocking);
        TokenGatekeeper gatekeeper = new TokenGatekeeper(config, verifier, new Grants(config.auth().grants()), credentials);
        verifier.preload();

        store = JdbcStore.open(config.store(), config.dataDir());
        recorder = Recorder.start(store, config.dataDir(), config.recording());
        hub = new EventHub();
        try {
            ruleBook = RuleBook.load(store, Optional.ofNullable(config.rules().policyFile()).map(Path::of),
                    Optional.ofNullable(config.rules().maskingFile()).map(Path::of), maskingKey(), recorder, hub, blocking);
        } catch (IllegalStateException e) {
            throw new ConfigException("rules", e.getMessage());
        }
        classifier = new StatementClassifier();
        classifier.warmUp();
        sessionEvents = new SessionEvents(hub);
        approvals = ApprovalService.create(store, blocking, ApprovalEffects.of(hub, recorder), config.approvals());
        approvals.recoverAtStart().join();
        for (TargetConfig target : config.targets()) {
            catalogs.put(target.name(), new CatalogResolver(() -> catalogConnection(target), blocking));
        }
        warnAboutPooledRoles();
        services = new EngineServices(config, classifier, ruleBook, catalogs, config.recording().enabled() ? recorder : null);
        if (!config.recording().enabled()) {
            log.warn("recording.enabled is false: sessions are NOT recorded (admin actions and rule changes still are)");
        }
        services.approvals(approvals);
        Grants grants = new Grants(config.auth().grants());
        services.writeScopes((targetName, identity) -> {
            TargetConfig target = config.target(targetName);
            if (target == null) {
                return null;
            }
            Optional<dev.bulwark.vault.CredentialReference> login;
            try {
                login = grants.authorize(identity, targetName).roleCredential();
            } catch (dev.bulwark.auth.AuthenticationException e) {
                return null;
            }
            // One estimator (its threads and side connections) per target and login, made when first needed.
            return writeScopes.computeIfAbsent(targetName + "\u0000" + login.map(Object::toString).orElse(""),
                    key -> new WriteScopeEstimator(targetName, () -> sideConnection(target, login.orElse(null),
                            "bulwark-write-scope"), target.writeScope()));
        });
        services.events(new SessionEventSink() {
            @Override
            public void started(LiveSession session) {
                sessionEvents.started(session);
            }

            @Override
            public void changed(LiveSession session) {
                sessionEvents.changed(session);
            }

            @Override
            public void statement(LiveSession session, String sql, StatementGate.Decision decision) {
                VerdictAction action = switch (decision) {
                    // Named as the recording names it (LOG when a log rule matched), so live events,
                    // replay frames and the audit export agree.
                    case StatementGate.Decision.Allow a -> a.summary() != null && !a.summary().logged().isEmpty()
                            ? VerdictAction.LOG : VerdictAction.ALLOW;
                    case StatementGate.Decision.Deny d -> VerdictAction.DENY;
                    case StatementGate.Decision.Pending p -> VerdictAction.HOLD;
                };
                String rule = switch (decision) {
                    case StatementGate.Decision.Allow a -> a.summary() == null ? null : a.summary().ruleId();
                    case StatementGate.Decision.Deny d -> d.rule();
                    case StatementGate.Decision.Pending p -> null;
                };
                sessionEvents.statement(session, sql, action, rule);
            }

            @Override
            public void ended(LiveSession session, String reason) {
                sessionEvents.ended(session, sessionEvents.killReason(session.id()).orElse(reason));
            }
        });

        SslContext tls = serverTls();
        for (ListenerConfig listener : config.listeners()) {
            servers.add(ProxyServer.start(listener, config.limits(), tls, gatekeeper, services, sessions, config.workerThreads()));
        }
        ManagementBackend backend = EngineManagementBackend.create(new EngineManagementBackend.Parts(null, startedAt,
                config.dataDir(), config.targets(), config.auth().grants(), services::unknownAction, sessions, sessionEvents, hub,
                ruleBook, classifier, approvals, store, recorder, vault, blocking));
        try {
            management = ManagementServer.start(config.management(), config.dataDir(), backend, hub, operatorAuthenticator());
        } catch (java.io.IOException e) {
            throw new ConfigException("management", "cannot open the management socket: " + e.getMessage());
        }
        log.info("engine started: {} target(s), {} issuer(s), {} policy rule(s), {} masking rule(s); management socket {}",
                config.targets().size(), config.auth().issuers().size(), ruleBook.policy().rules().size(),
                ruleBook.maskingConfig().rules().size(), management.socketPath());
    }

    /**
     * Operators on the TLS listener present a token from the same issuers as clients, for the
     * management audience; their groups give their role (management.tcp.roles) and their reviewer groups.
     */
    private OperatorAuthenticator operatorAuthenticator() {
        ManagementConfig.TcpListener tcp = config.management().tcp();
        if (!tcp.enabled()) {
            return OperatorAuthenticator.REFUSE_ALL;
        }
        List<IssuerConfig> issuers = config.auth().issuers().stream()
                .map(i -> new IssuerConfig(i.issuer(), tcp.audience(), i.jwksUri(), i.jwksFile(), i.algorithms(), i.clockSkewSeconds(),
                        i.subjectClaim(), i.groupsClaim(), i.attributeClaims(), i.refreshIntervalSeconds(), i.keysMaxAgeSeconds(),
                        i.httpTimeoutSeconds()))
                .toList();
        operatorVerifier = new TokenVerifier(new AuthConfig(issuers, List.of(), config.auth().maxTokenBytes()), blocking);
        operatorVerifier.preload();
        TokenVerifier verifier = operatorVerifier;
        // The token's expiry ends the connection's rights; its subject, email and username claims say
        // which person it is (the same keys a client's token gives), for approvals.
        return token -> verifier.verify(token).thenApply(identity -> {
            OperatorRole role = tcp.roles().roleFor(identity.groups()).orElseThrow(() ->
                    new ManagementException(ErrorCode.FORBIDDEN, "no operator role for this identity"));
            return new AuthenticatedOperator(new Operator(identity.subject(), role, identity.sortedGroups()),
                    identity.person(), Optional.of(identity.expiresAt()));
        });
    }

    /** The operator TLS listener's address, when it is on. */
    public Optional<InetSocketAddress> managementTcpAddress() {
        return management.tcpAddress();
    }

    /** The management socket's path. */
    public Optional<Path> managementSocket() {
        return management.socketPath();
    }

    /** The key that makes tokenized values stable: created once (0600) under the data dir. */
    private byte[] maskingKey() {
        Path file = config.dataDir().resolve(MASKING_KEY_FILE);
        try {
            if (!java.nio.file.Files.exists(file)) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                java.nio.file.Files.write(file, key);
            }
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new ConfigException("data_dir", "cannot read or create " + file + ": " + e.getMessage());
        }
    }

    /**
     * For each grant that runs as its role on the target's service login (no credential of its own),
     * warns when that login can become roles the grant's role cannot (see {@link RoleReach}). Off the
     * start path: a target that is down only delays the warning.
     */
    private void warnAboutPooledRoles() {
        for (TargetConfig target : config.targets()) {
            List<dev.bulwark.auth.GrantRule> pooled = config.auth().grants().stream()
                    .filter(g -> g.credential() == null
                            && (g.target().equals(dev.bulwark.auth.GrantRule.ANY_TARGET) || g.target().equals(target.name())))
                    .toList();
            if (pooled.isEmpty()) {
                continue;
            }
            blocking.execute(() -> {
                try (java.sql.Connection connection = catalogConnection(target)) {
                    String login = connection.getMetaData().getUserName();
                    for (dev.bulwark.auth.GrantRule grant : pooled) {
                        RoleReach.warning(target.name(), describe(grant), login, grant.role(),
                                RoleReach.beyond(connection, grant.role())).ifPresent(log::warn);
                    }
                } catch (java.sql.SQLException | RuntimeException e) {
                    log.warn("target {}: cannot check which roles its service login can become: {}", target.name(),
                            e instanceof java.sql.SQLException sql ? "SQLSTATE " + sql.getSQLState() : e.getMessage());
                }
            });
        }
    }

    private static String describe(dev.bulwark.auth.GrantRule grant) {
        return grant.subject() != null ? "subject " + grant.subject()
                : grant.group() != null ? "group " + grant.group() : "claim " + grant.claim() + "=" + grant.value();
    }

    /** A side connection for catalog lookups (masking): the target's service login, no SET ROLE. Blocks. */
    private java.sql.Connection catalogConnection(TargetConfig target) {
        return sideConnection(target, "bulwark-catalog");
    }

    /** A side connection with the target's service login, named for pg_stat_activity. Blocks. */
    private java.sql.Connection sideConnection(TargetConfig target, String applicationName) {
        return sideConnection(target, null, applicationName);
    }

    /** A side connection with the given credential (null: the target's service login). Blocks. */
    private java.sql.Connection sideConnection(TargetConfig target, dev.bulwark.vault.CredentialReference login,
            String applicationName) {
        try {
            var credential = credentials.resolveNow(target.username(), login != null ? login
                    : CredentialResolver.check("targets[" + target.name() + "].credential", target.credential()));
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", credential.user());
            props.setProperty("password", credential.password());
            props.setProperty("sslmode", target.sslmode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            if (target.rootCert() != null) {
                props.setProperty("sslrootcert", target.rootCert());
            }
            props.setProperty("ApplicationName", applicationName);
            props.setProperty("connectTimeout", "10");
            return java.sql.DriverManager.getConnection("jdbc:postgresql://" + target.host() + ":" + target.port() + "/"
                    + target.database(), props);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot open a catalog connection to target " + target.name() + ": " + e.getSQLState());
        }
    }

    private SslContext serverTls() {
        if (!config.tls().configured()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(new File(config.tls().certificate()), new File(config.tls().privateKey())).build();
        } catch (Exception e) {
            throw new ConfigException("tls", "cannot load the certificate or key: " + e.getMessage());
        }
    }

    public EngineConfig config() {
        return config;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** The audit store (blocking JDBC: never from an event loop). */
    public dev.bulwark.store.Store store() {
        return store;
    }

    public Recorder recorder() {
        return recorder;
    }

    public InetSocketAddress address(int listener) {
        return servers.get(listener).address();
    }

    @Override
    public void close() {
        if (management != null) {
            management.close();
        }
        for (ProxyServer server : servers) {
            server.close();
        }
        if (sessionEvents != null) {
            sessionEvents.close();
        }
        if (approvals != null) {
            approvals.close();
        }
        for (CatalogResolver catalog : catalogs.values()) {
            catalog.close();
        }
        for (WriteScopeEstimator estimator : writeScopes.values()) {
            estimator.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (store != null) {
            store.close();
        }
        verifier.close();
        if (operatorVerifier != null) {
            operatorVerifier.close();
        }
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
