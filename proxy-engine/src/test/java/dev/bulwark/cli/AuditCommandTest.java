package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.auth.Identity;
import dev.bulwark.recording.AuditMode;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.Recorder;
import dev.bulwark.recording.RecordingConfig;
import dev.bulwark.recording.SessionInfo;
import dev.bulwark.recording.SessionRecording;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.TestStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path dataDir;

    @BeforeEach
    void recordTwoSessions() throws Exception {
        dataDir = dir.resolve("data");
        try (JdbcStore store = TestStores.h2(dataDir)) {
            Recorder recorder = Recorder.start(store, dataDir, RecordingConfig.defaults());
            try {
                record(recorder, "s-1", "alice");
                record(recorder, "s-2", "bob");
            } finally {
                recorder.close();
            }
        }
    }

    @Test
    void verifyPassesWithExitCodeZero() {
        Run run = run("verify", "--data", dataDir.toString());
        assertEquals(0, run.code(), run.toString());
        // 1 key roll + 2 sessions x (start, statement, result, end)
        assertTrue(run.out().contains("audit chain of node local verified: 9 records (seq 1..9), key epoch 1"), run.toString());
    }

    @Test
    void verifyNamesTheBrokenRecordWithExitCodeOne() throws Exception {
        try (Connection connection = TestStores.rawH2(dataDir);
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE frames SET payload = REPLACE(payload, 'SELECT', 'SELECt') WHERE session_id = 's-2' AND frame_no = 1")) {
            assertEquals(1, update.executeUpdate());
        }
        Run run = run("verify", "--data", dataDir.toString());
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.out().contains("is BROKEN at seq 7 (session s-2, frame 1)"), run.toString());
        assertTrue(run.out().contains("hash mismatch"), run.toString());
        assertTrue(run.out().contains("6 records before it verified"), run.toString());
    }

    @Test
    void verifyReadsTheEngineConfiguration() throws Exception {
        Path config = dir.resolve("bulwark.yaml");
        Files.writeString(config, """
                listen: 0.0.0.0:6432      # keys the audit command does not use are ignored
                data_dir: data
                store:
                  kind: h2
                  node_id: local
                """);
        Run run = run("verify", "--config", config.toString());
        assertEquals(0, run.code(), run.toString());

        Files.writeString(config, "data_dir: data\nstore:\n  node_id: 'bad id'\n");
        Run invalid = run("verify", "--config", config.toString());
        assertEquals(2, invalid.code(), invalid.toString());
        assertTrue(invalid.err().contains("store.node_id must be"), invalid.toString());
    }

    @Test
    void verifyCannotRunWithoutAStoreOrTheSeed() throws Exception {
        Run missing = run("verify", "--data", dir.resolve("elsewhere").toString());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no audit key") || missing.err().contains("no Bulwark audit store"), missing.toString());

        Run stateNotSeed = run("verify", "--data", dataDir.toString(), "--key", dataDir.resolve("audit.key.state").toString());
        assertEquals(2, stateNotSeed.code(), stateNotSeed.toString());
        assertTrue(stateNotSeed.err().contains("is not the seed key"), stateNotSeed.toString());

        Run noLocation = run("verify");
        assertEquals(2, noLocation.code(), noLocation.toString());

        Run wrongSeed = run("verify", "--data", dataDir.toString(), "--key", newSeed().toString());
        assertEquals(1, wrongSeed.code(), "another seed does not verify this chain: " + wrongSeed);
    }

    @Test
    void exportWritesOneJsonLinePerRecordWithTheSessionIdentity() throws Exception {
        Run run = run("export", "--data", dataDir.toString(), "--format", "jsonl");
        assertEquals(0, run.code(), run.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        assertEquals(9, lines.size());
        assertTrue(run.err().contains("exported 9 records"), run.toString());
        JsonNode statement = lines.stream()
                .filter(line -> line.path("kind").asText().equals("STATEMENT") && line.path("session_id").asText().equals("s-2"))
                .findFirst().orElseThrow();
        assertEquals("bob", statement.path("subject").asText());
        assertEquals("[\"analysts\",\"dba\"]", statement.path("groups").toString());
        assertEquals("sales", statement.path("target").asText());
        assertEquals("app_ro", statement.path("database_role").asText());
        assertEquals("SELECT 'bob'", statement.path("payload").path("text").asText());
        assertEquals(64, statement.path("hash").asText().length());
        assertEquals("admin", lines.getFirst().path("record").asText());
        assertEquals("key_roll", lines.getFirst().path("action").asText());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 1, lines.get(i).path("seq").asLong(), "chain order");
        }

        Run future = run("export", "--data", dataDir.toString(), "--since", Instant.now().plusSeconds(3600).toString());
        assertEquals(0, future.code(), future.toString());
        assertEquals("", future.out());
        Run recent = run("export", "--data", dataDir.toString(), "--since", "1h", "-o", dir.resolve("out.jsonl").toString());
        assertEquals(0, recent.code(), recent.toString());
        assertEquals(9, Files.readAllLines(dir.resolve("out.jsonl")).size());

        Run badSince = run("export", "--data", dataDir.toString(), "--since", "yesterday-ish");
        assertEquals(2, badSince.code());
        Run badFormat = run("export", "--data", dataDir.toString(), "--format", "csv");
        assertEquals(2, badFormat.code());
    }

    @Test
    void verifyAndExportWorkFromAnotherProcessWhileTheEngineRuns() throws Exception {
        try (JdbcStore store = TestStores.h2(dataDir)) {
            Recorder recorder = Recorder.start(store, dataDir, RecordingConfig.defaults());
            try {
                SessionRecording open = recorder.open(session("s-3", "carol"), Runnable::run);
                open.statement(statement("SELECT 3")).get(10, TimeUnit.SECONDS);

                Child verify = child("verify", "--data", dataDir.toString());
                assertEquals(0, verify.code(), verify.toString());
                assertTrue(verify.out().contains("verified: 12 records"), verify.toString());
                Child export = child("export", "--data", dataDir.toString());
                assertEquals(0, export.code(), export.toString());
                assertEquals(12, export.out().lines().count(), export.toString());

                open.statement(statement("SELECT 4")).get(10, TimeUnit.SECONDS); // the engine keeps writing afterwards
            } finally {
                recorder.close();
            }
        }
        assertEquals(0, run("verify", "--data", dataDir.toString()).code());
    }

    // ------------------------------------------------------------------ helpers

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new AuditCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Child(int code, String out, String err) {}

    /** Runs the command in a separate JVM, as an operator would next to a running engine. */
    private Child child(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"),
                AuditCommand.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the child JVM did not finish within 60 s");
            }
        } finally {
            process.destroyForcibly();
        }
        return new Child(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path newSeed() throws Exception {
        Path other = dir.resolve("other");
        dev.bulwark.store.AuditKeyFiles.in(other).createSeed().destroy();
        return other.resolve("audit.key");
    }

    private static void record(Recorder recorder, String id, String subject) throws Exception {
        SessionRecording session = recorder.open(session(id, subject), Runnable::run);
        session.statement(statement("SELECT '" + subject + "'"));
        session.result().columns(List.of(new FramePayload.Column("?column?", "text"))).row(List.of(subject)).complete("SELECT 1");
        session.end(FramePayload.EndReason.CLIENT_TERMINATE, null).get(10, TimeUnit.SECONDS);
    }

    private static SessionInfo session(String id, String subject) {
        Identity identity = new Identity(subject, Set.of("dba", "analysts"), "https://idp.example", "jti-" + id,
                Instant.parse("2030-01-01T00:00:00Z"), Map.of());
        return new SessionInfo(id, identity, "10.0.0.7:51234", "psql", "sales", "app_ro", AuditMode.STRICT);
    }

    private static FramePayload.Statement statement(String text) {
        return new FramePayload.Statement(FramePayload.Protocol.SIMPLE, text, List.of(), FramePayload.Verdict.ALLOW,
                null, null, List.of(), List.of("SELECT"));
    }
}
