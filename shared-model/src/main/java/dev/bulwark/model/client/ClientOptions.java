package dev.bulwark.model.client;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link ManagementClient} behaves.
 *
 * @param clientName the name and version the hello announces (shown in the engine's log)
 * @param token the OIDC token for the TLS listener, null on the Unix socket. Never logged.
 * @param timeout how long to wait for a connection and for each reply
 * @param listener receives pushed events
 * @param maxLineBytes the longest line accepted from the engine; a longer one ends the connection
 */
public record ClientOptions(String clientName, String token, Duration timeout, ManagementListener listener, int maxLineBytes) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

    public ClientOptions {
        requireNonNull(clientName, "clientName is null");
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        requireNonNull(listener, "listener is null");
        if (maxLineBytes < 1024) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1024");
        }
    }

    public static ClientOptions defaults(String clientName) {
        return new ClientOptions(clientName, null, DEFAULT_TIMEOUT, ManagementListener.NONE, DEFAULT_MAX_LINE_BYTES);
    }

    public ClientOptions withToken(String newToken) {
        return new ClientOptions(clientName, newToken, timeout, listener, maxLineBytes);
    }

    public ClientOptions withTimeout(Duration newTimeout) {
        return new ClientOptions(clientName, token, newTimeout, listener, maxLineBytes);
    }

    public ClientOptions withListener(ManagementListener newListener) {
        return new ClientOptions(clientName, token, timeout, newListener, maxLineBytes);
    }

    public ClientOptions withMaxLineBytes(int newMaxLineBytes) {
        return new ClientOptions(clientName, token, timeout, listener, newMaxLineBytes);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ClientOptions[clientName=" + clientName + ", token=" + (token == null ? "absent" : "present")
                + ", timeout=" + timeout + ", maxLineBytes=" + maxLineBytes + "]";
    }
}
