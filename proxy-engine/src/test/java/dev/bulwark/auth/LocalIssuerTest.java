package dev.bulwark.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.vault.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LocalIssuerTest {

    @Test
    void createsPrivateKeyAndPublicJwksOnFirstUse(@TempDir Path temp) throws Exception {
        Path data = temp.resolve("data");
        LocalIssuer issuer = LocalIssuer.open(data);

        Path directory = data.resolve("issuer");
        assertEquals("rwx------", SecureFiles.permissions(data));
        assertEquals("rwx------", SecureFiles.permissions(directory));
        assertEquals("rw-------", SecureFiles.permissions(directory.resolve("signing-key.jwk")));
        assertEquals(directory.resolve("jwks.json"), issuer.jwksFile());

        JWKSet published = JWKSet.parse(Files.readString(issuer.jwksFile()));
        assertEquals(1, published.getKeys().size());
        assertEquals(issuer.keyId(), published.getKeys().getFirst().getKeyID());
        assertFalse(published.getKeys().getFirst().isPrivate(), "the JWKS holds the public key only");
        assertFalse(Files.readString(issuer.jwksFile()).contains("\"d\""));

        // Opening again keeps the key.
        assertEquals(issuer.keyId(), LocalIssuer.open(data).keyId());
        assertEquals(List.of("issuer"), Files.list(data).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void mintedTokensVerifyThroughTheOrdinaryFileIssuerPath(@TempDir Path data) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00.700Z"));
        LocalIssuer issuer = LocalIssuer.open(data, clock);
        String token = issuer.mint("alice", List.of("analysts", "dba"), Duration.ofMinutes(15), "bulwark",
                Map.of("department", "finance"));

        SignedJWT parsed = SignedJWT.parse(token);
        assertEquals("ES256", parsed.getHeader().getAlgorithm().getName());
        assertEquals(issuer.keyId(), parsed.getHeader().getKeyID());
        assertEquals(LocalIssuer.ISSUER, parsed.getJWTClaimsSet().getIssuer());
        assertEquals(List.of("bulwark"), parsed.getJWTClaimsSet().getAudience());

        IssuerConfig config = issuer.issuerConfig(Map.of("department", "department"));
        try (TokenVerifier verifier = new TokenVerifier(new AuthConfig(List.of(config), null, null), Runnable::run, clock)) {
            Identity identity = verifier.verify(token).get(5, TimeUnit.SECONDS);
            assertEquals("alice", identity.subject());
            assertEquals(Set.of("analysts", "dba"), identity.groups());
            assertEquals(LocalIssuer.ISSUER, identity.issuer());
            assertEquals(Instant.parse("2026-11-21T12:15:00Z"), identity.expiresAt());
            assertEquals(Map.of("department", "finance"), identity.attributes());
            assertFalse(identity.tokenId().isEmpty());

            String other = issuer.mint("alice", List.of(), Duration.ofMinutes(1));
            assertNotEquals(SignedJWT.parse(other).getJWTClaimsSet().getJWTID(), identity.tokenId(), "jti is fresh per token");

            clock.advance(Duration.ofMinutes(16));
            ExecutionException expired = assertThrows(ExecutionException.class, () -> verifier.verify(token).get());
            assertEquals("token expired", AuthenticationException.unwrap(expired).clientMessage());
        }
    }

    @Test
    void refusesBadRequests(@TempDir Path data) {
        LocalIssuer issuer = LocalIssuer.open(data);
        assertEquals("the ttl must be more than 0 and at most 24h", assertThrows(IllegalArgumentException.class,
                () -> issuer.mint("alice", List.of(), Duration.ofHours(25))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> issuer.mint("alice", List.of(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> issuer.mint(" ", List.of(), Duration.ofMinutes(1)));
        assertEquals("the claim sub cannot be set as an extra claim", assertThrows(IllegalArgumentException.class,
                () -> issuer.mint("alice", List.of(), Duration.ofMinutes(1), "bulwark", Map.of("sub", "root"))).getMessage());
    }

    @Test
    void refusesAKeyFileThatIsNotAPrivateP256Key(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("issuer"));
        Files.writeString(data.resolve("issuer/signing-key.jwk"), TestIdp.ecKey("x").toPublicJWK().toJSONString());
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> LocalIssuer.open(data));
        assertEquals("the local issuer key " + data.resolve("issuer/signing-key.jwk")
                + " is not a private EC P-256 JWK with a kid", failure.getMessage());
    }
}
