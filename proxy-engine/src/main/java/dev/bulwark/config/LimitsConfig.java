package dev.bulwark.config;

import java.time.Duration;
import java.util.Objects;

/**
 * @param maxMessageBytes largest message a client may send once authenticated (default 1 GiB, as PostgreSQL)
 * @param maxMessageBytesBeforeAuth largest message before authentication (the token)
 * @param authenticationTimeout time from connect to a ready session
 * @param upstreamConnectTimeout time to connect and log in to a target
 */
public record LimitsConfig(Integer maxMessageBytes, Integer maxMessageBytesBeforeAuth,
                           Duration authenticationTimeout, Duration upstreamConnectTimeout) {
    public LimitsConfig {
        maxMessageBytes = Objects.requireNonNullElse(maxMessageBytes, 1 << 30);
        maxMessageBytesBeforeAuth = Objects.requireNonNullElse(maxMessageBytesBeforeAuth, 64 * 1024);
        authenticationTimeout = Objects.requireNonNullElse(authenticationTimeout, Duration.ofSeconds(30));
        upstreamConnectTimeout = Objects.requireNonNullElse(upstreamConnectTimeout, Duration.ofSeconds(10));
        if (maxMessageBytes < 1024) {
            throw new ConfigException("limits.max_message_bytes", "must be at least 1024");
        }
        if (maxMessageBytesBeforeAuth < 1024 || maxMessageBytesBeforeAuth > 1 << 20) {
            throw new ConfigException("limits.max_message_bytes_before_auth", "must be between 1 KiB and 1 MiB");
        }
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null);
    }
}
