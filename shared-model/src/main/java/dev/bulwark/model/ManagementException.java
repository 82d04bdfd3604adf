package dev.bulwark.model;

import static java.util.Objects.requireNonNull;

/**
 * A failure with a protocol error code. The engine's backends complete their futures with it to
 * choose the code of the error reply; the client library completes a call with it when the engine
 * answered with an error. The message goes on the wire as is, so it must never hold a secret.
 */
public final class ManagementException extends RuntimeException {
    private final ErrorCode code;

    public ManagementException(ErrorCode code, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorDetail detail() {
        return new ErrorDetail(code, getMessage());
    }

    public static ManagementException notFound(String message) {
        return new ManagementException(ErrorCode.NOT_FOUND, message);
    }

    public static ManagementException conflict(String message) {
        return new ManagementException(ErrorCode.CONFLICT, message);
    }

    public static ManagementException badRequest(String message) {
        return new ManagementException(ErrorCode.BAD_REQUEST, message);
    }
}
