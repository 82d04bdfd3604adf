package dev.bulwark.store;

/**
 * One record of a node's hash chain: a session frame or an admin action. Records of a node are
 * numbered by {@code seq} (1, 2, 3, ... without gaps) and each carries
 * {@code hash = HMAC-SHA256(key[epoch], previous hash || canonical bytes)} as lower-case hex.
 */
public sealed interface ChainRecord permits FrameRecord, AdminRecord {
    String nodeId();

    long seq();

    int epoch();

    long atMicros();

    /** Lower-case hex HMAC, 64 characters. */
    String hash();

    /** A short description for reports: "session S frame N" or "admin action A". */
    String describe();
}
