package dev.bulwark.management;

import dev.bulwark.auth.PersonKeys;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;
import dev.bulwark.model.client.ManagementListener;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP listener: TLS only, operators by token, roles enforced, nothing secret in logs. */
class TlsListenerTest {
    private static final String GOOD_TOKEN = "eyJ.viewer-token.sig";
    private static final String ADMIN_TOKEN = "eyJ.admin-token.sig";
    private static final String SHORT_TOKEN = "eyJ.short-token.sig";
    private static final String EXPIRED_TOKEN = "eyJ.expired-token.sig";
    private static final String NO_EXPIRY_TOKEN = "eyJ.no-expiry-token.sig";
    private static final Duration SHORT = Duration.ofMillis(1500);

    @TempDir
    Path directory;

    private TlsFixture tls;
    private TestServer engine;
    private InetSocketAddress address;

    /** Stands in for the engine's token verifier: two known tokens, anything else refused (asynchronously). */
    private static CompletableFuture<AuthenticatedOperator> verify(String token) {
        return CompletableFuture.supplyAsync(() -> switch (token) {
            case GOOD_TOKEN -> signedIn(new Operator("vera@example.com", OperatorRole.VIEWER, List.of()), Duration.ofMinutes(10));
            case ADMIN_TOKEN -> signedIn(new Operator("ada@example.com", OperatorRole.ADMIN, List.of()), Duration.ofMinutes(10));
            case SHORT_TOKEN -> signedIn(new Operator("sam@example.com", OperatorRole.ADMIN, List.of("dba")), SHORT);
            // Within the verifier's clock skew, so it got past the verifier.
            case EXPIRED_TOKEN -> signedIn(new Operator("sam@example.com", OperatorRole.ADMIN, List.of()), Duration.ofSeconds(-5));
            case NO_EXPIRY_TOKEN -> AuthenticatedOperator.unexpiring(new Operator("sam@example.com", OperatorRole.ADMIN),
                    PersonKeys.ofNames(List.of("sam@example.com")));
            default -> throw new IllegalArgumentException("bad signature on token " + token);
        });
    }

    static AuthenticatedOperator signedIn(Operator operator, Duration valid) {
        return new AuthenticatedOperator(operator, PersonKeys.ofNames(List.of(operator.name())),
                Optional.of(Instant.now().plus(valid)));
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

    /**
     * Issue 24 class 1: ~25 s after its token expired an operator connection still listed rules,
     * approved a held statement and listed vault names. Its rights must end at exp: subscriptions
     * stop, requests in flight get no answer, one signed_out error, and the connection closes.
     */
    @Test
    void anOperatorsRightsEndWhenItsTokenExpires() throws Exception {
        List<EngineMessage.ErrorReply> uncorrelated = new CopyOnWriteArrayList<>();
        List<Event> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                events.add(event.event());
            }

            @Override
            public void onUncorrelatedError(EngineMessage.ErrorReply error) {
                uncorrelated.add(error);
            }

            @Override
            public void onClosed(Throwable cause) {
                closed.complete(cause);
            }
        };
        long connected = System.nanoTime();
        try (ManagementClient client = ManagementClient.connect(new Endpoint.Tls("localhost", address.getPort(),
                tls.clientContext()), ClientOptions.defaults("remote-console").withToken(SHORT_TOKEN)
                .withTimeout(Duration.ofSeconds(10)).withListener(listener))) {
            client.subscribe(List.of(EventTopic.SESSIONS)).get(5, TimeUnit.SECONDS);
            client.callAndWait(ClientMessage.VaultList::new, EngineMessage.Vault.class);
            client.callAndWait(id -> new ClientMessage.RulesList(id, null), EngineMessage.Rules.class);
            // No second hello: the identity of a connection cannot be switched or refreshed in place.
            ManagementException again = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.Hello(id, 1, "x", ADMIN_TOKEN), EngineMessage.Welcome.class));
            assertEquals(ErrorCode.CONFLICT, again.code());
            engine.fake.startSession(FakeBackend.session("s-before", "alice"));
            awaitTrue(() -> events.size() == 1, "the event before expiry arrives");
            engine.fake.hang(true);
            CompletableFuture<EngineMessage.Vault> inFlight = client.call(ClientMessage.VaultList::new, EngineMessage.Vault.class);

            Throwable cause = closed.get(SHORT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
            assertTrue(lived >= SHORT.toMillis() - 200, "closed only at expiry, after " + lived + " ms");
            assertTrue(lived < SHORT.toMillis() + 3000, "closed at expiry, not " + lived + " ms after connecting");
            assertEquals(1, uncorrelated.size(), () -> "one signed_out error: " + uncorrelated + " / " + cause);
            assertEquals(ErrorCode.SIGNED_OUT, uncorrelated.get(0).error().code());
            assertTrue(uncorrelated.get(0).error().message().startsWith("signed out"), uncorrelated.get(0).error().message());
            assertThrows(ExecutionException.class, () -> inFlight.get(5, TimeUnit.SECONDS), "the request in flight got no answer");
            engine.fake.hang(false);
            engine.fake.startSession(FakeBackend.session("s-after", "alice"));
            Thread.sleep(200);
            assertEquals(1, events.size(), () -> "no event after expiry: " + events);
            assertThrows(Exception.class, () -> client.callAndWait(ClientMessage.VaultList::new, EngineMessage.Vault.class));
        }
    }

    @Test
    void aTokenAlreadyExpiredOrWithoutExpiryIsRefusedAtHello() throws Exception {
        ManagementException expired = assertThrows(ManagementException.class, () -> connect(EXPIRED_TOKEN, tls.clientContext()));
        assertEquals(ErrorCode.UNAUTHORIZED, expired.code());
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        ManagementException unbounded = assertThrows(ManagementException.class, () -> connect(NO_EXPIRY_TOKEN, tls.clientContext()));
        assertEquals(ErrorCode.UNAUTHORIZED, unbounded.code());
        assertEquals(List.of(), engine.fake.calls(), "nothing reached the backend");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            Thread.sleep(20);
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
