package dev.bulwark.session;

import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.config.TlsMode;
import dev.bulwark.demo.SelfSignedCertificate;
import dev.bulwark.testing.TestEngine;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A real TLS 1.2 client (the JDK's) that renegotiates on the client listener: refused, the connection closed. */
class TlsRenegotiationIT {
    @TempDir
    static Path dir;
    private static TestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        Path[] files = SelfSignedCertificate.ensure(dir);
        var tls = SslContextBuilder.forServer(files[0].toFile(), files[1].toFile()).build();
        engine = TestEngine.start(StatementGate.ALLOW_ALL, LimitsConfig.defaults(),
                new ListenerConfig("127.0.0.1", 0, TlsMode.REQUIRED, false), tls);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static SSLSocket tls12(String protocol) throws Exception {
        Socket plain = new Socket("127.0.0.1", engine.port());
        plain.setSoTimeout(10_000);
        OutputStream out = plain.getOutputStream();
        out.write(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
        out.flush();
        assertEquals('S', plain.getInputStream().read());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", engine.port(), true);
        socket.setEnabledProtocols(new String[] {protocol});
        socket.startHandshake();
        return socket;
    }

    /** Sends a StartupMessage and reads the first reply's type: 'R' when the engine goes on. */
    private static int startup(SSLSocket socket) throws IOException {
        byte[] body = WireClient.concat(ByteBuffer.allocate(4).putInt(196608).array(),
                WireClient.cstring("user"), WireClient.cstring("alice"), WireClient.cstring("database"), WireClient.cstring("shop"),
                new byte[] {0});
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(body.length + 4).array());
        out.write(body);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int type = in.readUnsignedByte();
        in.readNBytes(in.readInt() - 4); // the whole message: what is read next is the engine's next word
        return type;
    }

    @Test
    void aClientInitiatedRenegotiationClosesTheConnection() throws Exception {
        try (SSLSocket socket = tls12("TLSv1.2")) {
            assertEquals('R', startup(socket));
            // The JDK client renegotiates when asked for a second handshake on a TLS 1.2 connection.
            assertThrows(IOException.class, () -> {
                socket.startHandshake();
                socket.getOutputStream().write(new byte[] {'p', 0, 0, 0, 5, 0});
                socket.getOutputStream().flush();
                int read = socket.getInputStream().read();
                if (read == -1) {
                    throw new java.io.EOFException("closed");
                }
            });
        }
    }

    @Test
    void tls13KeyUpdatesAndTls12WithoutRenegotiationStillWork() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (SSLSocket socket = tls12(protocol)) {
                if (protocol.equals("TLSv1.3")) {
                    socket.startHandshake(); // a KeyUpdate in TLS 1.3, not a renegotiation
                }
                assertEquals('R', startup(socket), protocol);
            }
        }
    }
}
