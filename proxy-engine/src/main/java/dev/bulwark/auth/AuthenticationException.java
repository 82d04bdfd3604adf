package dev.bulwark.auth;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * Why a client may not log in: a SQLSTATE and a short message that is safe to send to the client as
 * an ErrorResponse. The message never contains the token, a key or a credential, and no cause from a
 * JOSE or HTTP library is attached (their messages may quote token content).
 */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** SQLSTATE invalid_password: the token is invalid, expired, forged or not for us. */
    public static final String INVALID_PASSWORD = "28P01";
    /** SQLSTATE invalid_authorization_specification: the identity is not allowed what it asked for. */
    public static final String INVALID_AUTHORIZATION = "28000";

    /** The kinds of failure, each with its SQLSTATE and client message. */
    public enum Reason {
        TOKEN_MISSING(INVALID_PASSWORD, "token missing"),
        TOKEN_TOO_LARGE(INVALID_PASSWORD, "token too large"),
        TOKEN_MALFORMED(INVALID_PASSWORD, "token malformed"),
        ALGORITHM_NOT_ALLOWED(INVALID_PASSWORD, "token algorithm not allowed"),
        ISSUER_NOT_TRUSTED(INVALID_PASSWORD, "token issuer not trusted"),
        SIGNING_KEY_UNKNOWN(INVALID_PASSWORD, "token signing key unknown"),
        SIGNATURE_INVALID(INVALID_PASSWORD, "token signature invalid"),
        EXPIRED(INVALID_PASSWORD, "token expired"),
        NOT_YET_VALID(INVALID_PASSWORD, "token not yet valid"),
        ISSUED_IN_FUTURE(INVALID_PASSWORD, "token issued in the future"),
        AUDIENCE_NOT_ACCEPTED(INVALID_PASSWORD, "token audience not accepted"),
        NO_EXPIRY(INVALID_PASSWORD, "token has no expiry"),
        NO_SUBJECT(INVALID_PASSWORD, "token has no subject"),
        /** Invisible, control or bidirectional characters, or whitespace at an end: it would read as someone else. */
        SUBJECT_UNREADABLE(INVALID_PASSWORD, "token subject has invisible or control characters"),
        /** The issuer's keys could not be fetched: the token may be fine, we cannot tell. */
        KEYS_UNAVAILABLE(INVALID_AUTHORIZATION, "token issuer keys unavailable"),
        /** The identity has no grant for the target (or role) it asked for; the message is per case. */
        NO_GRANT(INVALID_AUTHORIZATION, "no grant");

        private final String sqlState;
        private final String message;

        Reason(String sqlState, String message) {
            this.sqlState = sqlState;
            this.message = message;
        }

        public String sqlState() {
            return sqlState;
        }

        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public AuthenticationException(Reason reason) {
        this(reason, reason.message());
    }

    public AuthenticationException(Reason reason, String clientMessage) {
        super(requireNonNull(clientMessage, "clientMessage is null"));
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }

    /** The SQLSTATE for the ErrorResponse. */
    public String sqlState() {
        return reason.sqlState();
    }

    /** The message for the ErrorResponse. */
    public String clientMessage() {
        return getMessage();
    }

    /**
     * Finds the AuthenticationException behind a failed future ({@link CompletionException},
     * {@link ExecutionException}), or null when the failure was something else (a bug: answer 28000
     * with a generic message and log it).
     */
    public static AuthenticationException unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof CompletionException || current instanceof ExecutionException) {
            if (current.getCause() == null) {
                break;
            }
            current = current.getCause();
        }
        return current instanceof AuthenticationException authentication ? authentication : null;
    }
}
