package dev.bulwark.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The demo's policy, from the resource {@code dev/bulwark/policy/demo-rules.yaml}: nobody but group dba
 * runs DDL or TRUNCATE; DELETE/UPDATE without a WHERE is held for a dba's approval; ci-agent may only read
 * (and drive its session), and never COPY FROM; alice (analysts) reads and writes rows; what Bulwark
 * cannot read is denied; everyone and everything else is denied.
 */
public final class DemoRules {

    public static final String RESOURCE = "demo-rules.yaml";
    /** The demo target's unknown default. */
    public static final UnknownAction UNKNOWN_ACTION = UnknownAction.DENY;

    private DemoRules() {
    }

    public static RuleSet load() {
        try (InputStream in = DemoRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/bulwark/policy/" + RESOURCE + " is missing");
            }
            return RuleSets.fromYaml(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuleSetException e) {
            throw new IllegalStateException("the demo rules are invalid: " + e.getMessage(), e);
        }
    }
}
