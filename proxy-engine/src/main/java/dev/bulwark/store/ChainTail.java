package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * The last record of a node's chain, from which the writer continues.
 *
 * @param seq its sequence number
 * @param epoch its key epoch
 * @param hash its hash (hex)
 * @param keyRoll whether it is a key-roll marker (then the next record uses epoch + 1)
 */
public record ChainTail(long seq, int epoch, String hash, boolean keyRoll) {
    public ChainTail {
        requireNonNull(hash, "hash is null");
    }

    /** The epoch the record after this one must use. */
    public int nextEpoch() {
        return keyRoll ? epoch + 1 : epoch;
    }
}
