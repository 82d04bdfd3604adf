package dev.bulwark.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Stores for tests: H2 under a temp dir, or a fresh database in one shared embedded PostgreSQL. */
public final class TestStores {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestStores() {}

    /** The engine's H2 store under the data directory (created and migrated). */
    public static JdbcStore h2(Path dataDir) {
        return JdbcStore.open(StoreConfig.defaults(), dataDir);
    }

    /** A plain JDBC connection to the H2 store of a data directory, as another tool would open it. */
    public static Connection rawH2(Path dataDir) throws SQLException {
        try {
            String password = Files.readString(dataDir.resolve("store/h2.password"), StandardCharsets.US_ASCII).strip();
            return DriverManager.getConnection(Dialect.h2Url(dataDir.resolve("store/bulwark"), true), "bulwark", password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared embedded PostgreSQL, started on first use; stopped by {@link #stopPostgres()}. */
    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    public static synchronized void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** Creates an empty database in the shared PostgreSQL and returns its JDBC URL. */
    public static String newPostgresDatabase() throws SQLException {
        String name = "bulwark_test_" + DATABASES.incrementAndGet();
        try (Connection admin = postgres().getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return postgres().getJdbcUrl("postgres", name);
    }

    /** A migrated PostgreSQL store on a fresh database. */
    public static JdbcStore postgresStore(String url, String nodeId) {
        return JdbcStore.postgres(url, "postgres", null, nodeId, true);
    }

    /** A store of either dialect on fresh storage. */
    public static JdbcStore fresh(Dialect dialect, Path tempDir) throws SQLException {
        return switch (dialect) {
            case H2 -> h2(tempDir);
            case POSTGRESQL -> postgresStore(newPostgresDatabase(), "local");
        };
    }
}
