package dev.bulwark.engine;

import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.policy.RuleSet;

/** Rules that do not change: for tests and until the rule book is loaded. */
record StaticRules(RuleSet policy, MaskingPolicy masking) implements LiveRules {}
