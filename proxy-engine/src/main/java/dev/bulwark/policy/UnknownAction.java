package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Iterator;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * What happens to a statement Bulwark cannot read (or that calls a function not known to be safe) when no
 * rule decides it. Configured per target ({@code unknown_action}); the default is DENY.
 *
 * <p>YAML/JSON: {@code unknown_action: deny}, {@code unknown_action: allow}, or
 * {@code unknown_action: {mode: hold, approval: {reviewer_groups: [dba]}}}.
 *
 * @param mode deny, hold for approval, or allow with a recorded warning
 * @param approval for HOLD (and only HOLD) how approval works
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnknownAction(Mode mode, Approval approval) {

    public static final UnknownAction DENY = new UnknownAction(Mode.DENY, null);
    public static final UnknownAction ALLOW_WITH_WARNING = new UnknownAction(Mode.ALLOW, null);

    public enum Mode { DENY, HOLD, ALLOW }

    private static final ObjectMapper APPROVAL_READER = new ObjectMapper();

    public UnknownAction {
        requireNonNull(mode, "mode is null (one of deny, hold, allow)");
        if (mode == Mode.HOLD && approval == null) {
            throw new IllegalArgumentException("unknown_action hold needs approval (reviewer_groups at least)");
        }
        if (mode != Mode.HOLD && approval != null) {
            throw new IllegalArgumentException("approval is only for unknown_action hold, not " + mode);
        }
    }

    public static UnknownAction hold(Approval approval) {
        return new UnknownAction(Mode.HOLD, requireNonNull(approval, "approval is null"));
    }

    /** Reads {@code "deny"} or {@code {mode: ..., approval: ...}}. */
    @JsonCreator
    static UnknownAction fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return DENY;
        }
        if (node.isTextual()) {
            return new UnknownAction(mode(node.asText()), null);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("unknown_action must be deny, hold or allow, or an object with mode");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("mode") && !name.equals("approval")) {
                throw new IllegalArgumentException("unknown_action has no key \"" + name + "\" (mode, approval)");
            }
        }
        JsonNode mode = node.get("mode");
        if (mode == null || !mode.isTextual()) {
            throw new IllegalArgumentException("unknown_action.mode is missing (deny, hold or allow)");
        }
        Approval approval = null;
        if (node.hasNonNull("approval")) {
            try {
                approval = APPROVAL_READER.treeToValue(node.get("approval"), Approval.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("unknown_action.approval: " + RuleSets.describe(e));
            }
        }
        return new UnknownAction(mode(mode.asText()), approval);
    }

    private static Mode mode(String text) {
        try {
            return Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown_action \"" + text + "\" must be deny, hold or allow");
        }
    }
}
