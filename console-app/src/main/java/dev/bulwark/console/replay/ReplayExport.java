package dev.bulwark.console.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Frame;
import dev.bulwark.model.ManagementJson;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * A recorded session as JSON lines: one frame per line in the protocol's own frame format, each
 * carrying the session id so a line stands alone:
 * <pre>{"session_id":"s-7f3a","seq":1,"timestamp_micros":1763717400001500,"payload":{"kind":"statement",...}}</pre>
 * Masked values are written as recorded (masked). Independent of any file chooser, so it is tested
 * with a {@link java.io.StringWriter}.
 */
public final class ReplayExport {
    private static final ObjectMapper JSON = ManagementJson.mapper();

    private ReplayExport() {}

    /** Writes the frames; blocks on the writer. Returns the number of lines. */
    public static long write(String sessionId, List<Frame> frames, Writer out) throws IOException {
        long lines = 0;
        for (Frame frame : frames) {
            ObjectNode line = JSON.createObjectNode();
            line.put("session_id", sessionId);
            line.setAll((ObjectNode) JSON.valueToTree(frame));
            // Printable ASCII only (the same JSON values): a line viewed in a terminal cannot drive it.
            out.write(ManagementJson.terminalWriter(JSON).writeValueAsString(line));
            out.write('\n');
            lines++;
        }
        out.flush();
        return lines;
    }
}
