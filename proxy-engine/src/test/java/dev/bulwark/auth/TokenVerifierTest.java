package dev.bulwark.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class TokenVerifierTest {
    private static final Instant START = Instant.parse("2026-11-21T12:00:00Z");
    // RSA key generation is the slow part of this class: make the keys once.
    private static RSAKey rsa1;
    private static RSAKey rsa2;
    private static RSAKey stranger;
    private static ExecutorService executor;

    private final MutableClock clock = new MutableClock(START);
    private TestIdp idp;
    private TokenVerifier verifier;

    @BeforeAll
    static void keys() {
        rsa1 = TestIdp.rsaKey("rsa-1");
        rsa2 = TestIdp.rsaKey("rsa-2");
        stranger = TestIdp.rsaKey("rsa-1"); // same kid as rsa1, different key: a forgery
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
    }

    @BeforeEach
    void start() throws Exception {
        idp = new TestIdp("acme", rsa1);
        IssuerConfig issuer = IssuerConfig.discovery(idp.issuer(), "bulwark");
        verifier = new TokenVerifier(new AuthConfig(List.of(issuer), null, null), executor, clock);
        verifier.preload().get(5, TimeUnit.SECONDS);
        assertTrue(verifier.hasKeys(idp.issuer()));
        assertEquals(1, idp.discoveryHits());
        assertEquals(1, idp.jwksHits());
    }

    @AfterEach
    void stop() {
        verifier.close();
        idp.close();
    }

    private JWTClaimsSet.Builder claims() {
        return TestIdp.validClaims(idp.issuer(), clock.instant());
    }

    private String token(JWTClaimsSet.Builder claims) {
        return TestIdp.sign(rsa1, claims.build());
    }

    private static Identity accepted(CompletableFuture<Identity> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static void assertRejected(CompletableFuture<Identity> future, String sqlState, String message) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        AuthenticationException rejected = AuthenticationException.unwrap(failure);
        assertNotNull(rejected, () -> "not an AuthenticationException: " + failure.getCause());
        assertEquals(message, rejected.clientMessage());
        assertEquals(sqlState, rejected.sqlState());
    }

    private static void assertRejected(CompletableFuture<Identity> future, String message) {
        assertRejected(future, "28P01", message);
    }

    // ---- acceptance ----

    @Test
    void validTokenMapsToIdentityAndCompletesAtOnceWhenKeysAreCached() throws Exception {
        JWTClaimsSet claims = claims().build();
        CompletableFuture<Identity> future = verifier.verify(TestIdp.sign(rsa1, claims));

        assertTrue(future.isDone(), "verification with cached keys must not wait for anything");
        Identity identity = accepted(future);
        assertEquals("alice", identity.subject());
        assertEquals(Set.of("analysts", "staff"), identity.groups());
        assertEquals(idp.issuer(), identity.issuer());
        assertEquals(claims.getJWTID(), identity.tokenId());
        assertEquals(START.plusSeconds(300), identity.expiresAt());
        assertEquals(Map.of(), identity.attributes());
        assertEquals(1, idp.jwksHits(), "a cached key needs no fetch");
    }

    @Test
    void surroundingWhitespaceIsIgnored() throws Exception {
        assertEquals("alice", accepted(verifier.verify(" " + token(claims()) + "\n")).subject());
    }

    @Test
    void clockSkewIsTolerated() throws Exception {
        Instant now = clock.instant();
        String token = token(claims()
                .expirationTime(Date.from(now.minusSeconds(20)))
                .notBeforeTime(Date.from(now.plusSeconds(20)))
                .issueTime(Date.from(now.plusSeconds(20))));
        assertEquals("alice", accepted(verifier.verify(token)).subject());
    }

    @Test
    void tokenIdIsEmptyWithoutJti() throws Exception {
        assertEquals("", accepted(verifier.verify(token(claims().jwtID(null)))).tokenId());
    }

    // ---- every rejection, with its exact client message ----

    @Test
    void wrongAudience() {
        assertRejected(verifier.verify(token(claims().audience("someone-else"))), "token audience not accepted");
        assertRejected(verifier.verify(token(claims().audience((String) null))), "token audience not accepted");
    }

    @Test
    void wrongIssuer() {
        assertRejected(verifier.verify(token(claims().issuer("https://evil.example.com/realms/acme"))),
                "token issuer not trusted");
        assertRejected(verifier.verify(token(claims().issuer(idp.issuer() + "/"))), "token issuer not trusted");
        assertRejected(verifier.verify(token(claims().issuer(null))), "token issuer not trusted");
        assertEquals(1, idp.jwksHits(), "an untrusted issuer costs no fetch");
    }

    @Test
    void expired() {
        Instant now = clock.instant();
        assertRejected(verifier.verify(token(claims().expirationTime(Date.from(now.minusSeconds(31))))), "token expired");
        // Exactly at exp + skew the token is no longer valid.
        assertRejected(verifier.verify(token(claims().expirationTime(Date.from(now.minusSeconds(30))))), "token expired");
    }

    @Test
    void expiresWhileTheClockMoves() throws Exception {
        String token = token(claims());
        accepted(verifier.verify(token));
        clock.advance(Duration.ofSeconds(300 + 30));
        assertRejected(verifier.verify(token), "token expired");
    }

    @Test
    void notYetValid() {
        assertRejected(verifier.verify(token(claims().notBeforeTime(Date.from(clock.instant().plusSeconds(31))))),
                "token not yet valid");
    }

    @Test
    void issuedInTheFuture() {
        assertRejected(verifier.verify(token(claims()
                        .notBeforeTime(null)
                        .issueTime(Date.from(clock.instant().plusSeconds(31))))),
                "token issued in the future");
    }

    @Test
    void missingExpiryOrSubject() {
        assertRejected(verifier.verify(token(claims().expirationTime(null))), "token has no expiry");
        assertRejected(verifier.verify(token(claims().subject(null))), "token has no subject");
        assertRejected(verifier.verify(token(claims().subject(""))), "token has no subject");
    }

    @Test
    void aSubjectWithInvisibleOrControlCharactersIsRefused() throws Exception {
        // Issue 24 class 4: such a subject reads as someone else's (audit trail, console, rules).
        for (String subject : List.of("alice\u200B", "al\u200Dice", "\u200Falice", "\u202Eecila", "alice ", " alice",
                "alice\t", "ali\u00ADce", "alice\uFE0F", "alice\u2066", "alice\u0000", "ali\nce", "alice\u00A0",
                "\u3164", "alice\uDB40\uDC41")) {
            assertRejected(verifier.verify(token(claims().subject(subject))),
                    "token subject has invisible or control characters");
        }
        assertEquals("Alice Smith", accepted(verifier.verify(token(claims().subject("Alice Smith")))).subject(),
                "a space inside is visible");
        assertEquals("ｊｏｓé", accepted(verifier.verify(token(claims().subject("ｊｏｓé")))).subject(),
                "fullwidth and accented letters are visible (compared folded, see PersonKeys)");
    }

    @Test
    void emailAndUsernameClaimsAreKeptAsNamesForTellingPeopleApart() throws Exception {
        Identity identity = accepted(verifier.verify(token(claims().claim("email", "Alice@Example.com")
                .claim("preferred_username", "alice.s").claim("name", "Alice S"))));
        assertEquals(Map.of("email", "Alice@Example.com", "preferred_username", "alice.s"), identity.names());
        assertEquals(Map.of(), identity.attributes(), "not rule attributes unless mapped");
        assertEquals(Set.of("alice", "alice@example.com", "alice.s"), identity.person().keys());
    }

    @Test
    void algNone() {
        String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        assertRejected(verifier.verify(header + "." + payload + "."), "token algorithm not allowed");
        // "none" spelled differently, with a signature part: still no algorithm we allow.
        String noneUpper = Base64URL.encode("{\"alg\":\"NONE\",\"kid\":\"rsa-1\"}").toString();
        assertRejected(verifier.verify(noneUpper + "." + payload + ".c2ln"), "token algorithm not allowed");
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyAsSecret() throws Exception {
        // The classic confusion attack: the attacker knows the public key and uses it as an HMAC secret.
        byte[][] secrets = {
                rsa1.toRSAPublicKey().getEncoded(),
                rsa1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                new JWKSet(rsa1.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8),
        };
        for (byte[] secret : secrets) {
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
            forged.sign(new MACSigner(secret));
            assertRejected(verifier.verify(forged.serialize()), "token algorithm not allowed");
        }
    }

    @Test
    void hmacCanNotEvenBeConfigured() {
        IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class,
                () -> IssuerConfig.discovery(idp.issuer(), "bulwark").withAlgorithms(List.of("RS256", "HS256")));
        assertTrue(rejected.getMessage().contains("HS256 is not allowed"), rejected.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> IssuerConfig.discovery(idp.issuer(), "bulwark").withAlgorithms(List.of("none")));
    }

    @Test
    void algorithmOutsideTheIssuersList() throws Exception {
        // RS384 with a valid signature from the right key, but the issuer allows only the defaults.
        String token = TestIdp.sign(rsa1, JWSAlgorithm.RS384, "rsa-1", claims().build());
        assertRejected(verifier.verify(token), "token algorithm not allowed");
    }

    @Test
    void tamperedPayload() {
        String token = token(claims());
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String tampered = payload.replace("\"alice\"", "\"admin\"");
        assertFalse(payload.equals(tampered));
        String forged = parts[0] + "." + Base64URL.encode(tampered) + "." + parts[2];
        assertRejected(verifier.verify(forged), "token signature invalid");
    }

    @Test
    void tamperedSignatureAndForgedKey() {
        String token = token(claims());
        String[] parts = token.split("\\.");
        byte[] signature = Base64URL.from(parts[2]).decode();
        signature[10] ^= 1;
        assertRejected(verifier.verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)),
                "token signature invalid");
        // Signed by another key that claims the trusted kid.
        assertRejected(verifier.verify(TestIdp.sign(stranger, claims().build())), "token signature invalid");
    }

    @Test
    void unknownKidStillUnknownAfterRefresh() {
        clock.advance(Duration.ofSeconds(31));
        String token = TestIdp.sign(rsa2, claims().build());
        assertRejected(verifier.verify(token), "token signing key unknown");
        assertEquals(2, idp.jwksHits(), "one refresh was tried for the unknown kid");
        assertEquals(1, idp.discoveryHits(), "the jwks_uri from discovery is kept");
    }

    @Test
    void garbage() {
        for (String garbage : List.of("x", "not a token", "a.b.c", "...", "a.b", "a.b.c.d.e",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0", "eyJhbGciOiJSUzI1NiJ9.!!!.sig", "ÿÿ.ÿÿ.ÿÿ",
                Base64URL.encode("[1,2]") + "." + Base64URL.encode("{}") + ".c2ln",
                Base64URL.encode("{\"alg\":\"RS256\"}") + "." + Base64URL.encode("not json") + ".c2ln")) {
            assertRejected(verifier.verify(garbage), "token malformed");
        }
        assertRejected(verifier.verify(""), "token missing");
        assertRejected(verifier.verify(null), "token missing");
        assertEquals(1, idp.jwksHits());
    }

    @Test
    void oversizedTokenIsRefusedBeforeParsing() {
        String huge = "a".repeat(AuthConfig.DEFAULT_MAX_TOKEN_BYTES + 1);
        assertRejected(verifier.verify(huge), "token too large");
        // A real, validly signed token that is too large is refused just the same.
        String padded = token(claims().claim("padding", "p".repeat(AuthConfig.DEFAULT_MAX_TOKEN_BYTES)));
        assertRejected(verifier.verify(padded), "token too large");
        assertEquals(1, idp.jwksHits());
    }

    @Test
    void rejectionMessagesNeverContainTheToken() {
        String token = token(claims().audience("other"));
        ExecutionException failure = assertThrows(ExecutionException.class, () -> verifier.verify(token).get(5, TimeUnit.SECONDS));
        AuthenticationException rejected = AuthenticationException.unwrap(failure);
        assertFalse(rejected.getMessage().contains(token.substring(0, 20)));
        assertEquals(null, rejected.getCause(), "no library exception rides along");
    }

    // ---- keys: rotation, rate limit, outages ----

    @Test
    void keyRotationAtTheIdpIsPickedUpWithoutRestart() throws Exception {
        String oldToken = token(claims());
        accepted(verifier.verify(oldToken));

        idp.publish(rsa2); // the IdP rotates: rsa-1 is gone, rsa-2 signs from now on
        clock.advance(Duration.ofSeconds(31));
        Identity identity = accepted(verifier.verify(TestIdp.sign(rsa2, claims().subject("bob").build())));

        assertEquals("bob", identity.subject());
        assertEquals(2, idp.jwksHits());
        // The retired key is no longer trusted once the new set is loaded.
        assertRejected(verifier.verify(oldToken), "token signing key unknown");
    }

    @Test
    void refreshesAreRateLimitedPerIssuer() throws Exception {
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 20; i++) {
            String token = TestIdp.sign(rsa2, JWSAlgorithm.RS256, "made-up-" + i, claims().build());
            assertRejected(verifier.verify(token), "token signing key unknown");
        }
        assertEquals(2, idp.jwksHits(), "twenty unknown kids within the interval cost one fetch");

        clock.advance(Duration.ofSeconds(29));
        assertRejected(verifier.verify(TestIdp.sign(rsa2, claims().build())), "token signing key unknown");
        assertEquals(2, idp.jwksHits(), "still within 30 s of the last fetch");

        idp.publish(rsa1, rsa2);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", accepted(verifier.verify(TestIdp.sign(rsa2, claims().build()))).subject());
        assertEquals(3, idp.jwksHits());
    }

    @Test
    void concurrentUnknownKidsShareOneFetch() throws Exception {
        clock.advance(Duration.ofSeconds(31));
        idp.publish(rsa1, rsa2);
        List<CompletableFuture<Identity>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(verifier.verify(TestIdp.sign(rsa2, claims().build())));
        }
        for (CompletableFuture<Identity> future : futures) {
            assertEquals("alice", accepted(future).subject());
        }
        assertEquals(2, idp.jwksHits());
    }

    @Test
    void staleKeysAreRefreshedInTheBackground() throws Exception {
        clock.advance(Duration.ofSeconds(IssuerConfig.DEFAULT_KEYS_MAX_AGE_SECONDS));
        // Verification still completes at once with the cached keys...
        CompletableFuture<Identity> future = verifier.verify(token(claims()));
        assertTrue(future.isDone());
        accepted(future);
        // ...while a refresh runs behind it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (idp.jwksHits() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, idp.jwksHits());
    }

    @Test
    void keysUnavailableWhenTheIdpIsDown() throws Exception {
        try (TestIdp down = new TestIdp("down", rsa1)) {
            down.failJwks(500);
            try (TokenVerifier fresh = new TokenVerifier(
                    new AuthConfig(List.of(IssuerConfig.jwksUri(down.issuer(), "bulwark", down.jwksUri())), null, null),
                    executor, clock)) {
                String token = TestIdp.sign(rsa1, TestIdp.validClaims(down.issuer(), clock.instant()).build());
                assertRejected(fresh.verify(token), "28000", "token issuer keys unavailable");
                assertRejected(fresh.verify(token), "28000", "token issuer keys unavailable");
                assertEquals(1, down.jwksHits(), "failed fetches are rate limited too");

                down.failJwks(200);
                clock.advance(Duration.ofSeconds(30));
                assertEquals("alice", accepted(fresh.verify(token)).subject());
            }
        }
    }

    @Test
    void cachedKeysSurviveAnOutage() throws Exception {
        idp.failJwks(503);
        clock.advance(Duration.ofSeconds(31));
        assertRejected(verifier.verify(TestIdp.sign(rsa2, claims().build())), "token signing key unknown");
        assertEquals("alice", accepted(verifier.verify(token(claims()))).subject());
    }

    @Test
    void discoveryNamingAnotherIssuerIsNotTrusted() throws Exception {
        try (TestIdp liar = new TestIdp("liar", rsa1)) {
            liar.claimIssuerInDiscovery("https://evil.example.com");
            try (TokenVerifier fresh = new TokenVerifier(
                    new AuthConfig(List.of(IssuerConfig.discovery(liar.issuer(), "bulwark")), null, null), executor, clock)) {
                String token = TestIdp.sign(rsa1, TestIdp.validClaims(liar.issuer(), clock.instant()).build());
                assertRejected(fresh.verify(token), "28000", "token issuer keys unavailable");
                assertEquals(0, liar.jwksHits());
            }
        }
    }

    @Test
    void symmetricKeysInAJwksAreIgnored() throws Exception {
        // An IdP (or an attacker who can write the JWKS) publishing an oct key must not enable HMAC.
        idp.publishRaw("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"rsa-1\",\"k\":\"" + Base64URL.encode(new byte[32]) + "\"},"
                + rsa1.toPublicJWK().toJSONString() + "]}");
        clock.advance(Duration.ofSeconds(31));
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        forged.sign(new MACSigner(new byte[32]));
        assertRejected(verifier.verify(forged.serialize()), "token algorithm not allowed");
        assertEquals("alice", accepted(verifier.verify(token(claims()))).subject());
    }

    // ---- several issuers, key types, claim mapping ----

    @Test
    void severalIssuersAtOnce(@TempDir Path directory) throws Exception {
        ECKey ec = TestIdp.ecKey("ec-1");
        EdKey ed = EdKey.generate("ed-1");
        Path jwksFile = directory.resolve("jwks.json");
        Files.writeString(jwksFile, new JWKSet(ed.publicJwk()).toString());
        try (TestIdp second = new TestIdp("second", ec)) {
            List<IssuerConfig> issuers = List.of(
                    IssuerConfig.discovery(idp.issuer(), "bulwark"),
                    IssuerConfig.jwksUri(second.issuer(), "bulwark", second.jwksUri()),
                    IssuerConfig.jwksFile("https://files.example.com", "bulwark", jwksFile));
            try (TokenVerifier many = new TokenVerifier(new AuthConfig(issuers, null, null), executor, clock)) {
                many.preload().get(5, TimeUnit.SECONDS);

                Identity fromFirst = accepted(many.verify(token(claims())));
                Identity fromSecond = accepted(many.verify(TestIdp.sign(ec,
                        TestIdp.validClaims(second.issuer(), clock.instant()).subject("bob").build())));
                Identity fromFile = accepted(many.verify(ed.sign(
                        TestIdp.validClaims("https://files.example.com", clock.instant()).subject("carol").build())));

                assertEquals(idp.issuer(), fromFirst.issuer());
                assertEquals("bob", fromSecond.subject());
                assertEquals(second.issuer(), fromSecond.issuer());
                assertEquals("carol", fromFile.subject());
                assertEquals("https://files.example.com", fromFile.issuer());

                // A token that names one issuer but is signed with another issuer's key is refused.
                String crossed = TestIdp.sign(ec, TestIdp.validClaims(idp.issuer(), clock.instant()).build());
                assertRejected(many.verify(crossed), "token signing key unknown");
            }
        }
    }

    @Test
    void edDsaSignatureIsChecked(@TempDir Path directory) throws Exception {
        EdKey ed = EdKey.generate("ed-1");
        Path jwksFile = directory.resolve("jwks.json");
        Files.writeString(jwksFile, new JWKSet(ed.publicJwk()).toString());
        try (TokenVerifier files = new TokenVerifier(new AuthConfig(List.of(
                IssuerConfig.jwksFile("https://files.example.com", "bulwark", jwksFile)), null, null), executor, clock)) {
            String token = ed.sign(TestIdp.validClaims("https://files.example.com", clock.instant()).build());
            assertEquals("alice", accepted(files.verify(token)).subject());
            String[] parts = token.split("\\.");
            byte[] signature = Base64URL.from(parts[2]).decode();
            signature[0] ^= 1;
            assertRejected(files.verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)),
                    "token signature invalid");
        }
    }

    @Test
    void nestedGroupsClaimAndAttributes() throws Exception {
        IssuerConfig keycloak = IssuerConfig.discovery(idp.issuer(), "bulwark").withClaims(
                "preferred_username", "realm_access.roles",
                Map.of("department", "department", "https://example.com/tier", "tier", "org.unit", "unit",
                        "scopes", "scopes", "absent", "absent"));
        try (TokenVerifier mapped = new TokenVerifier(new AuthConfig(List.of(keycloak), null, null), executor, clock)) {
            JWTClaimsSet claims = claims()
                    .claim("preferred_username", "alice.smith")
                    .claim("realm_access", Map.of("roles", List.of("dba", "auditor", 7)))
                    .claim("department", "finance")
                    .claim("https://example.com/tier", 2)
                    .claim("org", Map.of("unit", "payments"))
                    .claim("scopes", List.of("read", "write"))
                    .build();
            Identity identity = accepted(mapped.verify(token(new JWTClaimsSet.Builder(claims))));
            assertEquals("alice.smith", identity.subject());
            assertEquals(Set.of("dba", "auditor", "7"), identity.groups());
            assertEquals(Map.of("department", "finance", "tier", "2", "unit", "payments", "scopes", "read,write"),
                    identity.attributes());
        }
    }

    @Test
    void singleStringGroupIsOneGroupAndObjectsAreNoGroups() throws Exception {
        IssuerConfig roles = IssuerConfig.discovery(idp.issuer(), "bulwark").withClaims(null, "roles", null);
        try (TokenVerifier mapped = new TokenVerifier(new AuthConfig(List.of(roles), null, null), executor, clock)) {
            assertEquals(Set.of("Domain Admins"),
                    accepted(mapped.verify(token(claims().claim("roles", "Domain Admins")))).groups());
            assertEquals(Set.of(),
                    accepted(mapped.verify(token(claims().claim("roles", Map.of("a", "b"))))).groups());
        }
    }

    /** An Ed25519 key made with the JDK (nimbus's own Ed25519 support needs Tink). */
    record EdKey(KeyPair pair, String kid) {
        static EdKey generate(String kid) throws Exception {
            return new EdKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), kid);
        }

        OctetKeyPair publicJwk() {
            byte[] encoded = pair.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID(kid).build();
        }

        String sign(JWTClaimsSet claims) {
            try {
                JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(kid).build();
                String signingInput = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(pair.getPrivate());
                signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + Base64URL.encode(signer.sign());
            } catch (Exception e) {
                fail(e);
                return null;
            }
        }
    }
}
