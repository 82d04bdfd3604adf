package dev.bulwark.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a node's chain record by record: seqs without gaps or repeats, each HMAC made with the key
 * of its epoch (derived forward from the seed), epochs changing only right after a key-roll marker
 * of the previous epoch, and, when the chain starts after seq 1, a retention checkpoint that the
 * chain itself confirms later. Blocks on the store; streams the chain.
 *
 * <p>What it proves: no stored record was altered, inserted, removed or reordered, except at the end
 * of the chain (deleting the newest records leaves a shorter valid chain; {@code stateEpoch}, the
 * engine's key-state epoch, catches it when that removal crossed a key roll) and except records of
 * the engine's current epoch by someone holding the engine's current key.
 */
public final class ChainVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainVerifier() {}

    /**
     * @param store the store to read
     * @param nodeId the chain to check
     * @param seed the node's seed key (epoch 0); not modified
     * @param stateEpoch the epoch of the engine's key state file, or null when not available
     */
    public static VerifyReport verify(Store store, String nodeId, ChainKey seed, Integer stateEpoch) {
        if (seed.epoch() != 0) {
            throw new IllegalArgumentException("verification starts from the seed key (epoch 0)");
        }
        List<String> notes = new ArrayList<>();
        ChainKey key = null;
        long records = 0;
        long firstSeq = 0;
        long lastSeq = 0;
        String previousHash = AuditChain.GENESIS;
        Checkpoint checkpoint = null;
        boolean checkpointConfirmed = false;
        try (ChainCursor cursor = store.chain(nodeId, Long.MIN_VALUE, Long.MIN_VALUE)) {
            while (cursor.hasNext()) {
                ChainRecord record = cursor.next();
                if (records == 0) {
                    firstSeq = record.seq();
                    if (record.seq() == 1) {
                        key = seed.rollTo(0);
                    } else {
                        Optional<Checkpoint> found = checkpoint(store, nodeId, record.seq());
                        if (found.isEmpty()) {
                            return failed(nodeId, 0, firstSeq, record.seq(), 0, notes, VerifyReport.Failure.at(record,
                                    "records before seq " + record.seq() + " are missing and no retention checkpoint covers the cut"));
                        }
                        checkpoint = found.get();
                        previousHash = checkpoint.previousHash();
                        key = seed.rollTo(checkpoint.epoch());
                        notes.add("chain starts at retention checkpoint seq " + checkpoint.cutSeq() + " (epoch "
                                + checkpoint.epoch() + "); earlier records were deleted by retention");
                    }
                    lastSeq = record.seq() - 1;
                }
                if (record.seq() != lastSeq + 1) {
                    String reason = record.seq() <= lastSeq
                            ? "seq " + record.seq() + " appears more than once or out of order"
                            : "records seq " + (lastSeq + 1) + ".." + (record.seq() - 1) + " are missing";
                    return failed(nodeId, records, firstSeq, lastSeq, key.epoch(), notes, VerifyReport.Failure.at(record, reason));
                }
                if (record.epoch() != key.epoch()) {
                    return failed(nodeId, records, firstSeq, lastSeq, key.epoch(), notes, VerifyReport.Failure.at(record,
                            "record claims key epoch " + record.epoch() + " but the chain is in epoch " + key.epoch()
                                    + " (an epoch only changes after a key_roll record)"));
                }
                String expected = AuditChain.hash(key, previousHash, record);
                if (!expected.equals(record.hash())) {
                    return failed(nodeId, records, firstSeq, lastSeq, key.epoch(), notes, VerifyReport.Failure.at(record,
                            "hash mismatch: the record (or the hash stored with it) was altered"));
                }
                records++;
                lastSeq = record.seq();
                previousHash = record.hash();
                if (record instanceof AdminRecord admin) {
                    if (AdminRecord.KEY_ROLL.equals(admin.action())) {
                        int nextEpoch = intField(admin.details(), "next_epoch");
                        if (nextEpoch != key.epoch() + 1) {
                            return failed(nodeId, records, firstSeq, lastSeq, key.epoch(), notes, VerifyReport.Failure.at(record,
                                    "key_roll names epoch " + nextEpoch + ", expected " + (key.epoch() + 1)));
                        }
                        ChainKey next = key.next();
                        key.destroy();
                        key = next;
                    } else if (AdminRecord.RETENTION_CUT.equals(admin.action()) && checkpoint != null
                            && checkpoint.seq() == admin.seq()) {
                        checkpointConfirmed = true;
                    }
                }
            }
        } finally {
            if (key != null) {
                key.destroy();
            }
        }
        if (records == 0) {
            if (stateEpoch != null && stateEpoch > 0) {
                return failed(nodeId, 0, 0, 0, 0, notes, new VerifyReport.Failure(1, null, null, "the whole chain",
                        "the chain is empty but the engine's key has reached epoch " + stateEpoch + ": its records were deleted"));
            }
            notes.add("the chain is empty");
            return new VerifyReport(nodeId, 0, 0, 0, 0, Optional.empty(), notes);
        }
        int lastEpoch = key.epoch();
        if (checkpoint != null && !checkpointConfirmed) {
            return failed(nodeId, records, firstSeq, lastSeq, lastEpoch, notes, new VerifyReport.Failure(checkpoint.seq(), null,
                    null, "retention checkpoint for seq " + checkpoint.cutSeq(),
                    "the retention_cut record that vouches for the checkpoint is missing from the chain"));
        }
        if (stateEpoch != null && stateEpoch > lastEpoch) {
            return failed(nodeId, records, firstSeq, lastSeq, lastEpoch, notes, new VerifyReport.Failure(lastSeq + 1, null, null,
                    "end of chain", "the chain ends in epoch " + lastEpoch + " but the engine's key has reached epoch "
                            + stateEpoch + ": records at the end of the chain are missing"));
        }
        return new VerifyReport(nodeId, records, firstSeq, lastSeq, lastEpoch, Optional.empty(), notes);
    }

    private static VerifyReport failed(String nodeId, long records, long firstSeq, long lastSeq, int epoch,
                                       List<String> notes, VerifyReport.Failure failure) {
        return new VerifyReport(nodeId, records, firstSeq, lastSeq, epoch, Optional.of(failure), notes);
    }

    /**
     * A retention checkpoint: the chain restarts at {@code cutSeq} after {@code previousHash}, in
     * {@code epoch}. It is trusted to start with and must be confirmed when the chain reaches the
     * retention_cut record (at {@code seq}) that announced it.
     */
    record Checkpoint(long seq, long cutSeq, String previousHash, int epoch) {}

    private static Optional<Checkpoint> checkpoint(Store store, String nodeId, long cutSeq) {
        for (AdminRecord cut : store.adminActions(nodeId, AdminRecord.RETENTION_CUT)) {
            try {
                JsonNode details = JSON.readTree(cut.details());
                if (details.path("cut_seq").asLong(-1) == cutSeq && cut.seq() >= cutSeq) {
                    return Optional.of(new Checkpoint(cut.seq(), cutSeq, details.path("previous_hash").asText(""),
                            details.path("epoch").asInt(-1)))
                            .filter(found -> found.previousHash().length() == 64 && found.epoch() >= 0);
                }
            } catch (java.io.IOException e) {
                // not a checkpoint we can read; it will fail its hash check or be ignored
            }
        }
        return Optional.empty();
    }

    private static int intField(String json, String field) {
        try {
            return JSON.readTree(json).path(field).asInt(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
