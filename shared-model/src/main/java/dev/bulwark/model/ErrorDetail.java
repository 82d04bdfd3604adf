package dev.bulwark.model;

import static java.util.Objects.requireNonNull;

/** The body of an error reply: {@code {"code":"not_found","message":"no session s-42"}}. */
public record ErrorDetail(ErrorCode code, String message) {
    public ErrorDetail {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }
}
