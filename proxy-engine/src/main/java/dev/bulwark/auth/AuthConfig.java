package dev.bulwark.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code auth} section of the engine config.
 *
 * <pre>
 * auth:
 *   max_token_bytes: 16384     # larger passwords are refused before any parsing
 *   issuers: [...]             # see IssuerConfig
 *   grants: [...]              # see GrantRule, first match wins
 * </pre>
 */
public record AuthConfig(List<IssuerConfig> issuers, List<GrantRule> grants, Integer maxTokenBytes) {

    public static final int DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;

    public AuthConfig {
        issuers = issuers == null ? List.of() : issuers;
        grants = grants == null ? List.of() : grants;
        if (issuers.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("auth.issuers has an empty entry");
        }
        if (grants.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("auth.grants has an empty entry");
        }
        issuers = List.copyOf(issuers);
        grants = List.copyOf(grants);
        maxTokenBytes = maxTokenBytes == null ? DEFAULT_MAX_TOKEN_BYTES : maxTokenBytes;
        if (maxTokenBytes < 256 || maxTokenBytes > 64 * 1024) {
            throw new IllegalArgumentException("auth.max_token_bytes must be between 256 and 65536, not " + maxTokenBytes);
        }
        Set<String> seen = new HashSet<>();
        for (IssuerConfig issuer : issuers) {
            if (!seen.add(issuer.issuer())) {
                throw new IllegalArgumentException("auth.issuers lists " + issuer.issuer() + " twice");
            }
        }
    }

    public static AuthConfig defaults() {
        return new AuthConfig(null, null, null);
    }
}
