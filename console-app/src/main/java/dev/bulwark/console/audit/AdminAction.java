package dev.bulwark.console.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import static java.util.Objects.requireNonNull;

/**
 * An operator's action as the audit export writes it:
 * <pre>{"record":"admin","seq":13,"at":"...","actor":"bob","action":"session_kill","target":"s-1","details":{...},...}</pre>
 */
public record AdminAction(long seq, Instant at, String actor, String action, String target, String details) {
    public AdminAction {
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
        requireNonNull(details, "details is null");
    }

    /** The admin action in an audit line, or null when the line is another kind of record. */
    static AdminAction fromLine(JsonNode line) {
        if (line == null || !"admin".equals(line.path("record").asText())) {
            return null;
        }
        Instant at = null;
        try {
            at = line.hasNonNull("at") ? Instant.parse(line.get("at").asText()) : null;
        } catch (DateTimeParseException e) {
            // Shown without a time rather than dropped.
        }
        JsonNode details = line.get("details");
        return new AdminAction(line.path("seq").asLong(), at, line.path("actor").asText(""), line.path("action").asText(""),
                line.path("target").asText(""), details == null || details.isNull() ? "" : details.toString());
    }
}
