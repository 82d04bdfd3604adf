package dev.bulwark.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Verifies the records of a node's audit journal that the store does not hold yet (the engine runs and
 * the store trails it by a moment, or the engine died and has not replayed them): each batch's checksum,
 * then the chain itself, continuing from the store's last record: consecutive seqs, non-decreasing
 * key epochs, and each HMAC. Blocks.
 */
public final class JournalVerifier {
    private JournalVerifier() {}

    /**
     * @param pending chained records beyond the store's tail
     * @param lastSeq the last of them (or the store's tail when none)
     * @param lastEpoch the epoch the chain ends in, journal included
     * @param failure the first record that does not verify, described, or empty
     * @param torn an unfinished batch at the end of the journal (a crash while writing it), or null
     */
    public record Report(long pending, long lastSeq, int lastEpoch, Optional<String> failure, String torn) {
        public Report {
            requireNonNull(failure, "failure is null");
        }

        public boolean ok() {
            return failure.isEmpty();
        }
    }

    /**
     * @param tail the store's last record of the node, or null when its chain is empty
     * @param seed the node's seed key (epoch 0)
     */
    public static Report verify(Path journalDir, String nodeId, ChainTail tail, ChainKey seed) throws IOException {
        requireNonNull(journalDir, "journalDir is null");
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(seed, "seed is null");
        List<List<Write>> batches = new ArrayList<>();
        String torn = null;
        for (Path segment : Journal.segments(journalDir)) {
            torn = Journal.read(segment, batches);
            if (torn != null) {
                break;
            }
        }
        long seq = tail == null ? 0 : tail.seq();
        String previous = tail == null ? AuditChain.GENESIS : tail.hash();
        int epoch = tail == null ? 0 : tail.epoch();
        boolean rolled = tail != null && tail.keyRoll();
        long pending = 0;
        for (List<Write> batch : batches) {
            for (Write write : batch) {
                ChainRecord record = switch (write) {
                    case Write.AppendFrame frame -> frame.frame();
                    case Write.AppendAdmin admin -> admin.action();
                    case Write.InsertSession insert -> null;
                    case Write.EndSession end -> null;
                    case Write.Prune prune -> null;
                };
                if (record == null || !record.nodeId().equals(nodeId) || record.seq() <= seq) {
                    continue; // not chained, another node's, or in the store already
                }
                if (record.seq() != seq + 1) {
                    return new Report(pending, seq, epoch, Optional.of("seq " + (seq + 1) + " is missing from the journal (it goes on at "
                            + record.seq() + ")"), torn);
                }
                int expectedEpoch = rolled ? epoch + 1 : epoch;
                if (record.epoch() != expectedEpoch) {
                    return new Report(pending, seq, epoch, Optional.of("seq " + record.seq() + " (" + record.describe()
                            + ") is in key epoch " + record.epoch() + " where the chain is at " + expectedEpoch), torn);
                }
                ChainKey key = seed.rollTo(record.epoch());
                String hash;
                try {
                    hash = AuditChain.hash(key, previous, record);
                } finally {
                    key.destroy();
                }
                if (!hash.equals(record.hash())) {
                    return new Report(pending, seq, epoch, Optional.of("seq " + record.seq() + " (" + record.describe()
                            + ") does not match its hash"), torn);
                }
                seq = record.seq();
                previous = record.hash();
                epoch = record.epoch();
                rolled = record instanceof AdminRecord admin && admin.action().equals(AdminRecord.KEY_ROLL);
                pending++;
            }
        }
        return new Report(pending, seq, epoch, Optional.empty(), torn);
    }
}
