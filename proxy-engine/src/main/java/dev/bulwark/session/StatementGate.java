package dev.bulwark.session;

import dev.bulwark.auth.Identity;

/**
 * Decides, per statement text, whether it may reach the server. Called on the session's event loop
 * for every Query and Parse: must be CPU-only and fast (classification is cached).
 */
public interface StatementGate {
    /** A gate that lets everything through: for targets with no policy. */
    StatementGate ALLOW_ALL = (session, sql, extended) -> Decision.ALLOW;

    Decision check(SessionInfo session, String sql, boolean extended);

    /** Who is asking, for the gate's rules. */
    record SessionInfo(String sessionId, Identity identity, String target, String role) {}

    /** What happens to the statement. */
    sealed interface Decision {
        Decision ALLOW = new Allow(null, null);

        /** @param rule the rule that allowed or observed it, if any; @param warning a note for the recording */
        record Allow(String rule, String warning) implements Decision {}

        record Deny(String sqlState, String message, String rule) implements Decision {}
    }
}
