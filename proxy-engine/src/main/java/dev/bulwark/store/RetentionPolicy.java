package dev.bulwark.store;

/**
 * How long and how much audit data a node keeps. Zero disables a limit.
 *
 * @param maxAgeMicros sessions that ended longer ago than this are deleted
 * @param maxBytes when the node's recorded payloads exceed this, oldest sessions are deleted
 */
public record RetentionPolicy(long maxAgeMicros, long maxBytes) {
    public RetentionPolicy {
        if (maxAgeMicros < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("retention limits must not be negative");
        }
    }

    public boolean enabled() {
        return maxAgeMicros > 0 || maxBytes > 0;
    }
}
