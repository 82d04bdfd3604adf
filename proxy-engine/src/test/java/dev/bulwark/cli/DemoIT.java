package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo, started as `bulwark demo` would, used through demo.json the way a script would. */
class DemoIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;

    @BeforeAll
    static void start() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
    }

    @AfterAll
    static void stop() throws Exception {
        demo.close();
        assertFalse(Files.exists(dir.resolve("demo.json")), "demo.json is removed on stop");
    }

    private static Connection connect(String user, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", dir.resolve("tls/cert.pem").toString());
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + demoJson.path("port").asInt() + "/"
                + demoJson.path("target").asText(), p);
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void demoJsonDescribesTheRunningDemo() {
        assertEquals("127.0.0.1", demoJson.path("host").asText());
        assertEquals("shop", demoJson.path("target").asText());
        assertEquals(3, demoJson.path("users").size());
        assertTrue(demo.instructions().contains("psql \"host=localhost port=" + demo.port()), demo.instructions());
    }

    @Test
    void eachUserGetsTheRoleTheirGrantNames() throws Exception {
        try (Connection alice = connect("alice", "verify-full"); Connection ci = connect("ci-agent", "require");
             Connection dba = connect("dba", "disable")) {
            assertEquals("shop_analyst", scalar(alice, "SELECT current_user"));
            assertEquals("shop_reader", scalar(ci, "SELECT current_user"));
            assertEquals("shop_owner", scalar(dba, "SELECT current_user"));
            assertEquals("5000", scalar(alice, "SELECT count(*) FROM customers"));
            assertTrue(Integer.parseInt(scalar(dba, "SELECT count(*) FROM orders")) >= 20000);
        }
    }

    @Test
    void theUpstreamCredentialIsNowhereAClientOrTheConfigCanSeeIt() throws Exception {
        for (String login : dev.bulwark.demo.DemoDatabase.logins()) {
            String password = demo.database().password(login);
            assertFalse(Files.readString(dir.resolve("bulwark.yaml")).contains(password), login);
            assertFalse(Files.readString(dir.resolve("vault.json")).contains(password), login);
            assertFalse(demo.instructions().contains(password), login);
        }
    }

    @Test
    void aTokenFromTheTokenCommandConnects() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cmd = new CommandLine(new TokenCommand());
        cmd.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cmd.execute("--sub", "alice", "--groups", "analysts", "--data", dir.toString()));
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", out.toString().strip());
        p.setProperty("sslmode", "require");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p)) {
            assertEquals("shop_analyst", scalar(c, "SELECT current_user"));
        }
    }

    @Test
    void anotherIdentityWithoutAGrantIsRefused() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cmd = new CommandLine(new TokenCommand());
        cmd.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cmd.execute("--sub", "mallory", "--groups", "outsiders", "--data", dir.toString()));
        Properties p = new Properties();
        p.setProperty("user", "mallory");
        p.setProperty("password", out.toString().strip());
        p.setProperty("sslmode", "require");
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p));
        assertEquals("28000", e.getSQLState());
        assertTrue(e.getMessage().contains("no grant for target \"shop\""), e.getMessage());
    }
}
