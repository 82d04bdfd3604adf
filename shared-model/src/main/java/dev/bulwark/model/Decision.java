package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A reviewer's answer to an approval request. */
public enum Decision {
    @JsonProperty("approve") APPROVE,
    @JsonProperty("deny") DENY
}
