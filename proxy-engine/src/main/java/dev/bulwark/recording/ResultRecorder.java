package dev.bulwark.recording;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Collects one statement's result as the client sees it (after masking) into a RESULT frame: the
 * columns, the first rows up to the row and byte caps, and the true row count. Feed it from the
 * session's event loop as RowDescription, DataRow and CommandComplete pass; not thread-safe. Rows
 * past a cap are only counted, so a large result costs nothing but the count.
 */
public final class ResultRecorder {
    private final SessionRecording session;
    private final int maxRows;
    private final long maxBytes;
    private List<FramePayload.Column> columns = List.of();
    private final List<List<String>> rows = new ArrayList<>();
    private long rowsSeen;
    private long bytes;
    private boolean truncated;
    private boolean done;

    ResultRecorder(SessionRecording session, int maxRows, long maxBytes) {
        this.session = session;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
    }

    /** The result's columns (from RowDescription). */
    public ResultRecorder columns(List<FramePayload.Column> newColumns) {
        checkOpen();
        this.columns = List.copyOf(requireNonNull(newColumns, "columns is null"));
        return this;
    }

    /** One row, values as text after masking (null for SQL NULL). */
    public ResultRecorder row(List<String> values) {
        checkOpen();
        rowsSeen++;
        if (truncated) {
            return this;
        }
        long rowBytes = 0;
        for (String value : values) {
            rowBytes += value == null ? 0 : utf8Length(value);
        }
        if (rows.size() >= maxRows || bytes + rowBytes > maxBytes) {
            truncated = true; // keep a clean prefix: no later small row slips in after a cut
            return this;
        }
        rows.add(java.util.Collections.unmodifiableList(new ArrayList<>(values)));
        bytes += rowBytes;
        return this;
    }

    /** Ends the result with CommandComplete's tag (e.g. "SELECT 5", "UPDATE 3") and records it. */
    public CompletableFuture<Void> complete(String commandTag) {
        requireNonNull(commandTag, "commandTag is null");
        return finish(commandTag, false);
    }

    /** Ends the result at PortalSuspended (an Execute with a row limit) and records it. */
    public CompletableFuture<Void> suspended() {
        return finish(null, true);
    }

    /** Rows seen so far. */
    /** True once the row or byte cap is reached: further rows are only counted, so callers may skip rendering them. */
    public boolean capped() {
        return truncated;
    }

    public long rowsSeen() {
        return rowsSeen;
    }

    private CompletableFuture<Void> finish(String commandTag, boolean suspended) {
        checkOpen();
        done = true;
        long rowCount = commandTag == null ? rowsSeen : countFromTag(commandTag, rowsSeen);
        return session.record(new FramePayload.Result(columns, rows, rowCount, commandTag, truncated, suspended));
    }

    /** The row count a CommandComplete tag states (its last word, when numeric), else the rows seen. */
    static long countFromTag(String tag, long rowsSeen) {
        int space = tag.lastIndexOf(' ');
        if (space < 0) {
            return rowsSeen;
        }
        try {
            return Long.parseLong(tag.substring(space + 1));
        } catch (NumberFormatException e) {
            return rowsSeen;
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("this result was already recorded");
        }
    }

    private static long utf8Length(String value) {
        long length = value.length();
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return length;
    }
}
