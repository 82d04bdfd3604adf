package dev.bulwark.config;

/**
 * Where the first rules come from. Once rules are saved in the store (every change through the
 * management socket is), the store's latest version wins and these files only seed an empty store.
 *
 * @param policyFile YAML policy rules (see the policy package), or none
 * @param maskingFile YAML masking rules (see the masking package), or none
 */
public record RulesConfig(String policyFile, String maskingFile) {
    public static RulesConfig none() {
        return new RulesConfig(null, null);
    }
}
