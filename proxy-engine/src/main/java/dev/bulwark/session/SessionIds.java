package dev.bulwark.session;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Session ids that sort by start time and do not collide across engine nodes: 12 hex digits of millis, 8 random. */
final class SessionIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {}

    static String next() {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return String.format("%012x", System.currentTimeMillis()) + HexFormat.of().formatHex(random);
    }
}
