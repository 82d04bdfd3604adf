package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What policy decided for a statement. */
public enum VerdictAction {
    @JsonProperty("allow") ALLOW,
    /** Allowed, with some result values masked. */
    @JsonProperty("mask") MASK,
    @JsonProperty("deny") DENY,
    /** Held until reviewers approve or deny it. */
    @JsonProperty("hold") HOLD,
    /**
     * Allowed, and a log rule matched it. Recordings and the audit export name it LOG; the
     * protocol says log too rather than folding it into allow, so an auditor reading the export
     * and the console see the same verdict.
     */
    @JsonProperty("log") LOG
}
