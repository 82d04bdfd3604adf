package dev.bulwark.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.management.ManagementConfig;
import dev.bulwark.management.ManagementServer;
import dev.bulwark.management.OperatorAuthenticator;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.TestIdentity;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;
import dev.bulwark.model.client.ManagementListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real management server on a real Unix socket, in front of this package's backend, driven by the real client. */
class ManagementSocketTest {
    @TempDir
    Path dataDir;

    private EngineFixture engine;
    private ManagementServer server;

    @BeforeEach
    void start() throws Exception {
        engine = new EngineFixture(dataDir);
        // Defaults: the socket in the data directory, the engine's own OS user (this test) is an admin.
        server = ManagementServer.start(ManagementConfig.defaults(), dataDir, engine.backend, engine.hub,
                OperatorAuthenticator.REFUSE_ALL);
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    private ManagementClient connect(ManagementListener listener) throws Exception {
        return ManagementClient.connect(new Endpoint.Unix(server.socketPath().orElseThrow()),
                ClientOptions.defaults("engine-test").withListener(listener).withTimeout(Duration.ofSeconds(20)));
    }

    @Test
    void aConsoleSeesTheEngineItsSessionsItsRulesAndTheirChanges() throws Exception {
        engine.sessionEvents.started(new FakeLiveSession("s-1", "alice", "analysts"));
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                events.add(event.event());
            }
        };
        try (ManagementClient console = connect(listener); ManagementClient admin = connect(ManagementListener.NONE)) {
            EngineMessage.Welcome welcome = console.welcome();
            assertEquals("dev", welcome.engine());
            assertEquals(OperatorRole.ADMIN, welcome.operator().role());

            List<String> sessions = console.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class)
                    .sessions().stream().map(session -> session.subject()).toList();
            assertEquals(List.of("alice"), sessions);

            EngineMessage.Tested tested = console.callAndWait(id -> new ClientMessage.RuleTest(id,
                    "SELECT email FROM customers", new TestIdentity("alice", List.of("analysts")), "shop"), EngineMessage.Tested.class);
            assertEquals(VerdictAction.MASK, tested.result().verdict().action());
            assertEquals(List.of(new MaskedColumn("customers", "email", "customers-email", "partial")),
                    tested.result().maskedColumns());

            EngineMessage.Subscribed subscribed = console.subscribe(List.of(EventTopic.RULES)).get(20, TimeUnit.SECONDS);
            assertEquals(17, subscribed.snapshot().rules().size(), "every demo rule, policy and masking");

            ObjectNode body = ManagementJson.mapper().createObjectNode().put("action", "DENY").put("message", "no reports");
            body.putObject("match").putArray("groups").add("reports");
            RuleDocument stored = admin.callAndWait(id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "no-reports", 0L, body),
                    EngineMessage.Rule.class).rule();
            assertEquals(1, stored.version());
            assertEquals(admin.welcome().operator().name(), stored.changedBy());

            Event event = events.poll(20, TimeUnit.SECONDS);
            assertNotNull(event, "the subscriber hears of the change");
            RuleDocument published = assertInstanceOf(Event.RuleChanged.class, event).rule();
            assertEquals(stored, published);

            ManagementException conflict = assertThrows(ManagementException.class, () -> admin.callAndWait(
                    id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "no-reports", 0L, body), EngineMessage.Rule.class));
            assertEquals(ErrorCode.CONFLICT, conflict.code());
            ManagementException invalid = assertThrows(ManagementException.class, () -> admin.callAndWait(
                    id -> new ClientMessage.RulePut(id, RuleKind.POLICY, "held", null,
                            ManagementJson.mapper().createObjectNode().put("action", "HOLD")), EngineMessage.Rule.class));
            assertEquals(ErrorCode.BAD_REQUEST, invalid.code());
            assertTrue(invalid.getMessage().contains("needs approval"), invalid.getMessage());

            EngineMessage.Deleted deleted = admin.callAndWait(id -> new ClientMessage.RuleDelete(id, RuleKind.POLICY, "no-reports", 1L),
                    EngineMessage.Deleted.class);
            assertEquals(1, deleted.version());
            assertInstanceOf(Event.RuleDeleted.class, events.poll(20, TimeUnit.SECONDS));

            EngineMessage.Status status = console.callAndWait(ClientMessage.StatusGet::new, EngineMessage.Status.class);
            assertEquals(1, status.status().targets().size());
            assertTrue(console.callAndWait(ClientMessage.AuditVerify::new, EngineMessage.AuditVerified.class).verification().ok());
        }
    }
}
