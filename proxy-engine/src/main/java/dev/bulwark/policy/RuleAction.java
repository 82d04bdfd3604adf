package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Locale;

/** What a matching rule does. */
public enum RuleAction {
    /** Let the statement run; evaluation stops. */
    ALLOW,
    /** Refuse the statement with the rule's message; evaluation stops. */
    DENY,
    /** Hold the statement until reviewers approve it; evaluation stops. */
    HOLD,
    /** Record that the rule matched (observe mode) and go on evaluating. */
    LOG;

    @JsonCreator
    public static RuleAction fromJson(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown action \"" + text + "\"; expected one of ALLOW, DENY, HOLD, LOG");
        }
    }
}
