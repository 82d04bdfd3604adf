package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.demo.DemoDatabase;
import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 class 6 through the demo: each grant logs in as its own role, so PostgreSQL itself refuses a
 * role change that a policy rule lets through; a data directory of an older demo (pooled service login
 * a member of every role) is upgraded on start.
 */
class DemoLeastPrivilegeIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;

    @BeforeAll
    static void start() throws Exception {
        olderDemo();
        // The demo's rules, plus one ahead of them that lets ci-agent change its role: the database must refuse.
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        String demoRules;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/dev/bulwark/policy/demo-rules.yaml")) {
            demoRules = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String extra = """
                rules:
                  - id: ci-may-change-role
                    name: (test) ci-agent may change its role
                    match: {subjects: [ci-agent], verbs: [SET_ROLE, SELECT]}
                    action: ALLOW
                """;
        Files.writeString(rules.resolve("policy.yaml"), demoRules.replaceFirst("(?m)^rules:\\s*$", extra.strip()));
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
    }

    /** The layout an older demo left: roles NOLOGIN, the service login a member of all three, only its password vaulted. */
    private static void olderDemo() throws Exception {
        try (DemoDatabase old = DemoDatabase.start(dir, Map.of())) {
            try (Connection admin = old.adminConnection(); Statement s = admin.createStatement()) {
                for (String role : DemoDatabase.ROLES) {
                    s.execute("ALTER ROLE " + role + " NOLOGIN PASSWORD NULL");
                }
                s.execute("GRANT " + String.join(", ", DemoDatabase.ROLES) + " TO " + DemoDatabase.SERVICE_USER);
            }
            Vault.openForWriting(dir, System.getenv()).put("shop", new Credential(DemoDatabase.SERVICE_USER, old.servicePassword()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    static Connection connect(String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void eachGrantLogsInAsItsOwnRole() throws Exception {
        for (Map.Entry<String, String> user : Map.of("alice", "shop_analyst", "ci-agent", "shop_reader", "dba", "shop_owner").entrySet()) {
            try (Connection c = connect(user.getKey()); Statement s = c.createStatement()) {
                assertEquals(user.getValue() + "|" + user.getValue(), scalar(s, "SELECT session_user || '|' || current_user"));
            }
        }
    }

    @Test
    void setRoleShopOwnerAsCiAgentIsAllowedByTheRuleAndRefusedByPostgres() throws Exception {
        try (Connection ci = connect("ci-agent"); Statement s = ci.createStatement()) {
            for (String sql : List.of("SET ROLE shop_owner", "SELECT set_config('role', 'shop_owner', false)",
                    "SET SESSION AUTHORIZATION shop_owner")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql);
                assertTrue(e.getMessage().contains("permission denied to set"), "PostgreSQL's refusal, not the gateway's: "
                        + e.getMessage());
                assertEquals("shop_reader", scalar(s, "SELECT current_user"), sql);
            }
            s.execute("RESET ROLE");
            assertEquals("shop_reader", scalar(s, "SELECT current_user"));
        }
    }

    @Test
    void theOlderDemosRolesAreUpgraded() throws Exception {
        try (Connection admin = demo.database().adminConnection(); Statement s = admin.createStatement()) {
            assertEquals("0", scalar(s, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                    + " WHERE r.rolname = '" + DemoDatabase.SERVICE_USER + "'"), "the service login is a member of nothing");
            assertEquals("3", scalar(s, "SELECT count(*) FROM pg_roles WHERE rolcanlogin AND rolname IN ('shop_owner', 'shop_analyst', 'shop_reader')"));
        }
        Vault vault = Vault.open(dir, System.getenv());
        for (String role : DemoDatabase.ROLES) {
            assertEquals(role, vault.credential("shop-" + role).user());
        }
    }

    @Test
    void maskingStillFindsItsColumnsThroughTheLeastPrivilegedServiceLogin() throws Exception {
        try (Connection alice = connect("alice"); Statement s = alice.createStatement()) {
            assertTrue(scalar(s, "SELECT card_number FROM customers WHERE id = 1").matches("\\*{12}\\d{4}"));
        }
    }

    @Test
    void noPasswordIsInTheConfigOrTheInstructions() throws Exception {
        String config = Files.readString(dir.resolve("bulwark.yaml"));
        String vaultFile = Files.readString(dir.resolve("vault.json"));
        for (String login : DemoDatabase.logins()) {
            String password = demo.database().password(login);
            assertFalse(config.contains(password), login);
            assertFalse(vaultFile.contains(password), login);
            assertFalse(demo.instructions().contains(password), login);
        }
        assertTrue(config.contains("credential: vault:shop-shop_reader"), config);
    }
}
