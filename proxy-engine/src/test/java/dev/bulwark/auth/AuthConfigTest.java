package dev.bulwark.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthConfigTest {
    // As the engine reads its config.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Test
    void readsTheDocumentedYaml() throws Exception {
        AuthConfig config = YAML.readValue("""
                max_token_bytes: 8192
                issuers:
                  - issuer: https://idp.example.com/realms/acme
                    audience: bulwark
                    algorithms: [RS256, ES384]
                    clock_skew_seconds: 10
                    subject_claim: preferred_username
                    groups_claim: realm_access.roles
                    attribute_claims: {department: dept, "https://example.com/tier": tier}
                    refresh_interval_seconds: 60
                    keys_max_age_seconds: 600
                    http_timeout_seconds: 3
                  - issuer: https://bulwark.local/demo
                    audience: bulwark
                    jwks_file: /var/lib/bulwark/issuer/jwks.json
                grants:
                  - subject: alice
                    issuer: https://idp.example.com/realms/acme
                    target: shop
                    role: shop_owner
                  - group: analysts
                    target: "*"
                    role: readonly
                  - claim: dept
                    value: finance
                    target: ledger
                    role: ledger_rw
                    credential: vault:ledger-rw
                """, AuthConfig.class);

        assertEquals(8192, config.maxTokenBytes());
        IssuerConfig acme = config.issuers().get(0);
        assertEquals("https://idp.example.com/realms/acme", acme.issuer());
        assertEquals(List.of("RS256", "ES384"), acme.algorithms());
        assertEquals(10, acme.clockSkewSeconds());
        assertEquals("preferred_username", acme.subjectClaim());
        assertEquals("realm_access.roles", acme.groupsClaim());
        assertEquals(Map.of("department", "dept", "https://example.com/tier", "tier"), acme.attributeClaims());
        assertEquals(60, acme.refreshIntervalSeconds());
        assertEquals(600, acme.keysMaxAgeSeconds());
        assertEquals(3, acme.httpTimeoutSeconds());
        assertEquals(new KeySource.Discovery(java.net.URI.create(
                "https://idp.example.com/realms/acme/.well-known/openid-configuration")), acme.keySource());
        assertInstanceOf(KeySource.JwksFile.class, config.issuers().get(1).keySource());

        assertEquals(3, config.grants().size());
        assertEquals(GrantRule.forSubject("alice", "shop", "shop_owner").fromIssuer("https://idp.example.com/realms/acme"),
                config.grants().get(0));
        assertEquals(GrantRule.forGroup("analysts", "*", "readonly"), config.grants().get(1));
        assertEquals(GrantRule.forClaim("dept", "finance", "ledger", "ledger_rw").withCredential("vault:ledger-rw"),
                config.grants().get(2));
    }

    @Test
    void defaultsArePinned() throws Exception {
        AuthConfig empty = YAML.readValue("{}", AuthConfig.class);
        assertEquals(AuthConfig.defaults(), empty);
        assertEquals(16 * 1024, empty.maxTokenBytes());
        assertEquals(List.of(), empty.issuers());
        assertEquals(List.of(), empty.grants());

        IssuerConfig issuer = YAML.readValue("{issuer: 'https://idp.example.com', audience: bulwark}", IssuerConfig.class);
        assertEquals(List.of("RS256", "PS256", "ES256", "EdDSA"), issuer.algorithms());
        assertEquals(30, issuer.clockSkewSeconds());
        assertEquals("sub", issuer.subjectClaim());
        assertEquals("groups", issuer.groupsClaim());
        assertEquals(Map.of(), issuer.attributeClaims());
        assertEquals(30, issuer.refreshIntervalSeconds());
        assertEquals(3600, issuer.keysMaxAgeSeconds());
        assertEquals(5, issuer.httpTimeoutSeconds());
        assertEquals(IssuerConfig.discovery("https://idp.example.com", "bulwark"), issuer);
    }

    @Test
    void invalidIssuersNameTheKey() {
        assertInvalid("{audience: bulwark}", "auth.issuers: issuer is required");
        assertInvalid("{issuer: 'https://idp'}", "auth.issuers[https://idp].audience is required");
        assertInvalid("{issuer: 'https://idp', audience: b, jwks_uri: 'https://idp/certs', jwks_file: /x}",
                "auth.issuers[https://idp]: set jwks_uri or jwks_file, not both");
        assertInvalid("{issuer: 'http://idp.example.com', audience: b}",
                "auth.issuers[http://idp.example.com].issuer (used for OIDC discovery) must be an https URL (http only for loopback addresses)");
        assertInvalid("{issuer: 'https://idp', audience: b, jwks_uri: 'http://10.0.0.1/certs'}",
                "auth.issuers[https://idp].jwks_uri must be an https URL (http only for loopback addresses)");
        assertInvalid("{issuer: 'https://idp', audience: b, algorithms: [RS256, HS256]}",
                "auth.issuers[https://idp].algorithms: HS256 is not allowed; choose from "
                        + "[ES256, ES384, ES512, EdDSA, PS256, PS384, PS512, RS256, RS384, RS512]");
        assertInvalid("{issuer: 'https://idp', audience: b, algorithms: []}", "auth.issuers[https://idp].algorithms is empty");
        assertInvalid("{issuer: 'https://idp', audience: b, clock_skew_seconds: 301}",
                "auth.issuers[https://idp].clock_skew_seconds must be between 0 and 300, not 301");
        assertInvalid("{issuer: 'https://idp', audience: b, groups_claim: 'realm_access..roles'}",
                "auth.issuers[https://idp].groups_claim must be a claim name or a dotted path like realm_access.roles");
        assertInvalid("{issuer: 'https://idp', audience: b, refresh_interval_seconds: 60, keys_max_age_seconds: 10}",
                "auth.issuers[https://idp].keys_max_age_seconds must be between 60 and 604800, not 10");
        // http on loopback is fine (a local IdP, the tests).
        IssuerConfig.discovery("http://127.0.0.1:8080/realms/x", "bulwark");
        IssuerConfig.discovery("http://localhost/realms/x", "bulwark");
    }

    @Test
    void invalidGrantsNameTheKey() {
        assertInvalidGrant("{target: shop, role: r}", "auth.grants: each grant needs exactly one of subject, group or claim");
        assertInvalidGrant("{subject: a, group: g, target: shop, role: r}",
                "auth.grants: each grant needs exactly one of subject, group or claim");
        assertInvalidGrant("{claim: dept, target: shop, role: r}", "auth.grants[claim dept].value is required with claim");
        assertInvalidGrant("{group: g, value: x, target: shop, role: r}", "auth.grants[group g].value is only allowed with claim");
        assertInvalidGrant("{group: g, role: r}", "auth.grants[group g].target is required (a target name or \"*\")");
        assertInvalidGrant("{group: g, target: shop}", "auth.grants[group g].role is required");
        assertInvalidGrant("{group: g, target: shop, role: '" + "r".repeat(64) + "'}",
                "auth.grants[group g].role must be 1-63 bytes without control characters");
        assertInvalidGrant("{group: g, target: shop, role: r, credential: hunter2}",
                "auth.grants[group g].credential must be vault:NAME, env:VAR or file:PATH");
    }

    @Test
    void duplicateIssuersAndLimits() {
        IssuerConfig one = IssuerConfig.discovery("https://idp", "bulwark");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new AuthConfig(List.of(one, one), null, null));
        assertEquals("auth.issuers lists https://idp twice", twice.getMessage());
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> new AuthConfig(null, null, 1 << 20));
        assertEquals("auth.max_token_bytes must be between 256 and 65536, not 1048576", tooLarge.getMessage());
    }

    private static void assertInvalid(String yaml, String message) {
        ValueInstantiationException failure = assertThrows(ValueInstantiationException.class,
                () -> YAML.readValue(yaml, IssuerConfig.class));
        assertEquals(message, failure.getCause().getMessage());
    }

    private static void assertInvalidGrant(String yaml, String message) {
        ValueInstantiationException failure = assertThrows(ValueInstantiationException.class,
                () -> YAML.readValue(yaml, GrantRule.class));
        assertEquals(message, failure.getCause().getMessage());
        assertFalse(failure.getCause().getMessage().contains("hunter2"));
        assertTrue(failure.getCause() instanceof IllegalArgumentException);
    }
}
