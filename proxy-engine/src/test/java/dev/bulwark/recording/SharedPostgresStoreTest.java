package dev.bulwark.recording;

import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.RetentionPolicy;
import dev.bulwark.store.SessionQuery;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.TestStores;
import dev.bulwark.store.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two engine nodes recording into one PostgreSQL store: one chain each, verified and pruned separately. */
class SharedPostgresStoreTest {
    @TempDir
    Path dir;

    @AfterAll
    static void stopPostgres() throws Exception {
        TestStores.stopPostgres();
    }

    @Test
    void twoNodesKeepTwoIndependentChainsInOneStore() throws Exception {
        String url = TestStores.newPostgresDatabase();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Path dataA = dir.resolve("a");
        Path dataB = dir.resolve("b");
        try (JdbcStore storeA = JdbcStore.open(new StoreConfig("postgresql", "node-a", url, "postgres", null, null, null), dataA);
             JdbcStore storeB = JdbcStore.open(new StoreConfig("postgresql", "node-b", url, "postgres", null, null, null), dataB)) {
            Recorder a = Recorder.start(storeA, AuditKeyFiles.in(dataA), Fixtures.config(64, 7), clock);
            Recorder b = Recorder.start(storeB, AuditKeyFiles.in(dataB), Fixtures.config(64, 7), clock);
            try {
                List<CompletableFuture<Void>> ends = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Recorder recorder = i % 2 == 0 ? a : b;
                    SessionRecording session = recorder.open(
                            Fixtures.session((i % 2 == 0 ? "a-" : "b-") + i, "user" + i, AuditMode.STRICT), Runnable::run);
                    for (int s = 0; s < 5; s++) {
                        session.statement(Fixtures.select("SELECT " + s));
                    }
                    ends.add(session.end(FramePayload.EndReason.CLIENT_TERMINATE, null));
                }
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

                // one node prunes its own old sessions; the other's chain is untouched
                clock.advance(Duration.ofDays(10));
                Recorder.RetentionReport report = a.runRetention(new RetentionPolicy(86_400_000_000L, 0)).get(30, TimeUnit.SECONDS);
                assertEquals(5, report.sessionsDeleted());
            } finally {
                a.close();
                b.close();
            }
            assertEquals(List.of("node-a", "node-b"), storeA.chainNodes());
            List<SessionRow> all = storeA.searchSessions(SessionQuery.builder().page(100, 0).build());
            assertTrue(all.stream().allMatch(row -> row.nodeId().equals("node-b")), "node-a's sessions were pruned, node-b's kept");
            assertEquals(5, all.size());

            VerifyReport verifiedA = AuditVerifier.verify(storeA, "node-a", AuditKeyFiles.in(dataA).readSeed().orElseThrow(),
                    AuditKeyFiles.in(dataA).readState().orElseThrow().epoch());
            VerifyReport verifiedB = AuditVerifier.verify(storeB, "node-b", AuditKeyFiles.in(dataB).readSeed().orElseThrow(),
                    AuditKeyFiles.in(dataB).readState().orElseThrow().epoch());
            assertTrue(verifiedA.ok(), () -> verifiedA.failure().orElseThrow().toString());
            assertTrue(verifiedB.ok(), () -> verifiedB.failure().orElseThrow().toString());
            assertTrue(verifiedB.lastEpoch() >= 4, "node-b rolled its key several times: " + verifiedB.lastEpoch());
            // each node's chain needs its own seed
            VerifyReport crossed = AuditVerifier.verify(storeA, "node-b", AuditKeyFiles.in(dataA).readSeed().orElseThrow(), null);
            assertTrue(!crossed.ok() && crossed.failure().orElseThrow().seq() == 1);
        }
    }
}
