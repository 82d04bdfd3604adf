package dev.bulwark.engine;

import dev.bulwark.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a pooled login can become beyond a grant's role, read from the real server's pg_auth_members. */
class RoleReachIT {
    private final TestPostgres postgres = TestPostgres.get();

    @BeforeEach
    void roles() throws SQLException {
        try (Connection admin = postgres.adminConnection("postgres"); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE rr_admin NOLOGIN CREATEROLE");
            s.execute("CREATE ROLE rr_mid NOLOGIN");
            s.execute("CREATE ROLE rr_reader NOLOGIN");
            s.execute("GRANT rr_admin TO rr_mid");
            s.execute("GRANT rr_mid TO " + TestPostgres.SCRAM_USER);
            s.execute("GRANT rr_reader TO " + TestPostgres.SCRAM_USER);
        }
    }

    @AfterEach
    void dropRoles() throws SQLException {
        try (Connection admin = postgres.adminConnection("postgres"); Statement s = admin.createStatement()) {
            s.execute("DROP ROLE IF EXISTS rr_mid, rr_admin, rr_reader");
        }
    }

    private Connection login() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", TestPostgres.SCRAM_USER);
        p.setProperty("password", TestPostgres.PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + TestPostgres.DATABASE, p);
    }

    @Test
    void aReaderGrantOnAPooledLoginReachesTheLoginAndEveryRoleThroughIt() throws SQLException {
        try (Connection c = login()) {
            List<RoleReach.Reachable> reach = RoleReach.beyond(c, "rr_reader");
            List<String> names = reach.stream().map(RoleReach.Reachable::role).toList();
            assertEquals(List.of("analyst", TestPostgres.SCRAM_USER, "rr_admin", "rr_mid"), names);
            assertEquals(List.of("createrole"), trait(reach, "rr_admin"), "reached through rr_mid");
            assertEquals(List.of("other grants"), trait(reach, "rr_mid"));
            assertTrue(trait(reach, TestPostgres.SCRAM_USER).containsAll(List.of("the login itself", "owns objects")));
            String warning = RoleReach.warning("shop", "group readers", TestPostgres.SCRAM_USER, "rr_reader", reach).orElseThrow();
            assertTrue(warning.contains("rr_admin (createrole)"), warning);
            assertTrue(warning.contains("credential: vault:NAME"), warning);
        }
    }

    @Test
    void whatTheGrantsRoleReachesItselfIsNotReported() throws SQLException {
        try (Connection c = login()) {
            List<String> names = RoleReach.beyond(c, "rr_mid").stream().map(RoleReach.Reachable::role).toList();
            assertEquals(List.of("analyst", TestPostgres.SCRAM_USER, "rr_reader"), names);
        }
    }

    @Test
    void aLoginThatIsItsGrantsRoleAndMemberOfNothingReachesNothing() throws SQLException {
        try (Connection admin = postgres.adminConnection("postgres"); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE rr_alone LOGIN PASSWORD '" + TestPostgres.PASSWORD + "'");
        }
        try {
            Properties p = new Properties();
            p.setProperty("user", "rr_alone");
            p.setProperty("password", TestPostgres.PASSWORD);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/"
                    + TestPostgres.DATABASE, p)) {
                assertEquals(List.of(), RoleReach.beyond(c, "rr_alone"));
                assertTrue(RoleReach.warning("shop", "group x", "rr_alone", "rr_alone", List.of()).isEmpty());
            }
        } finally {
            try (Connection admin = postgres.adminConnection("postgres"); Statement s = admin.createStatement()) {
                s.execute("DROP ROLE rr_alone");
            }
        }
    }

    private static List<String> trait(List<RoleReach.Reachable> reach, String role) {
        return reach.stream().filter(r -> r.role().equals(role)).findFirst().orElseThrow().traits();
    }
}
