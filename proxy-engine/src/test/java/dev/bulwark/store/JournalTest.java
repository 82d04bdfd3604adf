package dev.bulwark.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path dir;

    private static List<Write> batch(long seq) {
        SessionRow row = new SessionRow("s-" + seq, "node-a", "alice", List.of("analysts", "dba"), "https://idp", "jti-1",
                "127.0.0.1:5000", "psql", "shop", "shop_analyst", "STRICT", 1_000L + seq, null, null, null);
        FrameRecord frame = new FrameRecord("node-a", seq, 0, "s-" + seq, 0, 2_000L + seq, "SESSION_START",
                "{\"subject\":\"alice \\u00e9\\u202e\"}", "ab".repeat(32));
        AdminRecord admin = new AdminRecord("node-a", seq + 1, 0, 3_000L, "engine", "key_roll", "", "{}", "cd".repeat(32));
        return List.of(new Write.InsertSession(row),
                new Write.AppendFrame(frame, new FrameIndex("SELECT 1", "ALLOW", List.of("public.Orders"))),
                new Write.AppendFrame(frame, FrameIndex.NONE),
                new Write.AppendAdmin(admin),
                new Write.EndSession("s-" + seq, 4_000L, "CLIENT_TERMINATE", null),
                new Write.InsertSession(new SessionRow("e", "n", "s", List.of(), "i", "", "", "", "t", "r", "ASYNC", 1L, 2L,
                        "KILLED", "by an operator")),
                new Write.Prune("node-a", seq, List.of("s-0", "s-1")));
    }

    @Test
    void everyKindOfWriteComesBackAsItWent() throws IOException {
        List<Write> writes = batch(7);
        assertEquals(writes, Journal.decode(Journal.encode(writes)));
    }

    @Test
    void batchesAreReadBackAfterARestartInOrder() throws IOException {
        Journal.Recovered first = Journal.open(dir, 1 << 20, false);
        assertTrue(first.batches().isEmpty());
        first.journal().append(batch(1));
        first.journal().append(batch(3));
        first.journal().close(); // as a crash leaves it: no deleteAll

        Journal.Recovered second = Journal.open(dir, 1 << 20, false);
        assertEquals(List.of(batch(1), batch(3)), second.batches());
        assertNull(second.torn());
        second.discardRecovered();
        second.journal().close();
        assertTrue(Journal.open(dir, 1 << 20, false).batches().isEmpty(), "discarded segments are gone");
    }

    @Test
    void aBatchCutShortByACrashIsDroppedWithWhatFollowsIt() throws IOException {
        Journal.Recovered opened = Journal.open(dir, 1 << 20, false);
        opened.journal().append(batch(1));
        opened.journal().append(batch(3));
        opened.journal().close();
        Path segment = Journal.segments(dir).getLast();
        long size = Files.size(segment);
        // The last batch loses its last 10 bytes, as a write cut by a kill would.
        try (var channel = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }
        Journal.Recovered again = Journal.open(dir, 1 << 20, false);
        assertEquals(List.of(batch(1)), again.batches());
        assertNotNull(again.torn());

        // A flipped byte inside a batch fails its checksum the same way.
        again.journal().close();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[20] ^= 0x5A;
        Files.write(segment, bytes);
        List<List<Write>> read = new ArrayList<>();
        assertNotNull(Journal.read(segment, read));
        assertTrue(read.isEmpty());
    }

    @Test
    void segmentsRollAndGoOnceTheStoreHasThem() throws IOException {
        Journal.Recovered opened = Journal.open(dir, 2048, false);
        Journal journal = opened.journal();
        long last = 0;
        for (int i = 0; i < 20; i++) {
            last = journal.append(batch(i * 2L + 1));
        }
        int before = Journal.segments(dir).size();
        assertTrue(before > 3, "small segments roll: " + before);
        long bytes = journal.bytesOnDisk();
        journal.applied(last / 2);
        int middle = Journal.segments(dir).size();
        assertTrue(middle < before && middle > 1, before + " -> " + middle);
        assertTrue(journal.bytesOnDisk() < bytes);
        journal.applied(last);
        assertEquals(1, Journal.segments(dir).size(), "only the segment being written stays");
        journal.close();
    }
}
