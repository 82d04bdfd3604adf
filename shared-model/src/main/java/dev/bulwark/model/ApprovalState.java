package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a held statement's approval stands. */
public enum ApprovalState {
    @JsonProperty("pending") PENDING,
    @JsonProperty("approved") APPROVED,
    @JsonProperty("denied") DENIED,
    /** Nobody decided in time. */
    @JsonProperty("expired") EXPIRED,
    /** The requester cancelled or disconnected. */
    @JsonProperty("withdrawn") WITHDRAWN;

    public boolean isFinal() {
        return this != PENDING;
    }
}
