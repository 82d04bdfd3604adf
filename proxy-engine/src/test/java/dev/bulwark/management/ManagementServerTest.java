package dev.bulwark.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.ProtocolVersion;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.client.ManagementClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on a real Unix socket, driven by the real client library and by raw bytes. */
class ManagementServerTest {
    @TempDir
    Path directory;

    private TestServer engine;

    @BeforeEach
    void start() throws Exception {
        engine = TestServer.start(directory);
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    @Test
    void theHandshakeNamesTheProtocolTheEngineAndTheOperator() throws Exception {
        try (ManagementClient client = engine.connect()) {
            EngineMessage.Welcome welcome = client.welcome();
            assertEquals(ProtocolVersion.CURRENT, welcome.protocol());
            assertEquals(FakeBackend.VERSION, welcome.engine());
            // The test runs as the engine's own user, which is an admin by default.
            assertEquals(OperatorRole.ADMIN, welcome.operator().role());
        }
    }

    @Test
    void theSocketFileHasTheConfiguredModeAndIsRemovedOnClose() throws Exception {
        Path socket = engine.socket();
        assertEquals(directory.resolve("bulwark.sock").toAbsolutePath(), socket);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        try (var files = Files.list(directory)) {
            assertEquals(List.of(socket), files.toList(), "no staging directory is left behind");
        }
        engine.close();
        assertFalse(Files.exists(socket));
        engine = TestServer.start(directory);
    }

    @Test
    void aSecondEngineDoesNotStealALiveSocketButReplacesAStaleOne() throws Exception {
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TestServer.start(directory));
        assertTrue(e.getMessage().contains("already listens"), e.getMessage());
        // The first engine is unaffected.
        try (ManagementClient client = engine.connect()) {
            assertEquals(FakeBackend.VERSION, client.welcome().engine());
        }
        // A socket file nobody listens on (a crashed engine) is replaced.
        Path stale = directory.resolve("stale.sock");
        try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        try (TestServer second = TestServer.start(directory, new TestServer.Config().socket(stale).build());
             ManagementClient client = second.connect()) {
            assertEquals(FakeBackend.VERSION, client.welcome().engine());
        }
    }

    @Test
    void engineRequests() throws Exception {
        try (ManagementClient client = engine.connect()) {
            assertEquals(FakeBackend.VERSION, client.callAndWait(ClientMessage.StatusGet::new, EngineMessage.Status.class)
                    .status().version());
            assertEquals(100, client.callAndWait(ClientMessage.StatsGet::new, EngineMessage.Stats.class)
                    .stats().statementsTotal());
            EngineMessage.Version version = client.callAndWait(ClientMessage.VersionGet::new, EngineMessage.Version.class);
            assertEquals(FakeBackend.VERSION, version.engine());
            assertEquals(ProtocolVersion.CURRENT, version.protocol());
            assertTrue(client.callAndWait(ClientMessage.Ping::new, EngineMessage.Pong.class).id() > 0);
        }
    }

    @Test
    void sessionRequests() throws Exception {
        engine.fake.startSession(FakeBackend.session("s-1", "alice"));
        engine.fake.startSession(FakeBackend.session("s-2", "bob"));
        try (ManagementClient client = engine.connect()) {
            assertEquals(List.of("s-1", "s-2"), client.callAndWait(ClientMessage.SessionsList::new,
                    EngineMessage.Sessions.class).sessions().stream().map(s -> s.id()).toList());
            assertEquals("bob", client.callAndWait(id -> new ClientMessage.SessionGet(id, "s-2"),
                    EngineMessage.Session.class).session().session().subject());
            assertEquals("s-1", client.callAndWait(id -> new ClientMessage.SessionKill(id, "s-1", "runaway"),
                    EngineMessage.Killed.class).session());
            assertEquals(1, client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class)
                    .sessions().size());
            ManagementException missing = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.SessionKill(id, "s-1", null), EngineMessage.Killed.class));
            assertEquals(ErrorCode.NOT_FOUND, missing.code());
        }
    }

    @Test
    void ruleRequests() throws Exception {
        ObjectNode body = ManagementJson.mapper().createObjectNode().put("name", "No DDL").put("action", "deny");
        try (ManagementClient client = engine.connect()) {
            EngineMessage.Rule created = client.callAndWait(
                    id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "no-ddl", 0L, body), EngineMessage.Rule.class);
            assertEquals(1, created.rule().version());
            assertEquals(client.welcome().operator().name(), created.rule().changedBy(), "changed_by is the operator");
            ManagementException stale = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "no-ddl", 0L, body), EngineMessage.Rule.class));
            assertEquals(ErrorCode.CONFLICT, stale.code());
            ManagementException invalid = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "x", null,
                            ManagementJson.mapper().createObjectNode()), EngineMessage.Rule.class));
            assertEquals(ErrorCode.BAD_REQUEST, invalid.code());
            assertEquals("the rule needs a name", invalid.getMessage());

            assertEquals(List.of("no-ddl"), client.callAndWait(id -> new ClientMessage.RulesList(id, null),
                    EngineMessage.Rules.class).rules().stream().map(r -> r.id()).toList());
            assertEquals(List.of(), client.callAndWait(id -> new ClientMessage.RulesList(id, RuleKind.MASKING),
                    EngineMessage.Rules.class).rules());
            assertEquals("No DDL", client.callAndWait(id -> new ClientMessage.RuleGet(id, RuleKind.POLICY, "no-ddl"),
                    EngineMessage.Rule.class).rule().body().get("name").asText());

            EngineMessage.Tested tested = client.callAndWait(id -> new ClientMessage.RuleTest(id,
                    "SELECT id, email FROM customers", new TestIdentity("alice", List.of("analysts")), "orders"),
                    EngineMessage.Tested.class);
            assertEquals(VerdictAction.MASK, tested.result().verdict().action());
            assertEquals("email", tested.result().maskedColumns().get(0).column());
            assertEquals(List.of("customers"), tested.result().classification().tables());

            EngineMessage.Deleted deleted = client.callAndWait(
                    id -> new ClientMessage.RuleDelete(id, RuleKind.POLICY, "no-ddl", 1L), EngineMessage.Deleted.class);
            assertEquals(1, deleted.version());
            assertEquals(ErrorCode.NOT_FOUND, assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.RuleGet(id, RuleKind.POLICY, "no-ddl"), EngineMessage.Rule.class)).code());
        }
    }

    @Test
    void approvalRequests() throws Exception {
        engine.fake.hold("a-1", "s-1", "DELETE FROM orders WHERE id = 1", 2);
        engine.fake.hold("a-2", "s-1", "DELETE FROM orders", 1);
        try (ManagementClient client = engine.connect()) {
            assertEquals(2, client.callAndWait(id -> new ClientMessage.ApprovalsList(id, ApprovalState.PENDING),
                    EngineMessage.Approvals.class).approvals().size());
            EngineMessage.Approval first = client.callAndWait(
                    id -> new ClientMessage.ApprovalApprove(id, "a-1", "ticket 1"), EngineMessage.Approval.class);
            assertEquals(1, first.approval().approvals());
            assertEquals(ApprovalState.PENDING, first.approval().state(), "quorum is 2");
            assertEquals("ticket 1", first.approval().decisions().get(0).reason());
            EngineMessage.Approval denied = client.callAndWait(
                    id -> new ClientMessage.ApprovalDeny(id, "a-2", "too broad"), EngineMessage.Approval.class);
            assertEquals(ApprovalState.DENIED, denied.approval().state());
            ManagementException again = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.ApprovalApprove(id, "a-2", "oops"), EngineMessage.Approval.class));
            assertEquals(ErrorCode.CONFLICT, again.code());
            assertEquals(1, client.callAndWait(id -> new ClientMessage.ApprovalsList(id, ApprovalState.PENDING),
                    EngineMessage.Approvals.class).approvals().size());
        }
    }

    @Test
    void recordingRequestsPage() throws Exception {
        for (int i = 1; i <= 3; i++) {
            engine.fake.record(new RecordingSummary("s-" + i, i == 2 ? "bob" : "alice", List.of(), "orders", "orders",
                    "10.0.0.1:1", FakeBackend.STARTED, null, 2, 1, 0, 6), FakeBackend.sampleFrames());
        }
        try (ManagementClient client = engine.connect()) {
            EngineMessage.Recordings page = client.callAndWait(id -> new ClientMessage.RecordingsSearch(id,
                    new RecordingQuery("alice", null, null, null, null, null, null, 1, null)), EngineMessage.Recordings.class);
            assertEquals(List.of("s-1"), page.recordings().stream().map(r -> r.sessionId()).toList());
            EngineMessage.Recordings last = client.callAndWait(id -> new ClientMessage.RecordingsSearch(id,
                    new RecordingQuery("alice", null, null, null, null, null, null, 1, page.next())), EngineMessage.Recordings.class);
            assertEquals(List.of("s-3"), last.recordings().stream().map(r -> r.sessionId()).toList());
            assertNull(last.next());

            EngineMessage.Frames frames = client.callAndWait(
                    id -> new ClientMessage.RecordingFrames(id, "s-1", 2, null, 2), EngineMessage.Frames.class);
            assertEquals(List.of(2L, 3L), frames.frames().stream().map(f -> f.seq()).toList());
            assertEquals(4L, frames.next());
            FramePayload.Result result = (FramePayload.Result) frames.frames().get(1).payload();
            assertNull(result.rows().get(1).get(1), "a SQL NULL survives the trip");
            ManagementException missing = assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.RecordingFrames(id, "nope", 0, null, 0), EngineMessage.Frames.class));
            assertEquals(ErrorCode.NOT_FOUND, missing.code());
        }
    }

    @Test
    void auditAndVaultRequests() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            records.add("{\"seq\":" + i + "}");
        }
        engine.fake.auditLines(records);
        engine.fake.verification(FakeBackend.broken());
        try (ManagementClient client = engine.connect()) {
            EngineMessage.AuditVerified verified = client.callAndWait(ClientMessage.AuditVerify::new,
                    EngineMessage.AuditVerified.class);
            assertFalse(verified.verification().ok());
            assertEquals(7, verified.verification().firstBroken().sequence());

            List<String> streamed = new CopyOnWriteArrayList<>();
            EngineMessage.AuditExported exported = client.exportAudit(streamed::addAll).get(10, TimeUnit.SECONDS);
            assertEquals(5, exported.records());
            assertNull(exported.file());
            assertEquals(records, streamed);

            EngineMessage.AuditExported toFile = client.callAndWait(
                    id -> new ClientMessage.AuditExport(id, "audit.jsonl"), EngineMessage.AuditExported.class);
            assertEquals("audit.jsonl", toFile.file());

            assertEquals("orders-ro", client.callAndWait(ClientMessage.VaultList::new, EngineMessage.Vault.class)
                    .entries().get(0).name());
        }
    }

    @Test
    void aMalformedLineGetsAnErrorAndTheConnectionStaysUsable() throws Exception {
        try (RawConnection raw = engine.raw().hello()) {
            JsonNode malformed = raw.send("{\"type\":\"ping\", oops\n").next();
            assertEquals("error", malformed.get("type").asText());
            assertEquals("bad_request", malformed.at("/error/code").asText());
            assertFalse(malformed.has("id"), "no id could be read");

            assertEquals("bad_request", raw.send("[1,2,3]\n").next().at("/error/code").asText());

            JsonNode unknown = raw.send("{\"type\":\"sessions.explode\",\"id\":7}\n").next();
            assertEquals("unknown_type", unknown.at("/error/code").asText());
            assertEquals(7, unknown.get("id").asLong(), "the id is echoed when it could be read");

            JsonNode invalid = raw.send("{\"type\":\"sessions.get\",\"id\":8}\n").next();
            assertEquals("bad_request", invalid.at("/error/code").asText());
            assertEquals("invalid message: session is null", invalid.at("/error/message").asText());

            JsonNode wrongType = raw.send("{\"type\":\"recordings.frames\",\"id\":9,\"session\":\"s\",\"limit\":\"many\"}\n").next();
            assertEquals("invalid value at $.limit", wrongType.at("/error/message").asText());

            JsonNode pong = raw.send("{\"type\":\"ping\",\"id\":10}\n").next();
            assertEquals("pong", pong.get("type").asText());
            assertEquals(10, pong.get("id").asLong());
        }
    }

    @Test
    void anOversizedLineIsDiscardedAnsweredAndTheConnectionStaysUsable() throws Exception {
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().maxLineBytes(64 * 1024).build());
        try (RawConnection raw = engine.raw().hello()) {
            // 300 KiB in several writes, then a newline: nothing of it is buffered past the limit.
            String filler = "x".repeat(100 * 1024);
            raw.send("{\"type\":\"ping\",\"id\":2,\"pad\":\"" + filler);
            raw.send(filler);
            raw.send(filler + "\"}\n");
            JsonNode tooLarge = raw.next();
            assertEquals("too_large", tooLarge.at("/error/code").asText());
            assertTrue(tooLarge.at("/error/message").asText().contains("65536"));
            // The next line on the same connection works, even in the same write as more garbage.
            raw.send("{\"type\":\"ping\",\"id\":3}\n{\"type\":\"ping\",\"id\":4}\n");
            assertEquals(3, raw.next().get("id").asLong());
            assertEquals(4, raw.next().get("id").asLong());
        }
    }

    @Test
    void beforeHelloEveryRequestIsUnauthorizedAndReachesNothing() throws Exception {
        engine.fake.startSession(FakeBackend.session("s-1", "alice"));
        try (RawConnection raw = engine.raw()) {
            JsonNode refused = raw.send("{\"type\":\"sessions.list\",\"id\":1}\n").next();
            assertEquals("unauthorized", refused.at("/error/code").asText());
            assertEquals(1, refused.get("id").asLong());
            assertFalse(refused.has("sessions"));
            assertTrue(raw.quietFor(200), "an error and nothing else");
            assertEquals(List.of(), engine.fake.calls().stream().filter(c -> c.startsWith("sessions")).toList());
            // Lines before hello are capped at 64 KiB whatever max_line_bytes says.
            raw.send("{\"type\":\"hello\",\"pad\":\"" + "y".repeat(70 * 1024) + "\"}\n");
            assertEquals("too_large", raw.next().at("/error/code").asText());
            raw.hello();
        }
    }

    @Test
    void aWrongProtocolVersionIsRefused() throws Exception {
        try (RawConnection raw = engine.raw()) {
            JsonNode refused = raw.send("{\"type\":\"hello\",\"id\":1,\"protocol\":99,\"client\":\"future\"}\n").next();
            assertEquals("unsupported_version", refused.at("/error/code").asText());
            raw.hello();
            JsonNode again = raw.send("{\"type\":\"hello\",\"id\":2,\"protocol\":1,\"client\":\"twice\"}\n").next();
            assertEquals("conflict", again.at("/error/code").asText());
        }
    }

    @Test
    void backendFailuresMapToCodesWithoutLeakingDetails() throws Exception {
        engine.fake.failWith(new IllegalStateException("jdbc:h2:/secret/path password=hunter2"));
        try (ManagementClient client = engine.connect()) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertFalse(e.getMessage().contains("hunter2"));
        }
    }

    @Test
    void aBackendThatNeverAnswersTimesOutAsUnavailable() throws Exception {
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().requestTimeoutSeconds(1).build());
        engine.fake.hang(true);
        try (ManagementClient client = engine.connect()) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> client.callAndWait(ClientMessage.StatusGet::new, EngineMessage.Status.class));
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
        }
    }

    @Test
    void aConnectionWithoutHelloIsClosedAfterTheHelloTimeout() throws Exception {
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().helloTimeoutSeconds(1).idleTimeoutSeconds(1).build());
        try (RawConnection silent = engine.raw(); RawConnection greeted = engine.raw().hello()) {
            assertTrue(silent.closedWithin(5), "closed for want of a hello");
            // An authenticated connection without subscriptions goes after idle_timeout_seconds...
            assertTrue(greeted.closedWithin(5), "closed for being idle");
        }
        // ...but one with a subscription stays, however quiet.
        try (RawConnection subscribed = engine.raw().hello()) {
            subscribed.send("{\"type\":\"events.subscribe\",\"id\":2,\"topics\":[\"sessions\"]}\n");
            assertEquals("subscribed", subscribed.next().get("type").asText());
            assertFalse(subscribed.closedWithin(3));
        }
    }

    @Test
    void subscriptionsAreLimitedPerConnectionAndCanBeEnded() throws Exception {
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().maxSubscriptions(2).build());
        try (ManagementClient client = engine.connect()) {
            long first = client.subscribe(List.of(EventTopic.SESSIONS)).get(5, TimeUnit.SECONDS).subscription();
            client.subscribe(List.of(EventTopic.APPROVALS)).get(5, TimeUnit.SECONDS);
            ManagementException limit = assertThrows(ManagementException.class,
                    () -> client.await(client.subscribe(List.of(EventTopic.RULES))));
            assertEquals(ErrorCode.LIMIT_EXCEEDED, limit.code());
            assertEquals(first, client.callAndWait(id -> new ClientMessage.EventsUnsubscribe(id, first),
                    EngineMessage.Unsubscribed.class).subscription());
            assertEquals(ErrorCode.NOT_FOUND, assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.EventsUnsubscribe(id, first), EngineMessage.Unsubscribed.class)).code());
            client.subscribe(List.of(EventTopic.RULES)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnsubscribedSubscriptionGetsNoMoreEvents() throws Exception {
        try (RawConnection raw = engine.raw().hello()) {
            raw.send("{\"type\":\"events.subscribe\",\"id\":2,\"topics\":[\"sessions\"]}\n");
            long subscription = raw.next().get("subscription").asLong();
            engine.fake.startSession(FakeBackend.session("s-1", "alice"));
            assertEquals("session.started", raw.next().at("/event/type").asText());
            raw.send("{\"type\":\"events.unsubscribe\",\"id\":3,\"subscription\":" + subscription + "}\n");
            assertEquals("unsubscribed", raw.next().get("type").asText());
            engine.fake.changeSession("s-1", SessionState.ACTIVE);
            assertTrue(raw.quietFor(300));
        }
    }

    @Test
    void aSubscriberThatDoesNotReadIsDroppedAndToldSo() throws Exception {
        engine.close();
        engine = TestServer.start(directory, new TestServer.Config().maxQueuedEvents(50).build());
        String longText = "SELECT '" + "z".repeat(EventHub.MAX_STATEMENT_TEXT) + "'";
        try (RawConnection raw = engine.raw().hello()) {
            raw.send("{\"type\":\"events.subscribe\",\"id\":2,\"topics\":[\"statements\"]}\n");
            assertEquals("subscribed", raw.next().get("type").asText());
            // A publisher that never waits outruns the connection: more than 50 events are soon
            // handed over and not yet written, and the subscription is dropped.
            for (int i = 0; i < 20_000; i++) {
                engine.hub.statementExecuted("s-1", "alice", longText, VerdictAction.ALLOW, null);
            }
            JsonNode message;
            int events = 0;
            do {
                message = raw.next();
                events++;
            } while (message.get("type").asText().equals("event"));
            assertEquals("events.dropped", message.get("type").asText());
            assertTrue(events < 20_000, "dropped after " + events + " events");
            // The connection itself still works; the client may subscribe again.
            assertEquals("pong", raw.send("{\"type\":\"ping\",\"id\":3}\n").next().get("type").asText());
        }
    }
}
