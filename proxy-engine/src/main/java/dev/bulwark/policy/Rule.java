package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One policy rule. Rules are evaluated in order; the first enabled non-LOG rule that matches a statement
 * decides it.
 *
 * @param id a stable identifier ({@code no-ddl}), unique in its rule set; deny messages name it
 * @param name a human name; defaults to the id
 * @param enabled disabled rules are skipped; default true
 * @param match when the rule applies; default: always
 * @param action what it does
 * @param message for DENY the reason shown to the client; for others a note; may be empty
 * @param approval for HOLD (and only HOLD) how approval works
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rule(
        String id,
        String name,
        boolean enabled,
        RuleMatch match,
        RuleAction action,
        String message,
        Approval approval) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

    public Rule {
        requireNonNull(id, "id is null");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id \"" + id + "\" must be 1 to 64 letters, digits, '_', '.', ':' or '-'"
                    + " and start with a letter or digit");
        }
        name = name == null || name.isBlank() ? id : name.strip();
        match = match == null ? RuleMatch.ANYTHING : match;
        requireNonNull(action, "action is null (one of ALLOW, DENY, HOLD, LOG)");
        message = message == null ? "" : message.strip();
        if (action == RuleAction.HOLD && approval == null) {
            throw new IllegalArgumentException("a HOLD rule needs approval (reviewer_groups at least)");
        }
        if (action != RuleAction.HOLD && approval != null) {
            throw new IllegalArgumentException("approval is only for HOLD rules, not " + action);
        }
    }

    @JsonCreator
    static Rule fromJson(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("match") RuleMatch match,
            @JsonProperty("action") RuleAction action,
            @JsonProperty("message") String message,
            @JsonProperty("approval") Approval approval) {
        return new Rule(id, name, enabled == null || enabled, match, action, message, approval);
    }

    public static Rule allow(String id, RuleMatch match) {
        return new Rule(id, null, true, match, RuleAction.ALLOW, null, null);
    }

    public static Rule deny(String id, RuleMatch match, String message) {
        return new Rule(id, null, true, match, RuleAction.DENY, message, null);
    }

    public static Rule hold(String id, RuleMatch match, Approval approval) {
        return new Rule(id, null, true, match, RuleAction.HOLD, null, approval);
    }

    public static Rule log(String id, RuleMatch match) {
        return new Rule(id, null, true, match, RuleAction.LOG, null, null);
    }

    public Rule withEnabled(boolean newEnabled) {
        return new Rule(id, name, newEnabled, match, action, message, approval);
    }

    RuleRef ref() {
        return new RuleRef(id, name);
    }
}
