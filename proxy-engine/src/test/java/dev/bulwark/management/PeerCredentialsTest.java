package dev.bulwark.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.client.ManagementClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SO_PEERCRED on a real socket: the kernel tells the engine the test process's uid and gid, and
 * configuration maps them to an operator.
 */
class PeerCredentialsTest {
    @TempDir
    Path directory;

    private int uid;
    private int gid;

    @BeforeEach
    void whoAmI() throws Exception {
        uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }

    private UnixAccounts accounts() throws Exception {
        Path passwd = directory.resolve("passwd");
        Path group = directory.resolve("group");
        Files.writeString(passwd, "# test accounts\nops-person:x:" + uid + ":" + gid + ":Ops:/home/ops:/bin/sh\n"
                + "someone:x:" + (uid + 4242) + ":" + (gid + 4242) + "::/:/bin/false\n");
        Files.writeString(group, "opsgroup:x:" + (gid + 777) + ":someone,ops-person\nprimary:x:" + gid + ":\n");
        return UnixAccounts.load(passwd, group);
    }

    private TestServer start(TestServer.Config config) throws Exception {
        Path sockets = Files.createDirectories(directory.resolve("run"));
        return TestServer.start(sockets, config.build(), OperatorAuthenticator.REFUSE_ALL, accounts());
    }

    @Test
    void theTestProcessUidMapsToTheConfiguredOperator() throws Exception {
        try (TestServer engine = start(new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator(null, uid, null, null, "night-shift", OperatorRole.REVIEWER)));
             ManagementClient client = engine.connect()) {
            assertEquals(new Operator("night-shift", OperatorRole.REVIEWER, List.of()), client.welcome().operator());
            // A reviewer may list sessions but not kill one.
            client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class);
            assertEquals(ErrorCode.FORBIDDEN, assertThrows(ManagementException.class, () -> client.callAndWait(
                    id -> new ClientMessage.SessionKill(id, "s-1", null), EngineMessage.Killed.class)).code());
        }
    }

    /** Issue 24 class 4: a Unix operator is known by its name, its OS user and its also_known_as names. */
    @Test
    void theUnixOperatorIsThePersonItsConfigurationNames() throws Exception {
        ManagementConfig config = new TestServer.Config().trustEngineUser(true).operators(
                new ManagementConfig.LocalOperator(null, uid, null, null, "Night-Shift", OperatorRole.REVIEWER,
                        List.of("dba"), List.of("Bob@Example.com", "\uFF42\uFF4F\uFF42"))).build();
        PeerOperators operators = new PeerOperators(config, accounts(), uid + 1);
        AuthenticatedOperator found = operators.resolve(uid, gid).orElseThrow();
        assertEquals(new Operator("Night-Shift", OperatorRole.REVIEWER, List.of("dba")), found.operator());
        assertEquals(java.util.Set.of("night-shift", "ops-person", "bob@example.com", "bob"), found.person().keys());
        assertEquals(java.util.Optional.empty(), found.expiresAt(), "the kernel vouches for as long as the connection lasts");
        AuthenticatedOperator engineUser = new PeerOperators(ManagementConfig.defaults(), accounts(), uid)
                .resolve(uid, gid).orElseThrow();
        assertEquals(java.util.Set.of("ops-person"), engineUser.person().keys(), "trust_engine_user: the OS user name");
    }

    @Test
    void aViewerTryingToApproveIsForbiddenAndGetsNoData() throws Exception {
        try (TestServer engine = start(new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator(null, uid, null, null, "vera", OperatorRole.VIEWER)))) {
            engine.fake.hold("a-1", "s-1", "DELETE FROM orders", 1);
            try (RawConnection raw = engine.raw().hello()) {
                JsonNode refused = raw.send("{\"type\":\"approvals.approve\",\"id\":5,\"approval\":\"a-1\","
                        + "\"reason\":\"looks fine\"}\n").next();
                assertEquals("error", refused.get("type").asText());
                assertEquals(5, refused.get("id").asLong());
                assertEquals("forbidden", refused.at("/error/code").asText());
                assertEquals("approvals.approve needs the reviewer role; vera is viewer",
                        refused.at("/error/message").asText());
                assertFalse(refused.has("approval"), "no approval data");
                assertTrue(raw.quietFor(200), "nothing else follows");
                // The rules topic is admin-only too; sessions are fine.
                raw.send("{\"type\":\"events.subscribe\",\"id\":6,\"topics\":[\"rules\"]}\n");
                assertEquals("forbidden", raw.next().at("/error/code").asText());
                raw.send("{\"type\":\"approvals.list\",\"id\":7}\n");
                assertEquals("pending", raw.next().at("/approvals/0/state").asText());
            }
            assertFalse(engine.fake.calls().contains("approvals.decide"), "the backend never saw it");
        }
    }

    @Test
    void usersAndGroupsAreMatchedByNameThroughPasswdAndGroup() throws Exception {
        try (TestServer engine = start(new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator("someone-else", null, null, null, null, OperatorRole.ADMIN),
                new ManagementConfig.LocalOperator("ops-person", null, null, null, null, OperatorRole.VIEWER)));
             ManagementClient client = engine.connect()) {
            assertEquals(new Operator("ops-person", OperatorRole.VIEWER, List.of()), client.welcome().operator());
        }
        // Membership of a supplementary group listed in /etc/group.
        try (TestServer engine = start(new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator(null, null, "opsgroup", null, null, OperatorRole.ADMIN)));
             ManagementClient client = engine.connect()) {
            assertEquals(new Operator("ops-person", OperatorRole.ADMIN, List.of()), client.welcome().operator());
        }
    }

    @Test
    void anUnmappedUserIsRefusedAtHelloAndCannotGoFurther() throws Exception {
        try (TestServer engine = start(new TestServer.Config().trustEngineUser(false).operators(
                new ManagementConfig.LocalOperator(null, uid + 1, null, null, null, OperatorRole.ADMIN)))) {
            ManagementException refused = assertThrows(ManagementException.class, engine::connect);
            assertEquals(ErrorCode.UNAUTHORIZED, refused.code());
            assertTrue(refused.getMessage().contains("uid " + uid), refused.getMessage());
            try (RawConnection raw = engine.raw()) {
                for (int attempt = 1; attempt <= 3; attempt++) {
                    raw.send("{\"type\":\"hello\",\"id\":" + attempt + ",\"protocol\":1,\"client\":\"x\"}\n");
                    assertEquals("unauthorized", raw.next().at("/error/code").asText());
                    if (attempt == 1) {
                        JsonNode still = raw.send("{\"type\":\"sessions.list\",\"id\":9}\n").next();
                        assertEquals("unauthorized", still.at("/error/code").asText());
                        assertFalse(still.has("sessions"));
                    }
                }
                assertTrue(raw.closedWithin(5), "three refused hellos end the connection");
            }
            assertEquals(List.of(), engine.fake.calls());
        }
    }

    @Test
    void byDefaultTheEngineUserIsAnAdmin() throws Exception {
        try (TestServer engine = start(new TestServer.Config()); ManagementClient client = engine.connect()) {
            assertEquals(new Operator("ops-person", OperatorRole.ADMIN, List.of()), client.welcome().operator());
        }
    }
}
