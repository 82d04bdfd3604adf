package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.DemoCommand;
import dev.bulwark.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14 class 5, through the demo as its users meet it: alice's customers columns are masked with
 * {@code access: masked_only}, so a statement that computes on them (and could carry a clear value past
 * the output detectors, into what she sees and into the recording) is refused with 42501 naming the
 * column and the rule, in the simple and the extended protocol; plain selects, count and IS NULL still
 * work and are masked; dba is not limited.
 */
class DemoMaskedOnlyIT {
    @TempDir
    static Path dir;
    private static DemoCommand.RunningDemo demo;
    private static JsonNode demoJson;

    /** A refused statement and what its refusal must name. */
    record Refused(String sql, String column, String rule) {}

    static final List<Refused> REFUSED = List.of(
            // the issue's examples
            new Refused("SELECT replace(email, '@', ' at ') FROM customers WHERE id = 1", "customers.email", "customers-email"),
            new Refused("SELECT encode(convert_to(email, 'UTF8'), 'hex') FROM customers WHERE id = 1", "customers.email", "customers-email"),
            new Refused("SELECT card_number::numeric + 1 FROM customers WHERE id = 1", "customers.card_number", "customers-card"),
            new Refused("SELECT substr(card_number, 1, 8), substr(card_number, 9) FROM customers WHERE id = 1",
                    "customers.card_number", "customers-card"),
            new Refused("SELECT replace(ssn, '-', '')::boolean FROM customers WHERE id = 1", "customers.ssn", "customers-ssn"),
            new Refused("SELECT id FROM customers WHERE card_number LIKE '4927%'", "customers.card_number", "customers-card"),
            new Refused("SELECT count(*) FROM customers WHERE card_number LIKE '4%'", "customers.card_number", "customers-card"),
            // variants
            new Refused("SELECT email || '' FROM customers", "customers.email", "customers-email"),
            new Refused("SELECT lower(email) FROM customers WHERE id = 1", "customers.email", "customers-email"),
            new Refused("SELECT CASE WHEN phone LIKE '+1%' THEN 1 ELSE 0 END FROM customers", "customers.phone", "customers-phone"),
            new Refused("SELECT id FROM customers WHERE email = 'x@example.com'", "customers.email", "customers-email"),
            new Refused("SELECT a.id FROM customers a JOIN customers b ON a.email = b.email", "customers.email", "customers-email"),
            new Refused("SELECT ssn, count(*) FROM customers GROUP BY ssn", "customers.ssn", "customers-ssn"),
            new Refused("SELECT id FROM customers ORDER BY card_number LIMIT 1", "customers.card_number", "customers-card"),
            new Refused("SELECT email AS e FROM customers ORDER BY e LIMIT 1", "customers.email", "customers-email"),
            new Refused("SELECT DISTINCT ON (email) id FROM customers", "customers.email", "customers-email"),
            new Refused("SELECT DISTINCT phone FROM customers", "customers.phone", "customers-phone"),
            new Refused("SELECT string_agg(email, ',') FROM customers", "customers.email", "customers-email"),
            new Refused("SELECT min(card_number) FROM customers", "customers.card_number", "customers-card"),
            new Refused("SELECT max(ssn) FROM customers", "customers.ssn", "customers-ssn"),
            new Refused("SELECT id, rank() OVER (ORDER BY card_number) FROM customers", "customers.card_number", "customers-card"),
            new Refused("SELECT (SELECT email FROM customers WHERE id = 1)", "customers.email", "customers-email"),
            new Refused("SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE ssn LIKE '1%')",
                    "customers.ssn", "customers-ssn"),
            new Refused("WITH x AS (SELECT email AS e FROM customers) SELECT replace(e, '@', '') FROM x", "customers.email",
                    "customers-email"),
            new Refused("SELECT * FROM (SELECT lower(email) AS l FROM customers) s", "customers.email", "customers-email"),
            new Refused("SELECT s.n FROM (SELECT card_number AS n FROM customers) s WHERE s.n > '4'", "customers.card_number",
                    "customers-card"),
            new Refused("SELECT id FROM masked_only_view WHERE contact LIKE 'a%'", "customers.email", "customers-email"),
            // a view expression may read any column the view reads (the catalog cannot tell which): a customers rule
            new Refused("SELECT upper(card_up) FROM masked_only_view", "masked_only_view.card_up", "customers-"),
            new Refused("SELECT email FROM customers UNION SELECT 'x'", "customers.email", "customers-email"),
            new Refused("INSERT INTO orders (customer_id, amount, status, placed_at) SELECT id, 1, email, now() FROM customers"
                    + " WHERE id = 1", "customers.email", "customers-email"),
            new Refused("UPDATE customers SET city = city WHERE id = 1 RETURNING email", "customers.email", "customers-email"),
            new Refused("UPDATE customers SET city = email WHERE id = 1", "customers.email", "customers-email"),
            new Refused("DELETE FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE email LIKE 'zz%')",
                    "customers.email", "customers-email"),
            new Refused("SELECT to_json(c) FROM customers c", "customers", "customers-"),
            new Refused("SELECT c::text FROM customers c WHERE id = 1", "customers", "customers-"),
            new Refused("SELECT row(c.*) FROM customers c WHERE id = 1", "customers", "customers-"),
            new Refused("SELECT (c).email FROM customers c WHERE id = 1", "customers", "customers-"),
            new Refused("SELECT attname, histogram_bounds FROM pg_stats WHERE tablename = 'customers'", "pg_stats",
                    "customers-"),
            new Refused("EXPLAIN ANALYZE SELECT 1 FROM customers WHERE card_number LIKE '4927%'", "customers.card_number",
                    "customers-card"));

    @BeforeAll
    static void start() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data", dir.toString());
        demo = command.start();
        demoJson = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
        try (Connection dba = connect("dba", "simple"); Statement s = dba.createStatement()) {
            // A view made by dba: its columns are traced to customers' in the catalog.
            s.execute("CREATE VIEW masked_only_view AS SELECT id, email AS contact, upper(card_number) AS card_up FROM customers");
            s.execute("GRANT SELECT ON masked_only_view TO shop_analyst, shop_reader");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    static Connection connect(String user, String mode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", demoJson.path("users").path(user).asText());
        p.setProperty("sslmode", "require");
        p.setProperty("preferQueryMode", mode);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.port() + "/shop", p);
    }

    @TestFactory
    List<DynamicTest> aliceIsRefusedEveryComputationOnAMaskedColumn() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String mode : List.of("simple", "extended")) {
            for (Refused refused : REFUSED) {
                tests.add(DynamicTest.dynamicTest(mode + ": " + refused.sql(), () -> {
                    try (Connection alice = connect("alice", mode); Statement s = alice.createStatement()) {
                        SQLException e = assertThrows(SQLException.class, () -> s.execute(refused.sql()));
                        assertEquals("42501", e.getSQLState(), e.getMessage());
                        assertTrue(e.getMessage().contains(refused.column()), e.getMessage());
                        assertTrue(e.getMessage().contains(refused.rule()), e.getMessage());
                        assertTrue(e.getMessage().contains("masked_only"), e.getMessage());
                        // the session goes on
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
                            rs.next();
                            assertTrue(rs.getLong(1) >= 5000);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void plainSelectsCountAndNullTestsStillWorkAndAreMasked() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (Connection alice = connect("alice", mode); Statement s = alice.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT email, card_number FROM customers WHERE id = 1")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getString(1).startsWith("***@"), rs.getString(1));
                    assertTrue(rs.getString(2).matches("\\*{12}\\d{4}"), rs.getString(2));
                }
                try (ResultSet rs = s.executeQuery("SELECT * FROM customers WHERE id = 2")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getString("email").startsWith("***@"), rs.getString("email"));
                }
                try (ResultSet rs = s.executeQuery("SELECT count(email), count(*) FROM customers")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getLong(1) >= 5000);
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM customers WHERE email IS NULL OR phone IS NOT NULL")) {
                    assertTrue(rs.next());
                }
                try (ResultSet rs = s.executeQuery("WITH x AS (SELECT id, email AS e FROM customers) SELECT e FROM x WHERE id = 3")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getString(1).startsWith("***@"), rs.getString(1));
                }
                try (ResultSet rs = s.executeQuery("SELECT contact, card_up FROM masked_only_view WHERE id = 1")) {
                    assertTrue(rs.next());
                    assertTrue(rs.getString(1).startsWith("***@"), rs.getString(1));
                    assertFalse(rs.getString(2).matches("\\d{16}"), rs.getString(2));
                }
                // Other tables are looked up in the catalog (off the event loop) and pass.
                try (ResultSet rs = s.executeQuery("SELECT sum(amount), max(status) FROM orders WHERE status <> 'x' AND amount > 0")) {
                    assertTrue(rs.next());
                }
                try (ResultSet rs = s.executeQuery("SELECT c.id, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id"
                        + " WHERE c.id < 5 ORDER BY c.id, o.amount")) {
                    assertTrue(rs.next());
                }
                assertEquals(1, s.executeUpdate("UPDATE orders SET amount = amount WHERE id = 1"));
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"simple", "extended"})
    void aStatementThatWaitsForTheCatalogAndThenForApprovalIsHeldAsBefore(String mode) throws Exception {
        String table = "ledger_" + mode;
        try (Connection dba = connect("dba", "simple"); Statement s = dba.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int, amount int)");
            s.execute("INSERT INTO " + table + " VALUES (1, 10)");
            s.execute("GRANT SELECT, UPDATE ON " + table + " TO shop_analyst");
        }
        try (Connection alice = connect("alice", mode); Statement s = alice.createStatement()) {
            // The table is not in the catalog cache (new, and DDL cleared it): the check waits for the
            // catalog, then the unfiltered UPDATE waits for a dba (in the simple protocol one wait leads
            // to the other); the client's cancel withdraws it.
            java.util.concurrent.CompletableFuture<Void> cancel = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1500);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SQLException e = assertThrows(SQLException.class, () -> s.execute("UPDATE " + table + " SET amount = amount + 1"));
            cancel.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("57014", e.getSQLState(), e.getMessage());
            java.sql.SQLWarning notice = s.getWarnings();
            assertTrue(notice != null && notice.getMessage().contains("held for approval"), String.valueOf(notice));
            try (ResultSet rs = s.executeQuery("SELECT amount FROM " + table)) {
                assertTrue(rs.next());
                assertEquals(10, rs.getInt(1), "nothing was updated");
            }
        }
    }

    @Test
    void dbaIsNotLimited() throws Exception {
        try (Connection dba = connect("dba", "extended"); Statement s = dba.createStatement()) {
            for (String sql : List.of("SELECT replace(email, '@', ' at ') FROM customers WHERE id = 1",
                    "SELECT card_number::numeric + 1 FROM customers WHERE id = 1",
                    "SELECT id FROM customers WHERE card_number LIKE '4%' LIMIT 1",
                    "SELECT to_json(c) FROM customers c WHERE id = 1")) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    assertTrue(rs.next(), sql);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT replace(email, '@', ' at ') FROM customers WHERE id = 1")) {
                rs.next();
                assertTrue(rs.getString(1).contains(" at "), rs.getString(1));
            }
        }
    }

    @Test
    void psqlAsAliceGetsTheRefusalNamingColumnAndRule() throws Exception {
        Path psql = Cli.find("psql").orElse(null);
        assumeTrue(psql != null, "psql is not installed");
        Cli.Result r = Cli.run(Map.of("PGPASSWORD", demoJson.path("users").path("alice").asText(), "PGSSLMODE", "require"), null, 60,
                psql.toString(), "-X", "-h", "127.0.0.1", "-p", String.valueOf(demo.port()), "-U", "alice", "-d", "shop",
                "-c", "SELECT replace(email, '@', ' at ') FROM customers WHERE id = 1", "-At",
                "-c", "SELECT email FROM customers WHERE id = 1");
        assertTrue(r.stderr().contains("ERROR:  statement refused: column customers.email is masked for you by rule \"customers-email\""),
                r.stderr());
        assertFalse(r.stdout().contains(" at "), r.stdout());
        assertTrue(r.stdout().strip().startsWith("***@"), r.stdout());
    }
}
