package dev.bulwark.testing;

import dev.bulwark.recording.AuditMode;
import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.config.SslMode;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.config.TlsMode;
import dev.bulwark.session.ProxyServer;
import dev.bulwark.session.SessionRegistry;
import dev.bulwark.session.SessionHooks;
import dev.bulwark.session.SessionObserver;
import dev.bulwark.session.StatementGate;
import io.netty.handler.ssl.SslContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/** An engine listener on an ephemeral loopback port in front of {@link TestPostgres}. */
public final class TestEngine implements AutoCloseable {
    public final TestPostgres postgres;
    public final TestGatekeeper gatekeeper;
    public final SessionRegistry registry = new SessionRegistry();
    private final ProxyServer server;

    private TestEngine(TestPostgres postgres, TestGatekeeper gatekeeper, LimitsConfig limits,
                       ListenerConfig listener, SslContext tls, SessionHooks.Factory hooks) throws InterruptedException {
        this.postgres = postgres;
        this.gatekeeper = gatekeeper;
        this.server = ProxyServer.start(listener, limits, tls, gatekeeper, hooks, registry, 2);
    }

    public static TestEngine start() throws InterruptedException {
        return start(StatementGate.ALLOW_ALL, LimitsConfig.defaults());
    }

    public static TestEngine start(StatementGate gate, LimitsConfig limits) throws InterruptedException {
        return start(gate, limits, new ListenerConfig("127.0.0.1", 0, TlsMode.OPTIONAL, true), null);
    }

    public static TestEngine start(StatementGate gate, LimitsConfig limits, ListenerConfig listener, SslContext tls)
            throws InterruptedException {
        return start(gate, limits, listener, tls, SessionObserver.Factory.NONE);
    }

    public static TestEngine start(StatementGate gate, SessionObserver.Factory observers) throws InterruptedException {
        return start(gate, LimitsConfig.defaults(), new ListenerConfig("127.0.0.1", 0, TlsMode.OPTIONAL, true), null, observers);
    }

    public static TestEngine start(StatementGate gate, LimitsConfig limits, ListenerConfig listener, SslContext tls,
                                   SessionObserver.Factory observers) throws InterruptedException {
        return start(SessionHooks.Factory.of(gate, observers), limits, listener, tls);
    }

    public static TestEngine start(SessionHooks.Factory hooks, LimitsConfig limits, ListenerConfig listener, SslContext tls)
            throws InterruptedException {
        TestPostgres pg = TestPostgres.get();
        TestGatekeeper gatekeeper = new TestGatekeeper()
                .target(target("shop", TestPostgres.DATABASE, pg.port(), SslMode.PREFER))
                .identity("alice-token", "alice", Instant.now().plus(1, ChronoUnit.HOURS), "analysts")
                .identity("dba-token", "dba", Instant.now().plus(1, ChronoUnit.HOURS), "dba");
        return new TestEngine(pg, gatekeeper, limits, listener, tls, hooks);
    }

    public static TargetConfig target(String name, String database, int port, SslMode sslMode) {
        return new TargetConfig(name, "127.0.0.1", port, database, "unused", "env:UNUSED", sslMode, null, AuditMode.ASYNC, null);
    }

    public int port() {
        return server.address().getPort();
    }

    public String jdbcUrl(String target) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + target + "?sslmode=disable";
    }

    public Connection connect(String token) throws SQLException {
        return connect("shop", token, new Properties());
    }

    public Connection connect(String target, String token, Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", "agent");
        props.setProperty("password", token);
        return DriverManager.getConnection(jdbcUrl(target), props);
    }

    @Override
    public void close() {
        server.close();
    }
}
