package dev.bulwark.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalVerifierTest {
    @TempDir
    Path dir;

    private final ChainKey seed = ChainKey.generateSeed();

    @AfterEach
    void wipe() {
        seed.destroy();
    }

    /** Frames seq 1..n of one session, chained with the seed key; a key roll after the second. */
    private List<ChainRecord> chain(int n) {
        List<ChainRecord> records = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        ChainKey key = seed.rollTo(0);
        long seq = 1;
        for (int i = 0; i < n; i++) {
            FrameRecord frame = AuditChain.seal(key, previous, new FrameRecord("node-a", seq++, key.epoch(), "s-1", i, 1_000L + i,
                    "STATEMENT", "{\"text\":\"SELECT " + i + "\"}", ""));
            records.add(frame);
            previous = frame.hash();
            if (i == 1) {
                AdminRecord roll = AuditChain.seal(key, previous, new AdminRecord("node-a", seq++, key.epoch(), 2_000L, "engine",
                        AdminRecord.KEY_ROLL, "", "{}", ""));
                records.add(roll);
                previous = roll.hash();
                ChainKey next = key.next();
                key.destroy();
                key = next;
            }
        }
        key.destroy();
        return records;
    }

    private void journal(List<ChainRecord> records) throws IOException {
        Journal.Recovered opened = Journal.open(dir, 1 << 20, false);
        for (ChainRecord record : records) {
            opened.journal().append(List.of(switch (record) {
                case FrameRecord frame -> new Write.AppendFrame(frame, FrameIndex.NONE);
                case AdminRecord admin -> new Write.AppendAdmin(admin);
            }));
        }
        opened.journal().close();
    }

    @Test
    void aJournalChainedOnFromTheStoreVerifies() throws IOException {
        List<ChainRecord> records = chain(5);
        journal(records);
        JournalVerifier.Report all = JournalVerifier.verify(dir, "node-a", null, seed);
        assertTrue(all.ok(), all.toString());
        assertEquals(6, all.pending());
        assertEquals(1, all.lastEpoch(), "the key roll moved the chain to epoch 1");

        ChainRecord third = records.get(2); // the key roll: the store holds up to it
        ChainTail tail = new ChainTail(third.seq(), third.epoch(), third.hash(), true);
        JournalVerifier.Report rest = JournalVerifier.verify(dir, "node-a", tail, seed);
        assertTrue(rest.ok(), rest.toString());
        assertEquals(3, rest.pending());
    }

    @Test
    void anEditedOrMissingRecordIsFound() throws IOException {
        List<ChainRecord> records = chain(5);
        FrameRecord edited = (FrameRecord) records.get(3);
        records.set(3, new FrameRecord(edited.nodeId(), edited.seq(), edited.epoch(), edited.sessionId(), edited.frameNo(),
                edited.atMicros(), edited.kind(), "{\"text\":\"SELECT 42\"}", edited.hash()));
        journal(records);
        JournalVerifier.Report report = JournalVerifier.verify(dir, "node-a", null, seed);
        assertFalse(report.ok());
        assertTrue(report.failure().orElseThrow().contains("seq 4"), report.toString());
        assertEquals(3, report.pending(), "the records before it verified");

        Journal.segments(dir).forEach(file -> file.toFile().delete());
        List<ChainRecord> gap = chain(5);
        gap.remove(1);
        journal(gap);
        JournalVerifier.Report missing = JournalVerifier.verify(dir, "node-a", null, seed);
        assertFalse(missing.ok());
        assertTrue(missing.failure().orElseThrow().contains("seq 2 is missing"), missing.toString());
    }
}
