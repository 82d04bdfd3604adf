package dev.bulwark.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagementJsonTest {
    private static final ObjectMapper JSON = ManagementJson.mapper();

    @Test
    void unknownFieldsAreIgnoredSoEitherSideCanAddSome() throws IOException {
        ClientMessage message = JSON.readValue(
                "{\"type\":\"sessions.get\",\"id\":4,\"session\":\"s-1\",\"future_field\":{\"x\":1}}", ClientMessage.class);
        assertEquals(new ClientMessage.SessionGet(4, "s-1"), message);
    }

    @Test
    void unknownAndMissingTypesAreErrors() {
        InvalidTypeIdException unknown = assertThrows(InvalidTypeIdException.class,
                () -> JSON.readValue("{\"type\":\"sessions.explode\",\"id\":1}", ClientMessage.class));
        assertEquals("sessions.explode", unknown.getTypeId());
        InvalidTypeIdException missing = assertThrows(InvalidTypeIdException.class,
                () -> JSON.readValue("{\"id\":1}", ClientMessage.class));
        assertNull(missing.getTypeId());
    }

    @Test
    void aRequestWithoutAPositiveIdIsRejected() {
        assertThrows(ValueInstantiationException.class,
                () -> JSON.readValue("{\"type\":\"ping\"}", ClientMessage.class));
        assertThrows(ValueInstantiationException.class,
                () -> JSON.readValue("{\"type\":\"ping\",\"id\":-3}", ClientMessage.class));
    }

    @Test
    void scalarsAreNotCoerced() {
        assertThrows(IOException.class, () -> JSON.readValue("{\"type\":\"ping\",\"id\":\"7\"}", ClientMessage.class));
    }

    @Test
    void trailingGarbageOnALineIsAnError() {
        assertThrows(IOException.class, () -> JSON.readValue("{\"type\":\"ping\",\"id\":1} {}", ClientMessage.class));
    }

    @Test
    void nullsAreNotWrittenAndInstantsAreIsoStrings() throws IOException {
        String json = JSON.writeValueAsString(new ClientMessage.Hello(1, 1, "test", null));
        assertFalse(json.contains("token"), json);
        String event = JSON.writeValueAsString(new Event.SessionEnded(9, Samples.AT, "s-1", "gone"));
        assertTrue(event.contains("\"at\":\"2026-11-21T09:30:00Z\""), event);
        assertEquals(Samples.LATER, JSON.readValue("\"2026-11-21T09:31:15.250Z\"", java.time.Instant.class));
        assertThrows(IOException.class, () -> JSON.readValue("\"yesterday\"", java.time.Instant.class));
        assertThrows(IOException.class, () -> JSON.readValue("1763717400", java.time.Instant.class));
    }

    @Test
    void theHelloNeverPrintsItsToken() {
        ClientMessage.Hello hello = new ClientMessage.Hello(1, 1, "console", "eyJhbGciOiJSUzI1NiJ9.secret.sig");
        assertFalse(hello.toString().contains("secret"), hello.toString());
        assertTrue(hello.toString().contains("token=present"));
    }

    @Test
    void subscribingToNoTopicMeansWhatEveryRoleMaySeeAndTopicsAreDeduplicated() throws IOException {
        ClientMessage.EventsSubscribe all = (ClientMessage.EventsSubscribe)
                JSON.readValue("{\"type\":\"events.subscribe\",\"id\":2}", ClientMessage.class);
        assertEquals(List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS, EventTopic.APPROVALS), all.topics());
        assertEquals(OperatorRole.VIEWER, OperatorRole.requiredFor(all));
        ClientMessage.EventsSubscribe some = (ClientMessage.EventsSubscribe) JSON.readValue(
                "{\"type\":\"events.subscribe\",\"id\":2,\"topics\":[\"rules\",\"sessions\",\"rules\"]}", ClientMessage.class);
        assertEquals(List.of(EventTopic.SESSIONS, EventTopic.RULES), some.topics());
    }

    @Test
    void anExportFileMustBeAPlainName() {
        assertEquals("audit.jsonl", new ClientMessage.AuditExport(1, "audit.jsonl").file());
        for (String bad : List.of("../etc/passwd", "/tmp/x", "a/b", ".hidden", "..")) {
            assertThrows(IllegalArgumentException.class, () -> new ClientMessage.AuditExport(1, bad), bad);
        }
    }

    @Test
    void roleRequirementsFollowTheRoleTable() {
        assertEquals(OperatorRole.VIEWER, OperatorRole.requiredFor(new ClientMessage.SessionsList(1)));
        assertEquals(OperatorRole.REVIEWER, OperatorRole.requiredFor(new ClientMessage.ApprovalApprove(1, "a", "ok")));
        assertEquals(OperatorRole.ADMIN, OperatorRole.requiredFor(new ClientMessage.SessionKill(1, "s", null)));
        assertEquals(OperatorRole.ADMIN, OperatorRole.requiredFor(new ClientMessage.VaultList(1)));
        assertEquals(OperatorRole.VIEWER, OperatorRole.requiredFor(
                new ClientMessage.EventsSubscribe(1, List.of(EventTopic.SESSIONS, EventTopic.STATEMENTS))));
        assertEquals(OperatorRole.ADMIN, OperatorRole.requiredFor(
                new ClientMessage.EventsSubscribe(1, List.of(EventTopic.SESSIONS, EventTopic.RULES))));
        assertTrue(OperatorRole.ADMIN.includes(OperatorRole.REVIEWER));
        assertFalse(OperatorRole.VIEWER.includes(OperatorRole.REVIEWER));
    }

    @Test
    void resultRowsKeepSqlNulls() throws IOException {
        FramePayload payload = JSON.readValue(
                "{\"kind\":\"result\",\"columns\":[{\"name\":\"a\",\"type\":\"text\"}],\"rows\":[[null],[\"x\"]],"
                        + "\"truncated\":true,\"row_count\":5000,\"command_tag\":\"SELECT 5000\"}", FramePayload.class);
        FramePayload.Result result = assertInstanceOf(FramePayload.Result.class, payload);
        assertNull(result.rows().get(0).get(0));
        assertTrue(result.truncated());
    }
}
