package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * A stored admin action (an operator's or the engine's own), part of the node's chain.
 *
 * @param nodeId the engine node whose chain holds it
 * @param seq its position in the node's chain
 * @param epoch the key epoch its hash was made with
 * @param atMicros when it happened, microseconds since the epoch
 * @param actor who did it (an operator's subject, or {@code engine})
 * @param action what was done, e.g. {@code rule_change}, {@code session_kill}, {@code key_roll}
 * @param target what it was done to (a session id, a rule kind, ...), or empty
 * @param details a JSON object with the particulars, exactly as hashed
 * @param hash the chain hash, lower-case hex
 */
public record AdminRecord(
        String nodeId,
        long seq,
        int epoch,
        long atMicros,
        String actor,
        String action,
        String target,
        String details,
        String hash) implements ChainRecord {

    /** The chain's key-roll marker: the record after it uses the next epoch's key. */
    public static final String KEY_ROLL = "key_roll";
    /** A retention cut: its details hold the checkpoint the chain restarts from after pruning. */
    public static final String RETENTION_CUT = "retention_cut";

    public AdminRecord {
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
        requireNonNull(details, "details is null");
        requireNonNull(hash, "hash is null");
    }

    @Override
    public String describe() {
        return "admin action " + action + (target.isEmpty() ? "" : " on " + target) + " by " + actor;
    }

    AdminRecord withHash(String newHash) {
        return new AdminRecord(nodeId, seq, epoch, atMicros, actor, action, target, details, newHash);
    }
}
