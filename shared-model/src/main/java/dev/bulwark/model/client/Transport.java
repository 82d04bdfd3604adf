package dev.bulwark.model.client;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A blocking byte stream to the engine. One thread reads while others write: a SocketChannel
 * allows that directly (separate read and write locks), and so does a socket's stream pair.
 */
sealed interface Transport extends AutoCloseable {

    /** Reads some bytes; -1 at the end of the stream. */
    int read(byte[] buffer) throws IOException;

    void write(byte[] bytes) throws IOException;

    @Override
    void close() throws IOException;

    static Transport open(Endpoint endpoint, Duration timeout) throws IOException {
        return switch (endpoint) {
            case Endpoint.Unix unix -> UnixTransport.open(unix);
            case Endpoint.Tls tls -> TlsTransport.open(tls, timeout);
        };
    }

    final class UnixTransport implements Transport {
        private final SocketChannel channel;

        private UnixTransport(SocketChannel channel) {
            this.channel = channel;
        }

        static UnixTransport open(Endpoint.Unix endpoint) throws IOException {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(endpoint.socket()));
                return new UnixTransport(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer) throws IOException {
            return channel.read(ByteBuffer.wrap(buffer));
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    final class TlsTransport implements Transport {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        private TlsTransport(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static TlsTransport open(Endpoint.Tls endpoint, Duration timeout) throws IOException {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
                SSLSocket socket = (SSLSocket) endpoint.tls().getSocketFactory()
                        .createSocket(plain, endpoint.host(), endpoint.port(), true);
                SSLParameters parameters = socket.getSSLParameters();
                // Check the certificate names this host, as a browser would.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(millis);
                socket.startHandshake();
                socket.setSoTimeout(0);
                return new TlsTransport(socket);
            } catch (IOException | RuntimeException e) {
                plain.close();
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer) throws IOException {
            return in.read(buffer);
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
