package dev.bulwark.session;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The (process id, secret key) pair a client uses to cancel. The engine hands the client the
 * upstream's real process id (clients compare it with NOTIFY senders and pg_backend_pid()) and a
 * secret of its own, so a client never learns the upstream's key.
 */
record CancelKey(int processId, byte[] secretKey) {
    @Override
    public boolean equals(Object o) {
        return o instanceof CancelKey k && k.processId == processId && Arrays.equals(k.secretKey, secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "CancelKey[" + processId + ", " + HexFormat.of().formatHex(secretKey).substring(0, 2) + "..]";
    }
}
