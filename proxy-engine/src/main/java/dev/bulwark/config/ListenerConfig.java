package dev.bulwark.config;

import java.util.Objects;

/**
 * One client listener.
 *
 * @param host address to bind (default 127.0.0.1)
 * @param port port to bind (default 6432)
 * @param tls whether TLS is required, optional or off
 * @param allowPlaintextLoopback whether a token may be sent without TLS from a loopback address
 */
public record ListenerConfig(String host, Integer port, TlsMode tls, Boolean allowPlaintextLoopback) {
    public ListenerConfig {
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, 6432);
        tls = Objects.requireNonNullElse(tls, TlsMode.REQUIRED);
        allowPlaintextLoopback = Objects.requireNonNullElse(allowPlaintextLoopback, false);
        if (port < 0 || port > 65535) {
            throw new ConfigException("listeners[].port", "must be between 0 and 65535, was " + port);
        }
    }
}
