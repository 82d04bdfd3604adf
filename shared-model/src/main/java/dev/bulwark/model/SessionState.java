package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a client session is doing now. */
public enum SessionState {
    /** Connected, between statements. */
    @JsonProperty("idle") IDLE,
    /** A statement is running upstream. */
    @JsonProperty("active") ACTIVE,
    /** Inside a transaction block, between statements. */
    @JsonProperty("in_transaction") IN_TRANSACTION,
    /** A statement is held until reviewers approve or deny it. */
    @JsonProperty("waiting_approval") WAITING_APPROVAL,
    /** Being torn down (killed, expired, or the client left). */
    @JsonProperty("closing") CLOSING
}
