package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fixed set of error codes an engine answers with. Scripts may switch on them. */
public enum ErrorCode {
    /** The line was not JSON, or a field was missing or invalid. */
    @JsonProperty("bad_request") BAD_REQUEST,
    /** The {@code type} is not one this engine knows. */
    @JsonProperty("unknown_type") UNKNOWN_TYPE,
    /** The hello asked for a protocol version the engine does not speak. */
    @JsonProperty("unsupported_version") UNSUPPORTED_VERSION,
    /** No hello yet, or the peer or token did not map to an operator. */
    @JsonProperty("unauthorized") UNAUTHORIZED,
    /**
     * The operator's token expired: the connection's rights ended with it (consoles show "signed
     * out"). Sent once, uncorrelated (no id), before the engine closes the connection, and for any
     * request that arrives or finishes after the expiry. Sign in again with a new token.
     */
    @JsonProperty("signed_out") SIGNED_OUT,
    /** The operator's role does not allow the request. */
    @JsonProperty("forbidden") FORBIDDEN,
    @JsonProperty("not_found") NOT_FOUND,
    /** The object changed meanwhile (a version mismatch, an approval already decided). */
    @JsonProperty("conflict") CONFLICT,
    /** The line was longer than the engine accepts; it was discarded. */
    @JsonProperty("too_large") TOO_LARGE,
    /** A per-connection limit was reached (subscriptions). */
    @JsonProperty("limit_exceeded") LIMIT_EXCEEDED,
    /** A part of the engine the request needs (the store) is not available now. */
    @JsonProperty("unavailable") UNAVAILABLE,
    @JsonProperty("internal") INTERNAL
}
