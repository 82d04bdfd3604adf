package dev.bulwark.store;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of verifying one node's chain.
 *
 * @param nodeId the node
 * @param records how many records were checked
 * @param firstSeq the first seq checked (0 when the chain is empty)
 * @param lastSeq the last seq checked (0 when the chain is empty)
 * @param lastEpoch the key epoch the chain ends in
 * @param failure the first broken record, empty when the chain verified
 * @param notes facts worth telling an auditor (a retention checkpoint, ...)
 */
public record VerifyReport(
        String nodeId,
        long records,
        long firstSeq,
        long lastSeq,
        int lastEpoch,
        Optional<Failure> failure,
        List<String> notes) {

    public VerifyReport {
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(failure, "failure is null");
        notes = List.copyOf(notes);
    }

    public boolean ok() {
        return failure.isEmpty();
    }

    /**
     * The first record that does not verify.
     *
     * @param seq its seq in the node's chain
     * @param sessionId its session, null for admin actions and session-level checks without a frame
     * @param frameNo its frame number, null for admin actions
     * @param record a description of the record
     * @param reason what is wrong
     */
    public record Failure(long seq, String sessionId, Integer frameNo, String record, String reason) {
        public Failure {
            requireNonNull(record, "record is null");
            requireNonNull(reason, "reason is null");
        }

        static Failure at(ChainRecord record, String reason) {
            return switch (record) {
                case FrameRecord frame -> new Failure(frame.seq(), frame.sessionId(), frame.frameNo(), frame.describe(), reason);
                case AdminRecord admin -> new Failure(admin.seq(), null, null, admin.describe(), reason);
            };
        }

        @Override
        public String toString() {
            return "seq " + seq + (sessionId == null ? "" : " (session " + sessionId + ", frame " + frameNo + ")")
                    + ": " + record + ": " + reason;
        }
    }

    VerifyReport withFailure(Failure newFailure) {
        return new VerifyReport(nodeId, records, firstSeq, lastSeq, lastEpoch, Optional.of(newFailure), notes);
    }
}
