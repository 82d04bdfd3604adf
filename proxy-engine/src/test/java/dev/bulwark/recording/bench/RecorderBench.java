package dev.bulwark.recording.bench;

import dev.bulwark.auth.Identity;
import dev.bulwark.recording.AuditMode;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.Recorder;
import dev.bulwark.recording.RecordingConfig;
import dev.bulwark.recording.SessionInfo;
import dev.bulwark.recording.SessionRecording;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many frames per second the recorder's batch writer sustains on embedded H2, STRICT (every
 * statement waits for its commit) against ASYNC (it waits only for room in the queue). Each of
 * {@code sessions} simulated clients loops: statement, then a 5-row result, each time waiting for
 * the frame's future as the engine does before reading the client's next message.
 *
 * <pre>
 * ./mvnw -q -o -pl proxy-engine -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp proxy-engine/target/test-classes:proxy-engine/target/classes:$(cat /tmp/cp.txt) \
 *     dev.bulwark.recording.bench.RecorderBench [sessions=64] [seconds=10]
 * </pre>
 * Not a JUnit test: it writes a few hundred MB and takes a minute.
 */
public final class RecorderBench {
    private RecorderBench() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.printf("recorder bench: %d concurrent sessions, %d s measured after 3 s warm-up, embedded H2, %d cores%n",
                sessions, seconds, Runtime.getRuntime().availableProcessors());
        List<String> results = new ArrayList<>();
        for (AuditMode mode : List.of(AuditMode.STRICT, AuditMode.ASYNC)) {
            results.add(run(mode, sessions, seconds));
        }
        results.add(run(AuditMode.STRICT, 1, seconds));
        System.out.println();
        System.out.println("mode    sessions  frames/s  batches/s  frames/batch  wait p50 ms  wait p99 ms");
        results.forEach(System.out::println);
    }

    private static String run(AuditMode mode, int sessions, int seconds) throws Exception {
        Path dataDir = Files.createTempDirectory("bulwark-bench");
        try (JdbcStore store = JdbcStore.open(StoreConfig.defaults(), dataDir)) {
            Recorder recorder = Recorder.start(store, dataDir, RecordingConfig.defaults());
            AtomicBoolean running = new AtomicBoolean(true);
            List<long[]> latencies = new ArrayList<>();
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            for (int s = 0; s < sessions; s++) {
                long[] samples = new long[100_000];
                latencies.add(samples);
                String id = mode.name().toLowerCase() + "-" + s;
                clients.submit(() -> {
                    client(recorder, id, mode, running, samples);
                    return null;
                });
            }
            Thread.sleep(3_000);
            Recorder.Stats before = recorder.stats();
            long start = System.nanoTime();
            for (long[] samples : latencies) {
                samples[0] = 1; // start sampling: slot 0 is the write index (1 = empty)
            }
            Thread.sleep(seconds * 1_000L);
            Recorder.Stats after = recorder.stats();
            double elapsed = (System.nanoTime() - start) / 1e9;
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(30, TimeUnit.SECONDS);
            recorder.close();

            long frames = after.framesWritten() - before.framesWritten();
            long batches = after.batches() - before.batches();
            long[] all = latencies.stream().flatMapToLong(samples -> Arrays.stream(samples, 1, (int) Math.max(1, samples[0])))
                    .sorted().toArray();
            String line = String.format("%-7s %8d  %8.0f  %9.0f  %12.1f  %11.2f  %11.2f", mode, sessions, frames / elapsed,
                    batches / elapsed, batches == 0 ? 0.0 : (double) frames / batches, percentile(all, 0.50), percentile(all, 0.99));
            System.out.println(line + "   (lost " + after.framesLost() + ")");
            return line;
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void client(Recorder recorder, String id, AuditMode mode, AtomicBoolean running, long[] samples)
            throws Exception {
        Identity identity = new Identity("bench", Set.of("bench"), "https://idp.example", id, Instant.parse("2030-01-01T00:00:00Z"), Map.of());
        SessionRecording session = recorder.open(new SessionInfo(id, identity, "127.0.0.1:1", "bench", "bench", "bench", mode),
                Runnable::run);
        List<FramePayload.Column> columns = List.of(new FramePayload.Column("id", "int4"), new FramePayload.Column("email", "text"));
        FramePayload.Statement statement = new FramePayload.Statement(FramePayload.Protocol.EXTENDED,
                "SELECT id, email FROM customers WHERE region = $1 LIMIT 5", List.of("emea"), FramePayload.Verdict.ALLOW,
                "r1", "read-customers", List.of("public.customers"), List.of("SELECT"));
        while (running.get()) {
            long begin = System.nanoTime();
            session.statement(statement).get(60, TimeUnit.SECONDS);
            sample(samples, System.nanoTime() - begin);
            var result = session.result().columns(columns);
            for (int i = 0; i < 5; i++) {
                result.row(List.of(String.valueOf(i), "***@example.com"));
            }
            result.complete("SELECT 5").get(60, TimeUnit.SECONDS);
        }
        session.end(FramePayload.EndReason.CLIENT_TERMINATE, null);
    }

    private static void sample(long[] samples, long nanos) {
        int index = (int) samples[0];
        if (index > 0 && index < samples.length) {
            samples[index] = nanos;
            samples[0] = index + 1;
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
