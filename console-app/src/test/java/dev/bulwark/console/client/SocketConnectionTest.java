package dev.bulwark.console.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.Decision;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket client adapter against a tiny engine that speaks the real JSON-lines protocol (with
 * shared-model's records and ManagementJson) over a real Unix domain socket.
 */
@Timeout(20)
class SocketConnectionTest {
    private static final ObjectMapper JSON = ManagementJson.mapper();
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private static final SessionSummary SESSION = new SessionSummary("s-1", "alice", List.of("analysts"), "orders", "orders",
            "bulwark_ro", "10.0.0.1:5000", "psql", NOW, SessionState.IDLE, 0, null);

    @TempDir
    Path directory;
    private ServerSocketChannel server;
    private Thread serverThread;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<Object> pushed = new LinkedBlockingQueue<>();
    private final List<SocketChannel> connections = Collections.synchronizedList(new ArrayList<>());

    private final ConnectionEvents events = new ConnectionEvents() {
        @Override
        public void snapshot(EventSnapshot snapshot) {
            pushed.add(snapshot);
        }

        @Override
        public void event(Event event) {
            pushed.add(event);
        }

        @Override
        public void dropped(String reason) {
            pushed.add("dropped " + reason);
        }

        @Override
        public void closed(Throwable cause) {
            pushed.add(cause == null ? "closed" : "lost");
        }
    };

    @BeforeEach
    void startFakeEngine() throws IOException {
        Path socket = directory.resolve("bulwark.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        serverThread = Thread.ofPlatform().daemon().name("fake-engine").start(this::serve);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serverThread.join(5000);
        synchronized (connections) {
            for (SocketChannel channel : connections) {
                channel.close();
            }
        }
    }

    /** Accepts connections until the server closes; each one is served on its own thread. */
    private void serve() {
        try {
            while (true) {
                SocketChannel channel = server.accept();
                Thread.ofPlatform().daemon().name("fake-engine-connection").start(() -> serveOne(channel));
            }
        } catch (IOException e) {
            // The test closed the server.
        }
    }

    private void serveOne(SocketChannel accepted) {
        connections.add(accepted);
        try (SocketChannel channel = accepted) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(channel);
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                ClientMessage message = JSON.readValue(line, ClientMessage.class);
                for (Object reply : answer(message)) {
                    out.write(JSON.writeValueAsBytes(reply));
                    out.write('\n');
                }
                out.flush();
            }
        } catch (IOException e) {
            // The test closed the server or the client left.
        }
    }

    private static List<Object> answer(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Hello hello -> List.of(new EngineMessage.Welcome(hello.id(), 1, "fake-1",
                    new Operator("carol", OperatorRole.ADMIN)));
            case ClientMessage.Ping ping -> List.of(new EngineMessage.Pong(ping.id()));
            case ClientMessage.EventsSubscribe subscribe -> List.of(
                    new EngineMessage.Subscribed(subscribe.id(), 1, subscribe.topics(),
                            new EventSnapshot(7, List.of(SESSION), List.of(), List.of())),
                    new EngineMessage.EventMessage(1, new Event.SessionChanged(8, NOW, SESSION.withState(SessionState.ACTIVE))));
            case ClientMessage.SessionGet get -> List.of(EngineMessage.ErrorReply.of(get.id(), ErrorCode.NOT_FOUND,
                    "no session " + get.session()));
            case ClientMessage.ApprovalApprove approve -> List.of(new EngineMessage.Approval(approve.id(),
                    new ApprovalSummary(approve.approval(), "s-1", "bob", "orders", "bulwark_rw", "hold", "UPDATE t SET x = 1",
                            "sha256:1", NOW, 1, 1, ApprovalState.APPROVED, List.of())));
            case ClientMessage.RulePut put -> List.of(new EngineMessage.Rule(put.id(), new RuleDocument(put.kind(), put.rule(),
                    put.expectedVersion() + 1, "carol", NOW, put.body())));
            case ClientMessage.AuditExport export -> List.of(
                    new EngineMessage.AuditLines(export.id(), List.of("{\"record\":\"admin\"}", "{\"record\":\"frame\"}")),
                    new EngineMessage.AuditLines(export.id(), List.of("{\"record\":\"frame\"}")),
                    new EngineMessage.AuditExported(export.id(), 3, null));
            default -> List.of(EngineMessage.ErrorReply.of(message.id(), ErrorCode.UNKNOWN_TYPE, "not in this fake"));
        };
    }

    private Connection connect() throws IOException {
        return new SocketConnector("console-test").open(
                ConnectTarget.of(new EngineAddress.Local(directory.resolve("bulwark.sock"))), events);
    }

    @Test
    void saysHelloAndKnowsWhoItIs() throws Exception {
        try (Connection connection = connect()) {
            assertEquals(new Operator("carol", OperatorRole.ADMIN), connection.operator());
            assertEquals("fake-1", connection.engineVersion());
            connection.ping().get(5, TimeUnit.SECONDS);
        }
        assertEquals("closed", pushed.poll(5, TimeUnit.SECONDS));
        assertTrue(received.get(0).contains("\"type\":\"hello\""), received.get(0));
        assertTrue(received.get(0).contains("\"client\":\"console-test\""), received.get(0));
    }

    @Test
    void subscribingDeliversTheSnapshotThenEventsInOrder() throws Exception {
        try (Connection connection = connect()) {
            connection.subscribe(List.of(EventTopic.SESSIONS, EventTopic.APPROVALS)).get(5, TimeUnit.SECONDS);

            EventSnapshot snapshot = assertInstanceOf(EventSnapshot.class, pushed.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of(SESSION), snapshot.sessions());
            Event.SessionChanged changed = assertInstanceOf(Event.SessionChanged.class, pushed.poll(5, TimeUnit.SECONDS));
            assertEquals(SessionState.ACTIVE, changed.session().state());
            assertTrue(received.get(1).contains("\"topics\":[\"sessions\",\"approvals\"]"), received.get(1));
        }
    }

    @Test
    void anErrorReplyFailsTheRequestWithTheEnginesCode() throws Exception {
        try (Connection connection = connect()) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> connection.session("nope").get(5, TimeUnit.SECONDS));
            ManagementException management = assertInstanceOf(ManagementException.class, failure.getCause());
            assertEquals(ErrorCode.NOT_FOUND, management.code());
            assertEquals("Not found: no session nope", Failures.message(failure));
        }
    }

    @Test
    void decisionsAndRulesGoOutAsTheirProtocolRequests() throws Exception {
        try (Connection connection = connect()) {
            ApprovalSummary approved = connection.decide("a-1", Decision.APPROVE, "looks fine").get(5, TimeUnit.SECONDS);
            assertEquals(ApprovalState.APPROVED, approved.state());
            RuleDocument stored = connection.putRule(RuleKind.POLICY, "no-ddl",
                    Samples.object("{\"action\":\"DENY\"}"), 2).get(5, TimeUnit.SECONDS);
            assertEquals(3, stored.version());
        }
        String approve = received.stream().filter(line -> line.contains("approvals.approve")).findFirst().orElseThrow();
        assertTrue(approve.contains("\"approval\":\"a-1\"") && approve.contains("\"reason\":\"looks fine\""), approve);
        String put = received.stream().filter(line -> line.contains("rules.put")).findFirst().orElseThrow();
        assertTrue(put.contains("\"expected_version\":2") && put.contains("\"kind\":\"policy\""), put);
    }

    @Test
    void theAuditExportStreamsItsLinesOnAConnectionOfItsOwn() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Connection connection = connect()) {
            long count = connection.exportAudit(lines::addAll).get(5, TimeUnit.SECONDS);
            assertEquals(3, count);
        }
        assertEquals(3, lines.size());
        assertEquals(2, received.stream().filter(line -> line.contains("\"type\":\"hello\"")).count(),
                "the export said hello on a second connection");
    }

    @Test
    void reorderingIsNotInTheProtocolYet() throws Exception {
        try (Connection connection = connect()) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> connection.reorderRules(RuleKind.POLICY, List.of("a", "b")).get());
            assertInstanceOf(UnsupportedOperationException.class, failure.getCause());
        }
    }

    @Test
    void aStoppedEngineIsReportedAsLost() throws Exception {
        Connection connection = connect();
        stop();
        Object last = null;
        for (int i = 0; i < 3 && !"lost".equals(last); i++) {
            last = pushed.poll(5, TimeUnit.SECONDS);
        }
        assertEquals("lost", last);
        connection.close();
    }

    @Test
    void aRemoteEngineNeedsAToken() throws Exception {
        EngineAddress.Remote remote = new EngineAddress.Remote("engine.test", 7433, null, null);
        ManagementException refused = assertThrows(ManagementException.class,
                () -> SocketConnector.token(ConnectTarget.of(remote), remote));
        assertEquals(ErrorCode.UNAUTHORIZED, refused.code());

        Path tokenFile = Files.writeString(directory.resolve("token"), "  eyJ.test.token\n");
        EngineAddress.Remote withFile = new EngineAddress.Remote("engine.test", 7433, null, tokenFile);
        assertEquals("eyJ.test.token", SocketConnector.token(ConnectTarget.of(withFile), withFile));
        assertEquals("typed", SocketConnector.token(new ConnectTarget(withFile, "typed"), withFile));
        assertNotNull(SocketConnector.tls(null));
        assertTrue(new ConnectTarget(withFile, "secret").toString().contains("token=present"));
        assertTrue(!new ConnectTarget(withFile, "secret").toString().contains("secret"));
    }
}
