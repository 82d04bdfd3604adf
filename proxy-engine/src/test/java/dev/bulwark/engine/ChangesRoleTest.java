package dev.bulwark.engine;

import dev.bulwark.policy.StatementClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a session on a pooled login may not run: what leaves the grant's role. Resetting comes back to
 * it (the role is the session's startup default; UpstreamLoginIT checks that against the real server).
 */
class ChangesRoleTest {
    private static final StatementClassifier CLASSIFIER = new StatementClassifier();

    @ParameterizedTest
    @ValueSource(strings = {"SET ROLE shop_owner", "SET ROLE NONE", "SET LOCAL ROLE shop_owner", "SET role = 'shop_owner'",
            "SELECT set_config('role', 'shop_owner', false)", "SET SESSION AUTHORIZATION DEFAULT",
            "SET SESSION AUTHORIZATION shop_owner", "RESET SESSION AUTHORIZATION", "RESET session_authorization",
            "SELECT 1; SET ROLE shop_owner"})
    void leavesTheRole(String sql) {
        assertTrue(EngineSession.changesRole(CLASSIFIER.classify(sql)), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RESET ROLE", "RESET ALL", "DISCARD ALL", "RESET search_path", "SELECT current_user", "SET search_path = public"})
    void comesBackToItOrLeavesItAlone(String sql) {
        assertFalse(EngineSession.changesRole(CLASSIFIER.classify(sql)), sql);
    }
}
