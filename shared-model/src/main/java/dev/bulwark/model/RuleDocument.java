package dev.bulwark.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A rule as stored and versioned by the engine. The body is the policy or masking part's own JSON
 * document; the protocol carries it without knowing its shape.
 *
 * @param kind which part owns it
 * @param id the rule's id, unique per kind
 * @param version increases by one on every change
 * @param changedBy the operator who made the last change
 * @param changedAt when
 * @param body the rule itself, a JSON object
 */
public record RuleDocument(RuleKind kind, String id, long version, String changedBy, Instant changedAt, JsonNode body) {
    public RuleDocument {
        requireNonNull(kind, "kind is null");
        Checks.text(id, "id");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1");
        }
        Checks.text(changedBy, "changed_by");
        requireNonNull(changedAt, "changed_at is null");
        requireNonNull(body, "body is null");
        if (!body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        body = body.deepCopy();
    }
}
