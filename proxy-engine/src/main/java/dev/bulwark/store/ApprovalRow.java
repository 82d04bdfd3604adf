package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

/**
 * An approval request and, once decided, its decision. The request and decision documents are JSON
 * owned by the approvals part.
 *
 * @param id the approval id
 * @param nodeId the node whose session asked
 * @param sessionId the session that asked
 * @param requestedBy the subject that asked
 * @param requestedMicros when
 * @param status {@code pending}, {@code approved}, {@code denied} or {@code expired}
 * @param request the request (JSON)
 * @param decidedBy who decided, null while pending
 * @param decidedMicros when, null while pending
 * @param decision the decision (JSON), null while pending
 */
public record ApprovalRow(
        String id,
        String nodeId,
        String sessionId,
        String requestedBy,
        long requestedMicros,
        String status,
        String request,
        String decidedBy,
        Long decidedMicros,
        String decision) {

    public static final String PENDING = "pending";

    public ApprovalRow {
        requireNonNull(id, "id is null");
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(requestedBy, "requestedBy is null");
        requireNonNull(status, "status is null");
        requireNonNull(request, "request is null");
    }
}
