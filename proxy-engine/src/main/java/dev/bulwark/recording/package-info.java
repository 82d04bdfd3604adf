/**
 * Session recording: every session's frames (start, statements with verdicts, approvals, results as
 * the client saw them, notices, errors, COPY summaries, cancels, end) and admin actions, written
 * through a bounded queue by one writer thread per engine into the tamper-evident
 * {@link dev.bulwark.store.Store}.
 *
 * <h2>Wiring (engine)</h2>
 * <pre>{@code
 * JdbcStore store = JdbcStore.open(storeConfig, dataDir);                 // startup, blocks
 * Recorder recorder = Recorder.start(store, dataDir, recordingConfig);    // startup, blocks
 *
 * // per session, on its event loop (never blocks):
 * SessionRecording rec = recorder.open(new SessionInfo(id, identity, clientAddress, applicationName,
 *         target, databaseRole, target.auditMode()), channel.eventLoop());
 * if (!rec.canRunStatements()) -> ErrorResponse 58030 RecordingUnavailableException.CLIENT_MESSAGE
 * rec.statement(new FramePayload.Statement(...)).whenComplete((ok, error) -> {
 *     error == null ? forward upstream and resume reading : ErrorResponse 58030 });
 * ResultRecorder result = rec.result(); result.columns(...); result.row(maskedValues)...; result.complete(tag);
 * rec.end(EndReason.CLIENT_TERMINATE, null);
 *
 * recorder.admin(AdminAction.sessionKill(operator, sessionId, reason));  // management actions
 * recorder.close(); store.close();                                       // shutdown, blocks
 * }</pre>
 *
 * <p>STRICT: a frame's future completes after its commit; the engine forwards the statement only then,
 * and refuses statements (SQLSTATE 58030) while {@link dev.bulwark.recording.Recorder#healthy()} is
 * false. ASYNC: a future completes once the frame is queued; when the queue is full it completes
 * later, and the engine must stop reading from that client until it does (backpressure). Frames are
 * never dropped silently: an ASYNC frame lost to a store failure is counted and a
 * {@code recording_gap} admin record written when the store recovers.
 *
 * <p>Replay and search for the management socket: {@link dev.bulwark.recording.AuditQueries}.
 * Verification and SIEM export: {@link dev.bulwark.recording.AuditVerifier},
 * {@link dev.bulwark.recording.AuditExporter} (behind {@code bulwark audit verify|export}).
 */
package dev.bulwark.recording;
