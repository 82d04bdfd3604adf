package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which part of the engine owns a rule document. */
public enum RuleKind {
    @JsonProperty("policy") POLICY,
    @JsonProperty("masking") MASKING
}
