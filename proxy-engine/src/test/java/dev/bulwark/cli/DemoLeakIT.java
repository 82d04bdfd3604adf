package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret leaks: the demo runs as a real process; afterwards its log, its store, what `ctl` shows
 * an operator and the audit export hold neither the upstream password nor any token, and alice's
 * recorded data holds no value she only ever saw masked.
 */
class DemoLeakIT {
    @TempDir
    Path work;

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private Process bulwark(Path log, String... args) throws IOException {
        return bulwark(log, log, args);
    }

    private Process bulwark(Path out, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", "target/proxy-engine.jar"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
        if (out.equals(log)) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(log.toFile());
        }
        return pb.start();
    }

    private String run(String... args) throws Exception {
        Path out = Files.createTempFile(work, "cli", ".out");
        Process p = bulwark(out, args);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args));
        String text = Files.readString(out);
        Files.delete(out); // kept where it matters (export.jsonl, ctl.txt, replay.txt); the token command prints a token by design
        return text;
    }

    private static Connection connect(int port, String user, String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", token);
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop", p);
    }

    @Test
    void nothingSecretReachesLogsStoreOperatorsOrExports() throws Exception {
        Path data = work.resolve("demo");
        Path engineLog = work.resolve("engine.log");
        // stdout carries the demo's instructions, which print the demo users' tokens on purpose; stderr is the log.
        Path instructions = work.resolve("instructions.out");
        Process engine = bulwark(instructions, engineLog, "demo", "--port", "0", "--data", data.toString());
        List<String> secrets = new ArrayList<>();
        List<String> printedTokens = new ArrayList<>();
        String clearEmail;
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            while (!Files.exists(data.resolve("demo.json")) && System.currentTimeMillis() < deadline) {
                assertTrue(engine.isAlive(), () -> "the demo died: " + read(engineLog));
                Thread.sleep(200);
            }
            JsonNode demo = new ObjectMapper().readTree(data.resolve("demo.json").toFile());
            int port = demo.path("port").asInt();
            demo.path("users").forEach(token -> printedTokens.add(token.asText()));
            String minted = run("token", "--sub", "alice", "--groups", "analysts", "--data", data.toString()).strip();
            secrets.add(minted);
            secrets.add(Vault.open(data, Map.of()).credential("shop").password());

            try (Connection dba = connect(port, "dba", demo.path("users").path("dba").asText());
                 Statement s = dba.createStatement(); ResultSet rs = s.executeQuery("SELECT email FROM customers WHERE id = 1")) {
                rs.next();
                clearEmail = rs.getString(1);
            }
            try (Connection alice = connect(port, "alice", minted); Statement s = alice.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, email, card_number FROM customers ORDER BY id LIMIT 5")) {
                    while (rs.next()) {
                        assertFalse(rs.getString(2).equals(clearEmail));
                    }
                }
                SQLException duplicate = assertThrows(SQLException.class, () -> s.execute(
                        "INSERT INTO customers (full_name, email, city, signed_up) VALUES ('Copy Cat', '" + clearEmail.toUpperCase()
                                + "', 'Oslo', current_date), ('Copy Cat', '" + clearEmail + "', 'Oslo', current_date)"));
                assertEquals("23505", duplicate.getSQLState());
                assertFalse(duplicate.getMessage().contains(clearEmail), duplicate.getMessage());
                assertThrows(SQLException.class, () -> s.execute("SELECT * FROM customers WHERE email = 'x' AND bogus"));
            }
            String test = run("ctl", "--data", data.toString(), "rules", "test", "--as", "alice", "--groups", "analysts",
                    "DROP TABLE customers");
            assertTrue(test.contains("deny") && test.contains("no-ddl"), test);
            Path exported = work.resolve("export.jsonl");
            Files.writeString(exported, run("audit", "export", "--format", "jsonl", "--data", data.toString()));
            Files.writeString(work.resolve("ctl.txt"), run("ctl", "--data", data.toString(), "--json", "sessions")
                    + run("ctl", "--data", data.toString(), "status") + run("ctl", "--data", data.toString(), "rules", "list"));
            for (String line : Files.readAllLines(exported)) {
                if (line.contains("\"subject\":\"alice\"")) {
                    assertFalse(line.contains(clearEmail), "alice's recording holds a value she saw masked: " + line);
                }
            }
            String replayOfAlice = Files.readAllLines(exported).stream().filter(l -> l.contains("\"subject\":\"alice\""))
                    .map(l -> l.replaceAll(".*\"session_id\":\"([^\"]+)\".*", "$1")).findFirst().orElseThrow();
            String replay = run("ctl", "--data", data.toString(), "replay", replayOfAlice);
            assertTrue(replay.contains("***@"), replay);
            assertFalse(replay.contains(clearEmail), replay);
            Files.writeString(work.resolve("replay.txt"), replay);
        } finally {
            engine.destroy();
            assertTrue(engine.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
        assertFalse(Files.exists(data.resolve("demo.json")), "demo.json (which holds tokens for scripts) is removed on stop");

        List<Path> files;
        try (Stream<Path> walk = Files.walk(work)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".mv.db")), "the H2 store is among the files searched");
        for (Path file : files) {
            if (file.toString().contains("/postgres/")) {
                continue; // PostgreSQL's own files: the data itself
            }
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(bytes.contains(secret), "a secret is in " + work.relativize(file));
            }
            if (!file.equals(instructions)) {
                for (String token : printedTokens) {
                    assertFalse(bytes.contains(token), "a demo token is in " + work.relativize(file));
                }
            }
        }
        assertFalse(read(engineLog).contains(clearEmail), "the engine log holds a customer's e-mail address");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
