package dev.bulwark.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One trusted token issuer (YAML under {@code auth.issuers}, keys in snake_case).
 *
 * <pre>
 * - issuer: https://idp.example.com/realms/acme   # exact match against the token's iss
 *   audience: bulwark                             # must be one of the token's aud values
 *   # keys: OIDC discovery by default (&lt;issuer&gt;/.well-known/openid-configuration -&gt; jwks_uri),
 *   # or one of:
 *   jwks_uri: https://idp.example.com/realms/acme/protocol/openid-connect/certs
 *   jwks_file: /etc/bulwark/idp-jwks.json
 *   algorithms: [RS256, PS256, ES256, EdDSA]       # the default; asymmetric algorithms only
 *   clock_skew_seconds: 30
 *   subject_claim: sub                            # dotted paths allowed
 *   groups_claim: groups                          # e.g. roles, realm_access.roles
 *   attribute_claims: {department: department}    # claim (path) -&gt; attribute name for rules
 *   refresh_interval_seconds: 30                  # at most one key fetch per interval
 *   keys_max_age_seconds: 3600                    # cached keys refreshed in the background after this
 *   http_timeout_seconds: 5
 * </pre>
 *
 * <p>Keys are fetched over https only; plain http is accepted for loopback addresses (tests, a local IdP).
 */
public record IssuerConfig(
        String issuer,
        String audience,
        String jwksUri,
        String jwksFile,
        List<String> algorithms,
        Integer clockSkewSeconds,
        String subjectClaim,
        String groupsClaim,
        Map<String, String> attributeClaims,
        Integer refreshIntervalSeconds,
        Integer keysMaxAgeSeconds,
        Integer httpTimeoutSeconds) {

    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "PS256", "ES256", "EdDSA");
    /** What the verifier can check: RSA (PKCS#1 v1.5 and PSS), ECDSA on the NIST curves, Ed25519. */
    public static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 30;
    public static final int DEFAULT_REFRESH_INTERVAL_SECONDS = 30;
    public static final int DEFAULT_KEYS_MAX_AGE_SECONDS = 3600;
    public static final int DEFAULT_HTTP_TIMEOUT_SECONDS = 5;
    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    public IssuerConfig {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("auth.issuers: issuer is required");
        }
        String where = "auth.issuers[" + issuer + "]";
        URI issuerUri = parseUri(issuer, where + ".issuer");
        if (!issuerUri.isAbsolute()) {
            throw new IllegalArgumentException(where + ".issuer must be an absolute URL");
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException(where + ".audience is required");
        }
        if (jwksUri != null && jwksFile != null) {
            throw new IllegalArgumentException(where + ": set jwks_uri or jwks_file, not both");
        }
        if (jwksUri != null) {
            requireFetchable(parseUri(jwksUri, where + ".jwks_uri"), where + ".jwks_uri");
        } else if (jwksFile != null) {
            if (jwksFile.isBlank()) {
                throw new IllegalArgumentException(where + ".jwks_file is empty");
            }
        } else {
            requireFetchable(issuerUri, where + ".issuer (used for OIDC discovery)");
        }
        algorithms = algorithms == null ? DEFAULT_ALGORITHMS : algorithms;
        if (algorithms.stream().anyMatch(algorithm -> algorithm == null || algorithm.isBlank())) {
            throw new IllegalArgumentException(where + ".algorithms has an empty entry");
        }
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException(where + ".algorithms is empty");
        }
        for (String algorithm : algorithms) {
            if (!SUPPORTED_ALGORITHMS.contains(JWSAlgorithm.parse(algorithm))) {
                throw new IllegalArgumentException(where + ".algorithms: " + algorithm
                        + " is not allowed; choose from " + supportedNames());
            }
        }
        clockSkewSeconds = withDefault(clockSkewSeconds, DEFAULT_CLOCK_SKEW_SECONDS, 0, 300, where + ".clock_skew_seconds");
        subjectClaim = claimPath(subjectClaim, "sub", where + ".subject_claim");
        groupsClaim = claimPath(groupsClaim, "groups", where + ".groups_claim");
        attributeClaims = attributeClaims == null ? Map.of() : attributeClaims;
        attributeClaims.forEach((claim, attribute) -> {
            claimPath(claim, null, where + ".attribute_claims");
            if (attribute == null || attribute.isBlank()) {
                throw new IllegalArgumentException(where + ".attribute_claims: claim " + claim + " maps to no attribute name");
            }
        });
        attributeClaims = Map.copyOf(attributeClaims);
        refreshIntervalSeconds = withDefault(refreshIntervalSeconds, DEFAULT_REFRESH_INTERVAL_SECONDS, 1, 86_400,
                where + ".refresh_interval_seconds");
        keysMaxAgeSeconds = withDefault(keysMaxAgeSeconds, DEFAULT_KEYS_MAX_AGE_SECONDS, refreshIntervalSeconds, 604_800,
                where + ".keys_max_age_seconds");
        httpTimeoutSeconds = withDefault(httpTimeoutSeconds, DEFAULT_HTTP_TIMEOUT_SECONDS, 1, 120, where + ".http_timeout_seconds");
    }

    /** An issuer with every default: keys by OIDC discovery. */
    public static IssuerConfig discovery(String issuer, String audience) {
        return new IssuerConfig(issuer, audience, null, null, null, null, null, null, null, null, null, null);
    }

    /** An issuer whose keys are served at {@code jwksUri}; other settings default. */
    public static IssuerConfig jwksUri(String issuer, String audience, String jwksUri) {
        return new IssuerConfig(issuer, audience, jwksUri, null, null, null, null, null, null, null, null, null);
    }

    /** An issuer whose keys are in a local JWKS file; other settings default. */
    public static IssuerConfig jwksFile(String issuer, String audience, Path jwksFile) {
        return new IssuerConfig(issuer, audience, null, jwksFile.toString(), null, null, null, null, null, null, null, null);
    }

    /** This config with other claim mapping. */
    public IssuerConfig withClaims(String subjectClaim, String groupsClaim, Map<String, String> attributeClaims) {
        return new IssuerConfig(issuer, audience, jwksUri, jwksFile, algorithms, clockSkewSeconds, subjectClaim,
                groupsClaim, attributeClaims, refreshIntervalSeconds, keysMaxAgeSeconds, httpTimeoutSeconds);
    }

    /** This config with other allowed algorithms. */
    public IssuerConfig withAlgorithms(List<String> algorithms) {
        return new IssuerConfig(issuer, audience, jwksUri, jwksFile, algorithms, clockSkewSeconds, subjectClaim,
                groupsClaim, attributeClaims, refreshIntervalSeconds, keysMaxAgeSeconds, httpTimeoutSeconds);
    }

    KeySource keySource() {
        if (jwksUri != null) {
            return new KeySource.JwksUrl(URI.create(jwksUri));
        }
        if (jwksFile != null) {
            return new KeySource.JwksFile(Path.of(jwksFile));
        }
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return new KeySource.Discovery(URI.create(base + DISCOVERY_PATH));
    }

    Set<JWSAlgorithm> allowedAlgorithms() {
        return algorithms.stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
    }

    Duration clockSkew() {
        return Duration.ofSeconds(clockSkewSeconds);
    }

    Duration refreshInterval() {
        return Duration.ofSeconds(refreshIntervalSeconds);
    }

    Duration keysMaxAge() {
        return Duration.ofSeconds(keysMaxAgeSeconds);
    }

    Duration httpTimeout() {
        return Duration.ofSeconds(httpTimeoutSeconds);
    }

    /** Whether keys may be fetched from {@code uri}: https anywhere, http only on a loopback address. */
    static boolean fetchable(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            return false;
        }
        return switch (scheme) {
            case "https" -> true;
            case "http" -> isLoopback(uri.getHost());
            default -> false;
        };
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.equals("::1") || bare.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static void requireFetchable(URI uri, String key) {
        if (!fetchable(uri)) {
            throw new IllegalArgumentException(key + " must be an https URL (http only for loopback addresses)");
        }
    }

    private static URI parseUri(String text, String key) {
        try {
            return new URI(text);
        } catch (URISyntaxException invalid) {
            throw new IllegalArgumentException(key + " is not a valid URL");
        }
    }

    private static int withDefault(Integer value, int fallback, int min, int max, String key) {
        int chosen = value == null ? fallback : value;
        if (chosen < min || chosen > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", not " + chosen);
        }
        return chosen;
    }

    private static String claimPath(String path, String fallback, String key) {
        String chosen = path == null ? fallback : path;
        if (chosen == null || chosen.isBlank() || chosen.startsWith(".") || chosen.endsWith(".") || chosen.contains("..")) {
            throw new IllegalArgumentException(key + " must be a claim name or a dotted path like realm_access.roles");
        }
        return chosen;
    }

    private static String supportedNames() {
        return SUPPORTED_ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList().toString();
    }
}
