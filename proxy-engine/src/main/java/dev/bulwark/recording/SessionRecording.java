package dev.bulwark.recording;

import dev.bulwark.store.SessionRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * The recording of one session. Every method is non-blocking and returns a future that completes:
 * for a STRICT target when the frame is committed to the store (fails with
 * {@link RecordingUnavailableException} when it cannot be); for an ASYNC target when the frame is
 * queued, which under backpressure means later: the engine should stop reading from the client
 * until it completes. Futures complete on the executor given to {@link Recorder#open}.
 *
 * <p>Frames are numbered in call order; call from the session's event loop (calls are serialized
 * anyway). After {@link #end} every method returns a failed future.
 */
public final class SessionRecording {
    private final Recorder recorder;
    private final SessionInfo info;
    private final Executor callbacks;
    private final long startedMicros;
    private int nextFrameNo;
    private boolean ended;

    /** Writer thread only: the SESSION_START frame was lost to a store failure and must be written again. */
    boolean startLost;

    SessionRecording(Recorder recorder, SessionInfo info, Executor callbacks, long startedMicros) {
        this.recorder = requireNonNull(recorder, "recorder is null");
        this.info = requireNonNull(info, "info is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        this.startedMicros = startedMicros;
    }

    public String sessionId() {
        return info.sessionId();
    }

    public AuditMode auditMode() {
        return info.auditMode();
    }

    public SessionInfo info() {
        return info;
    }

    /**
     * Records a statement as sent, with its verdict. Text longer than {@code max_statement_chars} and
     * parameters longer than {@code max_parameter_chars} are cut and the frame marked truncated.
     * Under STRICT, forward the statement upstream only once this completes.
     */
    public CompletableFuture<Void> statement(FramePayload.Statement statement) {
        return record(limit(requireNonNull(statement, "statement is null")));
    }

    /** Records an approval asked for a held statement, or its outcome. */
    public CompletableFuture<Void> approval(FramePayload.Approval approval) {
        return record(requireNonNull(approval, "approval is null"));
    }

    /** Starts the result of the current statement: feed columns, rows, then complete it. */
    public ResultRecorder result() {
        RecordingConfig config = recorder.config();
        return new ResultRecorder(this, config.maxResultRows(), config.maxResultBytes());
    }

    /** Records a NoticeResponse sent to the client. */
    public CompletableFuture<Void> notice(String severity, String sqlstate, String message) {
        return record(new FramePayload.Notice(severity, sqlstate, message));
    }

    /** Records an ErrorResponse sent to the client (SQLSTATE and message, never a stack trace). */
    public CompletableFuture<Void> error(String severity, String sqlstate, String message) {
        return record(new FramePayload.ErrorReport(severity, sqlstate, message));
    }

    /** Records a COPY summary: direction, bytes and rows of data. */
    public CompletableFuture<Void> copy(FramePayload.CopyDirection direction, long bytes, long rows) {
        return record(new FramePayload.Copy(direction, bytes, rows));
    }

    /** Records a cancel request for this session (reason: e.g. "client", "timeout", "operator"). */
    public CompletableFuture<Void> cancel(String reason) {
        return record(new FramePayload.Cancel(reason));
    }

    /** Records the session's end. Later calls (and a second end) return failed futures. */
    public CompletableFuture<Void> end(FramePayload.EndReason reason, String detail) {
        return record(new FramePayload.SessionEnd(reason, detail));
    }

    /**
     * Whether the engine may run a statement of this session now: always for ASYNC, and for STRICT
     * only while the recorder is healthy. When false, answer the client with
     * {@link RecordingUnavailableException#SQLSTATE} and {@link RecordingUnavailableException#CLIENT_MESSAGE}
     * without forwarding the statement. (A STRICT statement future that fails means the same.)
     */
    public boolean canRunStatements() {
        return info.auditMode() == AuditMode.ASYNC || recorder.healthy();
    }

    /** Whether {@link #end} was called. */
    public synchronized boolean ended() {
        return ended;
    }

    void start() {
        record(startPayload());
    }

    CompletableFuture<Void> record(FramePayload payload) {
        PreparedFrame prepared = PreparedFrame.of(payload);
        CompletableFuture<Void> future = new CompletableFuture<>();
        // The lock keeps frame numbers and queue order the same even if a caller strays off its event loop.
        synchronized (this) {
            if (ended) {
                future.completeExceptionally(new IllegalStateException("session " + sessionId() + " has ended"));
                return future;
            }
            if (payload instanceof FramePayload.SessionEnd) {
                ended = true;
            }
            long at = nextFrameNo == 0 ? startedMicros : recorder.nowMicros();
            Recorder.FrameItem item = new Recorder.FrameItem(this, nextFrameNo++, at, prepared, future);
            recorder.offer(item, future, callbacks);
        }
        return future;
    }

    Executor callbacks() {
        return callbacks;
    }

    long startedMicros() {
        return startedMicros;
    }

    FramePayload.SessionStart startPayload() {
        return new FramePayload.SessionStart(info.identity().subject(), info.identity().sortedGroups(),
                info.identity().issuer(), info.identity().tokenId(), info.identity().expiresAt().toString(),
                info.clientAddress(), info.applicationName(), info.target(), info.databaseRole(), info.auditMode());
    }

    SessionRow row() {
        return new SessionRow(sessionId(), recorder.nodeId(), info.identity().subject(), info.identity().sortedGroups(),
                info.identity().issuer(), info.identity().tokenId(), info.clientAddress(), info.applicationName(),
                info.target(), info.databaseRole(), info.auditMode().name(), startedMicros, null, null, null);
    }

    private FramePayload.Statement limit(FramePayload.Statement statement) {
        RecordingConfig config = recorder.config();
        boolean truncated = statement.truncated();
        String text = statement.text();
        if (text.length() > config.maxStatementChars()) {
            text = text.substring(0, config.maxStatementChars());
            truncated = true;
        }
        List<String> parameters = statement.parameters();
        if (parameters.stream().anyMatch(p -> p != null && p.length() > config.maxParameterChars())) {
            List<String> cut = new ArrayList<>(parameters.size());
            for (String parameter : parameters) {
                cut.add(parameter != null && parameter.length() > config.maxParameterChars()
                        ? parameter.substring(0, config.maxParameterChars()) : parameter);
            }
            parameters = cut;
            truncated = true;
        }
        if (!truncated) {
            return statement;
        }
        return new FramePayload.Statement(statement.protocol(), text, parameters, statement.verdict(),
                statement.ruleId(), statement.ruleName(), statement.tables(), statement.verbs(), true);
    }

    @Override
    public String toString() {
        return "SessionRecording[" + sessionId() + "]";
    }
}
