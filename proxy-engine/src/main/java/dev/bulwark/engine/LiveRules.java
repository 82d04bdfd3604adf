package dev.bulwark.engine;

import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.policy.RuleSet;

/** The rules in force right now; read per statement on event loops, so reads must be cheap and lock-free. */
public interface LiveRules {
    RuleSet policy();

    MaskingPolicy masking();
}
