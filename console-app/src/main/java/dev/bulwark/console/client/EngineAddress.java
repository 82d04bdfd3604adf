package dev.bulwark.console.client;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Where an engine is: its local socket, or a remote TLS listener. Holds no secret, so it may be remembered. */
public sealed interface EngineAddress {

    /** The default socket of a packaged engine. */
    Path DEFAULT_SOCKET = Path.of("/var/lib/bulwark/bulwark.sock");

    /** How users read it: the socket path or {@code host:port}. */
    String display();

    /** The engine on this machine, through its Unix socket (the engine knows the OS user). */
    record Local(Path socket) implements EngineAddress {
        public Local {
            requireNonNull(socket, "socket is null");
        }

        @Override
        public String display() {
            return socket.toString();
        }
    }

    /**
     * An engine's TLS listener; the console proves who the user is with an OIDC token.
     *
     * @param caCertificate PEM certificates to trust for the engine, null for the JDK's trust store
     * @param tokenFile a file holding the token, read at every (re)connect so a refreshed token is
     *     picked up; null when the user types the token (which is never stored)
     */
    record Remote(String host, int port, Path caCertificate, Path tokenFile) implements EngineAddress {
        public Remote {
            requireNonNull(host, "host is null");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host is blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
        }

        @Override
        public String display() {
            return host + ":" + port;
        }
    }
}
