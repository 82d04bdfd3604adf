package dev.bulwark.engine;

import dev.bulwark.auth.Grants;
import dev.bulwark.auth.TokenVerifier;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.session.ProxyServer;
import dev.bulwark.session.SessionHooks;
import dev.bulwark.session.SessionRegistry;
import dev.bulwark.vault.CredentialResolver;
import dev.bulwark.vault.Vault;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
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

    private final EngineConfig config;
    private final ExecutorService blocking;
    private final TokenVerifier verifier;
    private final SessionRegistry sessions = new SessionRegistry();
    private final List<ProxyServer> servers = new ArrayList<>();

    private Engine(EngineConfig config) {
        this.config = config;
        // File and network work (keys, vault reads) that must stay off the event loops.
        this.blocking = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("bulwark-blocking-", 0).factory());
        this.verifier = new TokenVerifier(config.auth(), blocking);
    }

    public static Engine start(EngineConfig config) throws InterruptedException {
        Engine engine = new Engine(config);
        try {
            engine.startListeners();
            return engine;
        } catch (RuntimeException | InterruptedException e) {
            engine.close();
            throw e;
        }
    }

    private void startListeners() throws InterruptedException {
        Vault vault = Vault.open(config.dataDir(), System.getenv());
        CredentialResolver credentials = new CredentialResolver(Optional.of(vault), System.getenv(), blocking);
        TokenGatekeeper gatekeeper = new TokenGatekeeper(config, verifier, new Grants(config.auth().grants()), credentials);
        verifier.preload();
        SslContext tls = serverTls();
        for (ListenerConfig listener : config.listeners()) {
            servers.add(ProxyServer.start(listener, config.limits(), tls, gatekeeper, SessionHooks.Factory.ALLOW_ALL, sessions,
                    config.workerThreads()));
        }
        log.info("engine started: {} target(s), {} issuer(s)", config.targets().size(), config.auth().issuers().size());
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

    public InetSocketAddress address(int listener) {
        return servers.get(listener).address();
    }

    @Override
    public void close() {
        for (ProxyServer server : servers) {
            server.close();
        }
        verifier.close();
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
