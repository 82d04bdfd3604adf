package dev.bulwark.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.model.OperatorRole;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagementConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Test
    void defaultsArePinned() {
        ManagementConfig config = ManagementConfig.defaults();
        assertTrue(config.enabled());
        assertEquals(Path.of("/var/lib/bulwark/bulwark.sock"), config.socketPath(Path.of("/var/lib/bulwark")));
        assertEquals("0660", config.socketMode());
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(config.socketPermissions()));
        assertTrue(config.trustEngineUser());
        assertEquals(List.of(), config.operators());
        assertFalse(config.tcp().enabled());
        assertEquals("127.0.0.1", config.tcp().host());
        assertEquals(7433, config.tcp().port());
        assertEquals("bulwark-management", config.tcp().audience());
        assertEquals(1024 * 1024, config.maxLineBytes());
        assertEquals(8, config.maxSubscriptions());
        assertEquals(32, config.maxInFlight());
        assertEquals(10_000, config.maxQueuedEvents());
        assertEquals(10, config.helloTimeoutSeconds());
        assertEquals(3600, config.idleTimeoutSeconds());
        assertEquals(60, config.requestTimeoutSeconds());
    }

    @Test
    void readsTheDocumentedYaml() throws Exception {
        ManagementConfig config = YAML.readValue("""
                socket: /run/bulwark/mgmt.sock
                socket_group: bulwark-operators
                socket_mode: "0600"
                trust_engine_user: false
                operators:
                  - { user: alice, role: admin, also_known_as: [alice@example.com, 00u1abc] }
                  - { uid: 1001, name: ci-bot, role: viewer }
                  - { group: dba, role: reviewer }
                tcp:
                  enabled: true
                  port: 7500
                  certificate: /etc/bulwark/mgmt.crt
                  private_key: /etc/bulwark/mgmt.key
                  roles: { admin: [bulwark-admins], reviewer: [dba], viewer: [support] }
                max_line_bytes: 2097152
                hello_timeout_seconds: 5
                """, ManagementConfig.class);
        assertEquals(Path.of("/run/bulwark/mgmt.sock"), config.socketPath(Path.of("/ignored")));
        assertEquals("bulwark-operators", config.socketGroup());
        assertFalse(config.trustEngineUser());
        assertEquals(new ManagementConfig.LocalOperator(null, 1001, null, null, "ci-bot", OperatorRole.VIEWER),
                config.operators().get(1));
        assertEquals(List.of("alice@example.com", "00u1abc"), config.operators().get(0).alsoKnownAs());
        assertEquals(List.of(), config.operators().get(1).alsoKnownAs());
        assertEquals(7500, config.tcp().port());
        assertEquals("127.0.0.1", config.tcp().host(), "loopback unless configured");
        assertEquals(Optional.of(OperatorRole.REVIEWER), config.tcp().roles().roleFor(List.of("support", "dba")));
        assertEquals(Optional.empty(), config.tcp().roles().roleFor(List.of("everyone")));
        assertEquals(2097152, config.maxLineBytes());
        assertEquals(5, config.helloTimeoutSeconds());
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertMessage("socket_mode", "socket_mode: rw-rw----");
        assertMessage("hello_timeout_seconds", "hello_timeout_seconds: 0");
        assertMessage("max_line_bytes", "max_line_bytes: 100");
        assertMessage("exactly one of user, uid, group, gid", "operators: [ { user: a, uid: 1, role: admin } ]");
        assertMessage("needs a role", "operators: [ { user: a } ]");
        assertMessage("also_known_as has an empty name", "operators: [ { user: a, role: admin, also_known_as: [\" \"] } ]");
        assertMessage("invisible or control characters", "operators: [ { user: a, role: admin, name: \"ops\\u200B\" } ]");
        assertMessage("invisible or control characters", "operators: [ { user: a, role: admin, also_known_as: [\"bob \"] } ]");
        assertMessage("management.tcp.certificate", "tcp: { enabled: true }");
    }

    private static void assertMessage(String expected, String yaml) {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> YAML.readValue(yaml, ManagementConfig.class));
        assertTrue(e.getCause().getMessage().contains(expected), e.getCause().getMessage());
    }
}
