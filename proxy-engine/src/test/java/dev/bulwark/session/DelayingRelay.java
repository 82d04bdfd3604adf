package dev.bulwark.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP relay in front of a server that waits before it connects each new connection: a slow network for tests. */
final class DelayingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;

    DelayingRelay(int targetPort, long delayMillis) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("delaying-relay").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Thread.ofPlatform().daemon().start(() -> relay(in, targetPort, delayMillis));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private static void relay(Socket in, int targetPort, long delayMillis) {
        try (in; Socket out = connectLater(targetPort, delayMillis)) {
            Thread back = Thread.ofPlatform().daemon().start(() -> pump(out, in));
            pump(in, out);
            back.join(10_000);
        } catch (IOException | InterruptedException ignored) {
            // one side went away
        }
    }

    private static Socket connectLater(int port, long delayMillis) throws IOException {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    /** Copies until end of stream, then passes the end on (half-close). */
    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
