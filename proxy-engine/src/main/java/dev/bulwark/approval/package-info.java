/**
 * Just-in-time approval: statements policy holds ({@link dev.bulwark.policy.Verdict.Hold}) wait until
 * reviewers approve them.
 *
 * <h2>Wiring</h2>
 * <pre>{@code
 * // engine start, off the event loops
 * ApprovalService approvals = ApprovalService.create(store, storeExecutor, scheduler,
 *         ApprovalEffects.of(eventHub, recorder), Clock.systemUTC(), ApprovalSettings.defaults());
 * approvals.recoverAtStart().join();           // this node's leftover pending rows -> withdrawn
 * // management: new ManagementBackend(..., approvals, ...)   (it is the ApprovalsBackend)
 *
 * // session, on its event loop, for a Verdict.Hold
 * ApprovalHandle handle = approvals.request(HeldStatement.of(sessionId, identity, target, role, sql, parameters,
 *         hold, HeldStatement.Classification.of(query), ApprovalRecording.of(sessionRecording)));
 * notice(handle.notice());                     // unless empty
 * handle.outcome().thenAccept(outcome -> eventLoop.execute(() ->
 *         handle.clientError(outcome).ifPresentOrElse(
 *                 error -> refuse(error.sqlState(), error.message()),
 *                 () -> forward())));
 * // CancelRequest or disconnect while waiting:  approvals.withdraw(handle.id(), "client cancelled")
 * // session killed or ended:                    approvals.withdrawSession(sessionId, "session killed")
 * }</pre>
 *
 * <h2>Outcomes for the client</h2>
 * See {@link dev.bulwark.approval.ClientError}: approved runs; denied 42501 with the reviewer's
 * name and reason; expired and withdrawn 57014; RETRY mode's "not yet" 42501 naming the request id;
 * refused (a limit) 53400.
 */
package dev.bulwark.approval;
