package dev.bulwark.model.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagementClientTest {
    @TempDir
    Path directory;

    private static List<String> none(JsonNode request) {
        return List.of();
    }

    private ManagementClient connect(FakeEngine engine, ClientOptions options) throws IOException {
        return ManagementClient.connect(new Endpoint.Unix(engine.socket()), options);
    }

    @Test
    void helloCarriesTheProtocolVersionAndTheWelcomeNamesTheOperator() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(ManagementClientTest::none));
             ManagementClient client = connect(engine, ClientOptions.defaults("ctl-test 1"))) {
            JsonNode hello = engine.nextRequest();
            assertEquals("hello", hello.get("type").asText());
            assertEquals(ProtocolVersion.CURRENT, hello.get("protocol").asInt());
            assertEquals("ctl-test 1", hello.get("client").asText());
            assertFalse(hello.has("token"));
            assertEquals(OperatorRole.ADMIN, client.welcome().operator().role());
        }
    }

    @Test
    void repliesAreMatchedToRequestsByIdWhateverTheirOrder() throws Exception {
        List<Long> held = Collections.synchronizedList(new ArrayList<>());
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request -> {
            held.add(request.get("id").asLong());
            if (held.size() < 2) {
                return List.of();
            }
            // Answer the second request first, then the first.
            return List.of(
                    "{\"type\":\"killed\",\"id\":" + held.get(1) + ",\"session\":\"s-2\"}",
                    "{\"type\":\"killed\",\"id\":" + held.get(0) + ",\"session\":\"s-1\"}");
        }))) {
            try (ManagementClient client = connect(engine, ClientOptions.defaults("t"))) {
                CompletableFuture<EngineMessage.Killed> first =
                        client.call(id -> new ClientMessage.SessionKill(id, "s-1", null), EngineMessage.Killed.class);
                CompletableFuture<EngineMessage.Killed> second =
                        client.call(id -> new ClientMessage.SessionKill(id, "s-2", null), EngineMessage.Killed.class);
                assertEquals("s-1", first.get(5, TimeUnit.SECONDS).session());
                assertEquals("s-2", second.get(5, TimeUnit.SECONDS).session());
            }
        }
    }

    @Test
    void anErrorReplyFailsTheCallWithItsCode() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request -> List.of(
                "{\"type\":\"error\",\"id\":" + request.get("id") + ",\"error\":{\"code\":\"not_found\",\"message\":\"no session s-9\"}}")));
             ManagementClient client = connect(engine, ClientOptions.defaults("t"))) {
            ManagementException e = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.SessionGet(id, "s-9"), EngineMessage.Session.class));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertEquals("no session s-9", e.getMessage());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aRefusedHelloFailsTheConnect() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, request -> List.of(
                "{\"type\":\"error\",\"id\":" + request.get("id") + ",\"error\":{\"code\":\"unauthorized\",\"message\":\"who are you\"}}"))) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> connect(engine, ClientOptions.defaults("t").withToken("secret-token")));
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            assertEquals("secret-token", engine.nextRequest().get("token").asText());
        }
    }

    @Test
    void aMissingReplyTimesOutAndTheConnectionStaysUsable() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request ->
                request.get("type").asText().equals("ping")
                        ? List.of("{\"type\":\"pong\",\"id\":" + request.get("id") + "}")
                        : List.of()));
             ManagementClient client = connect(engine, ClientOptions.defaults("t").withTimeout(Duration.ofMillis(300)))) {
            assertThrows(SocketTimeoutException.class,
                    () -> client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class));
            assertNotNull(client.callAndWait(ClientMessage.Ping::new, EngineMessage.Pong.class));
        }
    }

    @Test
    void theSnapshotReachesTheListenerBeforeTheEventsThatFollowIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onSubscribed(EngineMessage.Subscribed subscribed) {
                seen.add("subscribed@" + subscribed.snapshot().seq());
            }

            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                seen.add("event@" + event.event().seq());
            }
        };
        String snapshot = "{\"seq\":10,\"sessions\":[],\"approvals\":[],\"rules\":[]}";
        String ended = "{\"type\":\"event\",\"subscription\":1,\"event\":{\"type\":\"session.ended\",\"seq\":%d,"
                + "\"at\":\"2026-11-21T09:30:00Z\",\"session\":\"s-1\",\"reason\":\"bye\"}}";
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request -> List.of(
                "{\"type\":\"subscribed\",\"id\":" + request.get("id") + ",\"subscription\":1,\"topics\":[\"sessions\"],"
                        + "\"snapshot\":" + snapshot + "}",
                ended.formatted(11), ended.formatted(12))));
             ManagementClient client = connect(engine, ClientOptions.defaults("t").withListener(listener))) {
            EngineMessage.Subscribed subscribed = client.subscribe(List.of(EventTopic.SESSIONS)).get(5, TimeUnit.SECONDS);
            assertEquals(1, subscribed.subscription());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("subscribed@10", "event@11", "event@12"), seen);
        }
    }

    @Test
    void whenTheEngineHangsUpPendingCallsFailAndTheListenerHears() throws Exception {
        AtomicReference<Throwable> closedWith = new AtomicReference<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onClosed(Throwable cause) {
                closedWith.set(cause);
            }
        };
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(ManagementClientTest::none));
             ManagementClient client = connect(engine, ClientOptions.defaults("t").withListener(listener))) {
            CompletableFuture<EngineMessage.Sessions> call =
                    client.call(ClientMessage.SessionsList::new, EngineMessage.Sessions.class);
            engine.nextRequest();
            engine.nextRequest();
            engine.hangUp();
            IOException e = assertThrows(IOException.class, () -> client.await(call));
            assertNotNull(e.getMessage());
            client.closeFuture().get(5, TimeUnit.SECONDS);
            assertFalse(client.isOpen());
            assertNotNull(closedWith.get());
            assertThrows(IOException.class,
                    () -> client.callAndWait(ClientMessage.Ping::new, EngineMessage.Pong.class));
        }
    }

    @Test
    void anUnreadableReplyFailsOnlyItsCall() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request ->
                request.get("type").asText().equals("ping")
                        ? List.of("{\"type\":\"pong\",\"id\":" + request.get("id") + "}")
                        : List.of("{\"type\":\"from.the.future\",\"id\":" + request.get("id") + "}")));
             ManagementClient client = connect(engine, ClientOptions.defaults("t"))) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertNotNull(client.callAndWait(ClientMessage.Ping::new, EngineMessage.Pong.class));
        }
    }

    @Test
    void aReplyOfTheWrongTypeFailsTheCall() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request ->
                List.of("{\"type\":\"pong\",\"id\":" + request.get("id") + "}")));
             ManagementClient client = connect(engine, ClientOptions.defaults("t"))) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class));
            assertTrue(e.getMessage().contains("Pong"), e.getMessage());
        }
    }

    @Test
    void aStreamedAuditExportDeliversItsLinesThenCompletes() throws Exception {
        try (FakeEngine engine = new FakeEngine(directory, FakeEngine.welcoming(request -> List.of(
                "{\"type\":\"audit.lines\",\"id\":" + request.get("id") + ",\"lines\":[\"{\\\"seq\\\":1}\",\"{\\\"seq\\\":2}\"]}",
                "{\"type\":\"audit.lines\",\"id\":" + request.get("id") + ",\"lines\":[\"{\\\"seq\\\":3}\"]}",
                "{\"type\":\"audit.exported\",\"id\":" + request.get("id") + ",\"records\":3}")));
             ManagementClient client = connect(engine, ClientOptions.defaults("t"))) {
            List<String> lines = new CopyOnWriteArrayList<>();
            EngineMessage.AuditExported done = client.exportAudit(lines::addAll).get(5, TimeUnit.SECONDS);
            assertEquals(3, done.records());
            assertEquals(List.of("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}"), lines);
        }
    }

    @Test
    void aConnectToNothingFailsWithAnIOException() {
        IOException e = assertThrows(IOException.class, () -> ManagementClient.connect(
                new Endpoint.Unix(directory.resolve("nobody.sock")), ClientOptions.defaults("t")));
        assertInstanceOf(IOException.class, e);
    }
}
