package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a subscriber wants to hear about. */
public enum EventTopic {
    /** Sessions starting, changing state and ending; the snapshot lists live sessions. */
    @JsonProperty("sessions") SESSIONS,
    /** Every statement and its verdict; live only, the snapshot has none. */
    @JsonProperty("statements") STATEMENTS,
    /** Approvals requested and decided; the snapshot lists pending ones. */
    @JsonProperty("approvals") APPROVALS,
    /** Rules changed and deleted; the snapshot lists every rule. Admin only. */
    @JsonProperty("rules") RULES
}
