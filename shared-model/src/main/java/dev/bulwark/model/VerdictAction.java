package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What policy decided for a statement. */
public enum VerdictAction {
    @JsonProperty("allow") ALLOW,
    /** Allowed, with some result values masked. */
    @JsonProperty("mask") MASK,
    @JsonProperty("deny") DENY,
    /** Held until reviewers approve or deny it. */
    @JsonProperty("hold") HOLD
}
