package dev.bulwark.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.ChainCursor;
import dev.bulwark.store.ChainRecord;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.Micros;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Exports the audit trail as JSON lines for a SIEM: one line per frame, carrying the session's
 * identity and origin so each line stands alone, and one line per admin action. Lines of a node
 * come in chain order and carry {@code seq} and {@code hash}, so a SIEM can keep the chain's head
 * outside the engine's reach. Blocks; streams.
 *
 * <pre>
 * {"record":"frame","node_id":"local","seq":12,"at":"2026-11-21T12:00:00.123456Z","at_micros":...,
 *  "session_id":"s-1","frame_no":3,"kind":"STATEMENT","subject":"alice","groups":["dba"],"issuer":"...",
 *  "token_id":"...","client_address":"10.0.0.7:51234","application_name":"psql","target":"sales",
 *  "database_role":"app_ro","payload":{"type":"statement",...},"epoch":1,"hash":"..."}
 * {"record":"admin","node_id":"local","seq":13,"at":"...","at_micros":...,"actor":"bob",
 *  "action":"session_kill","target":"s-1","details":{...},"epoch":1,"hash":"..."}
 * </pre>
 */
public final class AuditExporter {
    private static final int SESSION_CACHE = 1_024;

    private AuditExporter() {}

    /** Writes every record at or after {@code sinceMicros}; returns the number of lines. */
    public static long exportJsonLines(Store store, long sinceMicros, Writer out) throws IOException {
        Map<String, Optional<SessionRow>> sessions = new LinkedHashMap<>(SESSION_CACHE, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Optional<SessionRow>> eldest) {
                return size() > SESSION_CACHE;
            }
        };
        long lines = 0;
        for (String node : store.chainNodes()) {
            try (ChainCursor cursor = store.chain(node, Long.MIN_VALUE, sinceMicros)) {
                while (cursor.hasNext()) {
                    ChainRecord record = cursor.next();
                    ObjectNode line = FrameJson.MAPPER.createObjectNode();
                    switch (record) {
                        case FrameRecord frame -> {
                            line.put("record", "frame");
                            common(line, record);
                            line.put("session_id", frame.sessionId());
                            line.put("frame_no", frame.frameNo());
                            line.put("kind", frame.kind());
                            Optional<SessionRow> session = sessions.computeIfAbsent(frame.sessionId(), store::session);
                            session.ifPresent(row -> identity(line, row));
                            line.set("payload", FrameJson.MAPPER.readTree(frame.payload()));
                        }
                        case AdminRecord admin -> {
                            line.put("record", "admin");
                            common(line, record);
                            line.put("actor", admin.actor());
                            line.put("action", admin.action());
                            line.put("target", admin.target());
                            line.set("details", FrameJson.MAPPER.readTree(admin.details()));
                        }
                    }
                    line.put("epoch", record.epoch());
                    line.put("hash", record.hash());
                    out.write(toJson(line));
                    out.write('\n');
                    lines++;
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        out.flush();
        return lines;
    }

    private static void common(ObjectNode line, ChainRecord record) {
        line.put("node_id", record.nodeId());
        line.put("seq", record.seq());
        line.put("at", Micros.toInstant(record.atMicros()).toString());
        line.put("at_micros", record.atMicros());
    }

    private static void identity(ObjectNode line, SessionRow session) {
        line.put("subject", session.subject());
        session.groups().forEach(line.putArray("groups")::add);
        line.put("issuer", session.issuer());
        line.put("token_id", session.tokenId());
        line.put("client_address", session.clientAddress());
        line.put("application_name", session.applicationName());
        line.put("target", session.target());
        line.put("database_role", session.databaseRole());
    }

    /**
     * Every character outside printable ASCII as a {@code \\u} escape: the same JSON values for a
     * SIEM, but a line viewed in a terminal or pager cannot carry raw controls, bidi overrides or
     * zero-width characters from a statement.
     */
    private static String toJson(ObjectNode line) throws JsonProcessingException {
        return TERMINAL_SAFE.writeValueAsString(line);
    }

    private static final ObjectWriter TERMINAL_SAFE = ManagementJson.terminalWriter(FrameJson.MAPPER);
}
