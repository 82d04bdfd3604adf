package dev.bulwark.management;

import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP listener: TLS only, operators by token, roles enforced, nothing secret in logs. */
class TlsListenerTest {
    private static final String GOOD_TOKEN = "eyJ.viewer-token.sig";
    private static final String ADMIN_TOKEN = "eyJ.admin-token.sig";

    @TempDir
    Path directory;

    private TlsFixture tls;
    private TestServer engine;
    private InetSocketAddress address;

    /** Stands in for the engine's token verifier: two known tokens, anything else refused (asynchronously). */
    private static CompletableFuture<Operator> verify(String token) {
        return CompletableFuture.supplyAsync(() -> switch (token) {
            case GOOD_TOKEN -> new Operator("vera@example.com", OperatorRole.VIEWER, List.of());
            case ADMIN_TOKEN -> new Operator("ada@example.com", OperatorRole.ADMIN, List.of());
            default -> throw new IllegalArgumentException("bad signature on token " + token);
        });
    }

    @BeforeEach
    void start() throws Exception {
        tls = TlsFixture.create(directory);
        ManagementConfig config = new TestServer.Config()
                .tcp(new ManagementConfig.TcpListener(true, "127.0.0.1", 0, tls.certificate().toString(),
                        tls.privateKey().toString(), null, null))
                .build();
        engine = TestServer.start(directory, config, TlsListenerTest::verify, UnixAccounts.system());
        address = engine.server.tcpAddress().orElseThrow();
        assertTrue(address.getAddress().isLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    private ManagementClient connect(String token, SSLContext context) throws IOException {
        return ManagementClient.connect(new Endpoint.Tls("localhost", address.getPort(), context),
                ClientOptions.defaults("remote-console").withToken(token).withTimeout(Duration.ofSeconds(10)));
    }

    @Test
    void aValidTokenMakesAnOperatorWhoseRoleIsEnforced() throws Exception {
        try (ManagementClient client = connect(GOOD_TOKEN, tls.clientContext())) {
            assertEquals(new Operator("vera@example.com", OperatorRole.VIEWER, List.of()), client.welcome().operator());
            assertEquals(0, client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class)
                    .sessions().size());
            ManagementException forbidden = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.SessionKill(id, "s-1", null), EngineMessage.Killed.class));
            assertEquals(ErrorCode.FORBIDDEN, forbidden.code());
        }
        try (ManagementClient client = connect(ADMIN_TOKEN, tls.clientContext())) {
            assertEquals(OperatorRole.ADMIN, client.welcome().operator().role());
            assertEquals("orders-ro", client.callAndWait(ClientMessage.VaultList::new, EngineMessage.Vault.class)
                    .entries().get(0).name());
        }
    }

    @Test
    void aBadOrMissingTokenIsRefusedAndNeverEchoed() throws Exception {
        try (LogCapture log = new LogCapture()) {
            ManagementException refused = assertThrows(ManagementException.class,
                    () -> connect("eyJ.forged.sig", tls.clientContext()));
            assertEquals(ErrorCode.UNAUTHORIZED, refused.code());
            assertFalse(refused.getMessage().contains("forged"));
            ManagementException missing = assertThrows(ManagementException.class, () -> connect(null, tls.clientContext()));
            assertEquals(ErrorCode.UNAUTHORIZED, missing.code());
            assertEquals(List.of(), engine.fake.calls(), "nothing reached the backend");
            // The log says a token was refused, and nothing of the token (the verifier's message quotes it).
            assertTrue(log.text().contains("refused a token"), "the refusal is logged");
            assertFalse(log.text().contains("forged"), "the token is not");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() throws Exception {
        // The JDK's default trust store does not know the self-signed certificate.
        assertThrows(SSLHandshakeException.class, () -> connect(GOOD_TOKEN, SSLContext.getDefault()));
    }

    @Test
    void plainTextIsNotSpokenOnTheTlsListener() throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(address, 5000);
            plain.setSoTimeout(5000);
            plain.getOutputStream().write(("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"client\":\"x\",\"token\":\""
                    + GOOD_TOKEN + "\"}\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = plain.getInputStream();
            byte[] reply = in.readNBytes(64);
            String text = new String(reply, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("welcome"), "no plaintext answer: " + text);
        }
    }

}
