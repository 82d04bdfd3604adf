package dev.bulwark.approval;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a client is told when its held statement does not run: an ErrorResponse with this SQLSTATE and
 * message. The mapping lives here so the session only forwards it.
 *
 * <table>
 *   <caption>Outcome to SQLSTATE</caption>
 *   <tr><th>Approved</th><td>no error: run the statement</td></tr>
 *   <tr><th>Denied</th><td>42501 insufficient_privilege, with the reviewer's name and reason</td></tr>
 *   <tr><th>Expired</th><td>57014 query_canceled, saying it expired</td></tr>
 *   <tr><th>Withdrawn</th><td>57014 query_canceled (what PostgreSQL answers a cancelled statement)</td></tr>
 *   <tr><th>RetryLater</th><td>42501 insufficient_privilege, naming the request id. Not 57014 or a class 40
 *       code: drivers and pools retry those on their own, which here would only file new requests; 42501
 *       tells the program it may not run this now, and the person behind it reads the id</td></tr>
 *   <tr><th>Refused</th><td>53400 configuration_limit_exceeded</td></tr>
 * </table>
 */
public record ClientError(String sqlState, String message) {
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    public static final String QUERY_CANCELED = "57014";
    public static final String CONFIGURATION_LIMIT_EXCEEDED = "53400";

    public ClientError {
        requireNonNull(sqlState, "sqlState is null");
        requireNonNull(message, "message is null");
    }

    /**
     * The error for an outcome; empty for {@link Outcome.Approved}, which means: run the statement.
     *
     * @param approvalId the request's id, named in every message
     */
    public static Optional<ClientError> of(String approvalId, Outcome outcome) {
        requireNonNull(approvalId, "approvalId is null");
        requireNonNull(outcome, "outcome is null");
        return switch (outcome) {
            case Outcome.Approved approved -> Optional.empty();
            case Outcome.Denied denied -> Optional.of(new ClientError(INSUFFICIENT_PRIVILEGE,
                    "statement denied by reviewer " + denied.by()
                            + (denied.reason().isBlank() ? " (no reason given)" : ": " + denied.reason())
                            + " (approval request " + approvalId + ")"));
            case Outcome.Expired expired -> Optional.of(new ClientError(QUERY_CANCELED,
                    "canceling statement: approval request " + approvalId + " expired, nobody approved it within "
                            + Texts.duration(expired.after())));
            case Outcome.Withdrawn withdrawn -> Optional.of(new ClientError(QUERY_CANCELED,
                    "canceling statement: approval request " + approvalId + " withdrawn (" + withdrawn.why() + ")"));
            case Outcome.RetryLater later -> Optional.of(new ClientError(INSUFFICIENT_PRIVILEGE,
                    "statement not run: it needs approval, requested as " + approvalId
                            + "; once approved (within " + Texts.duration(later.timeout())
                            + "), run the same statement again within " + Texts.duration(later.retryWindow())));
            case Outcome.Refused refused -> Optional.of(new ClientError(CONFIGURATION_LIMIT_EXCEEDED,
                    "statement needs approval but cannot be held: " + refused.reason()));
        };
    }
}
