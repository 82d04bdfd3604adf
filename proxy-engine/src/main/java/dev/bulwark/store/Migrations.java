package dev.bulwark.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small versioned schema migration runner. Migrations are SQL resources named
 * {@code V<n>__<description>.sql}, listed in order in {@code migrations/index.txt} (a jar cannot be
 * listed reliably). Each pending migration runs in one transaction together with its
 * {@code schema_version} row; on PostgreSQL an advisory lock makes two nodes starting at once apply
 * it once. H2 commits DDL implicitly, so there a failed migration can leave part of it behind; only
 * the single engine that owns the H2 file migrates it.
 */
final class Migrations {
    private static final String BASE = "/dev/bulwark/store/migrations/";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

    record Migration(int version, String description, String sql) {}

    private Migrations() {}

    /** The migrations shipped with this build, in version order. */
    static List<Migration> bundled() {
        List<Migration> migrations = new ArrayList<>();
        for (String line : resource("index.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches()) {
                throw new IllegalStateException("bad migration name in index.txt: " + name);
            }
            int version = Integer.parseInt(matcher.group(1));
            if (!migrations.isEmpty() && migrations.getLast().version() >= version) {
                throw new IllegalStateException("migrations out of order in index.txt at " + name);
            }
            migrations.add(new Migration(version, matcher.group(2).replace('_', ' '), resource(name)));
        }
        return List.copyOf(migrations);
    }

    /** The newest schema version this build knows. */
    static int latestVersion() {
        return bundled().getLast().version();
    }

    /** Applies pending migrations. Returns how many were applied (0 when the schema is current). */
    static int apply(Connection connection, Dialect dialect) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            dialect.lockForMigration(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INT NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL,"
                        + " applied_micros BIGINT NOT NULL)");
            }
            int current = currentVersion(connection);
            int applied = 0;
            for (Migration migration : bundled()) {
                if (migration.version() <= current) {
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    for (String sql : split(migration.sql())) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_micros) VALUES (?, ?, ?)")) {
                    insert.setInt(1, migration.version());
                    insert.setString(2, migration.description());
                    insert.setLong(3, Micros.of(java.time.Instant.now()));
                    insert.executeUpdate();
                }
                applied++;
            }
            if (current > latestVersion()) {
                throw new SQLException("the audit store has schema version " + current
                        + ", newer than this engine knows (" + latestVersion() + ")");
            }
            connection.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The applied schema version, 0 when the store has none yet. */
    static int currentVersion(Connection connection) throws SQLException {
        if (!hasSchemaTable(connection)) {
            return 0;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static boolean hasSchemaTable(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet tables = meta.getTables(null, connection.getSchema(), "schema_version", new String[] {"TABLE"})) {
            return tables.next();
        }
    }

    /** Splits a script on semicolons that end a line; comments ("--") are dropped. */
    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration script does not end with ';'");
        }
        return statements;
    }

    private static String resource(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + BASE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration resource " + BASE + name, e);
        }
    }
}
