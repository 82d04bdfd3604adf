package dev.bulwark.model.client;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Where an engine's management interface listens. */
public sealed interface Endpoint {

    /** The local Unix domain socket; the engine knows the caller from the socket's peer credentials. */
    record Unix(Path socket) implements Endpoint {
        public Unix {
            requireNonNull(socket, "socket is null");
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }

    /**
     * The TCP listener, always over TLS; the caller proves who it is with a token in the hello.
     *
     * @param host the engine's host name, checked against its certificate
     * @param port the listener's port
     * @param tls trust material for the engine's certificate
     */
    record Tls(String host, int port, SSLContext tls) implements Endpoint {
        public Tls {
            requireNonNull(host, "host is null");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
            requireNonNull(tls, "tls is null");
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
