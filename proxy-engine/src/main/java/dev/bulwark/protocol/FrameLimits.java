package dev.bulwark.protocol;

/**
 * Size limits checked before a message is read. Before authentication a client may send only a
 * small startup packet and a password (a token); after, messages may be as large as PostgreSQL
 * allows by default (1 GiB).
 */
public record FrameLimits(int maxStartupPacket, int maxMessageBeforeAuth, int maxMessageAfterAuth) {
    public static final int PG_STARTUP_LIMIT = 10_000;
    public static final int ONE_GIB = 1 << 30;

    public static final FrameLimits DEFAULT = new FrameLimits(PG_STARTUP_LIMIT, 64 * 1024, ONE_GIB);

    public FrameLimits {
        if (maxStartupPacket < 8 || maxMessageBeforeAuth < 5 || maxMessageAfterAuth < 5) {
            throw new IllegalArgumentException("frame limits too small");
        }
    }
}
