package dev.bulwark.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny identity provider on a loopback port: OIDC discovery at
 * {@code <issuer>/.well-known/openid-configuration} and a JWKS at {@code <issuer>/certs}, with hit
 * counters and a switch to serve errors. Keys are made by the test and can be swapped (rotation).
 */
final class TestIdp implements AutoCloseable {
    private final HttpServer server;
    private final String issuer;
    private final AtomicInteger discoveryHits = new AtomicInteger();
    private final AtomicInteger jwksHits = new AtomicInteger();
    private volatile String publishedJwks;
    private volatile int jwksStatus = 200;
    private volatile String discoveryIssuer;

    TestIdp(String realm, JWK... keys) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/" + realm;
        discoveryIssuer = issuer;
        String base = "/realms/" + realm;
        server.createContext(base + "/.well-known/openid-configuration", exchange -> {
            discoveryHits.incrementAndGet();
            respond(exchange, 200, "{\"issuer\":\"" + discoveryIssuer + "\",\"jwks_uri\":\"" + issuer + "/certs\","
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}");
        });
        server.createContext(base + "/certs", exchange -> {
            jwksHits.incrementAndGet();
            respond(exchange, jwksStatus, jwksStatus == 200 ? publishedJwks : "{\"error\":\"down\"}");
        });
        publish(keys);
        server.start();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    String issuer() {
        return issuer;
    }

    String jwksUri() {
        return issuer + "/certs";
    }

    /** Serves these keys (their public halves) from now on. */
    void publish(JWK... keys) {
        publishedJwks = new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString(true);
    }

    /** Serves this raw text as the JWKS. */
    void publishRaw(String jwks) {
        publishedJwks = jwks;
    }

    void failJwks(int status) {
        jwksStatus = status;
    }

    void claimIssuerInDiscovery(String otherIssuer) {
        discoveryIssuer = otherIssuer;
    }

    int discoveryHits() {
        return discoveryHits.get();
    }

    int jwksHits() {
        return jwksHits.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- keys and tokens ----

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims that pass every check at {@code now} for {@code issuer} and audience bulwark. */
    static JWTClaimsSet.Builder validClaims(String issuer, Instant now) {
        Instant second = Instant.ofEpochSecond(now.getEpochSecond());
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("alice")
                .audience(List.of("account", "bulwark"))
                .claim("groups", List.of("analysts", "staff"))
                .issueTime(Date.from(second))
                .notBeforeTime(Date.from(second))
                .expirationTime(Date.from(second.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        JWSAlgorithm algorithm = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        return sign(key, algorithm, key.getKeyID(), claims);
    }

    static String sign(JWK key, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT token = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
            token.sign(signer);
            return token.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
