package dev.bulwark.session;

import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.config.TlsMode;
import dev.bulwark.demo.SelfSignedCertificate;
import dev.bulwark.testing.Cli;
import dev.bulwark.testing.TestEngine;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Client TLS on a listener with tls: required, with the certificate the demo generates. */
class ClientTlsIT {
    @TempDir
    static Path dir;
    private static TestEngine engine;
    private static Path cert;

    @BeforeAll
    static void start() throws Exception {
        Path[] files = SelfSignedCertificate.ensure(dir);
        cert = files[0];
        var tls = SslContextBuilder.forServer(files[0].toFile(), files[1].toFile()).build();
        engine = TestEngine.start(StatementGate.ALLOW_ALL, LimitsConfig.defaults(),
                new ListenerConfig("127.0.0.1", 0, TlsMode.REQUIRED, false), tls);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private Connection connect(String sslmode) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "agent");
        p.setProperty("password", "alice-token");
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", cert.toString());
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + engine.port() + "/shop", p);
    }

    @Test
    void pgjdbcVerifiesTheEngineCertificate() throws Exception {
        try (Connection c = connect("verify-full"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
            rs.next();
            assertEquals(100, rs.getInt(1));
        }
    }

    @Test
    void plaintextIsRefusedWhenTlsIsRequired() {
        PSQLException e = assertThrows(PSQLException.class, () -> connect("disable"));
        assertEquals("28000", e.getSQLState());
        assertTrue(e.getMessage().contains("requires TLS"), e.getMessage());
    }

    @Test
    void psqlWithVerifyFull() throws Exception {
        Path psql = Cli.find("psql").orElse(null);
        assumeTrue(psql != null, "psql is not installed");
        Cli.Result r = Cli.run(Map.of("PGPASSWORD", "alice-token", "PGSSLMODE", "verify-full", "PGSSLROOTCERT", cert.toString()),
                null, 30, psql.toString(), "-X", "-At", "-h", "localhost", "-p", String.valueOf(engine.port()), "-U", "alice",
                "-d", "shop", "-c", "SELECT 'tls ok'");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("tls ok", r.stdout().strip());
    }
}
