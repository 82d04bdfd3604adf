package dev.bulwark.console.client;

import java.io.IOException;

/** Opens connections; the socket implementation is {@link SocketConnector}, tests pass fakes. */
@FunctionalInterface
public interface Connector {
    /**
     * Connects and says hello. Blocks (network I/O): never call it on the UI thread.
     *
     * @throws IOException when the engine cannot be reached
     * @throws dev.bulwark.model.ManagementException when it refuses the hello (unauthorized, ...)
     */
    Connection open(ConnectTarget target, ConnectionEvents events) throws IOException;
}
