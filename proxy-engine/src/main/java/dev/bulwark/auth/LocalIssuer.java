package dev.bulwark.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.vault.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The demo's own token issuer, so Bulwark can be tried without an IdP. An EC P-256 key pair lives in
 * {@code <data>/issuer/signing-key.jwk} (0600, directory 0700, created on first use); its public half
 * is published as {@code <data>/issuer/jwks.json}, and the engine trusts it through an ordinary
 * {@link IssuerConfig} with that file as {@code jwks_file} ({@link #issuerConfig()}): demo tokens take
 * exactly the path of any other issuer's.
 *
 * <p>Tokens: ES256, {@code kid} = the key's RFC 7638 thumbprint, {@code typ: JWT}; claims {@code iss}
 * ({@value #ISSUER}), {@code sub}, {@code aud}, {@code groups}, {@code iat}, {@code nbf}, {@code exp},
 * a random {@code jti}, and any extra string claims.
 *
 * <p>Opening reads and may write files: it blocks. Minting does not touch the disk.
 */
public final class LocalIssuer {
    public static final String ISSUER = "https://bulwark.local/demo";
    public static final String AUDIENCE = "bulwark";
    public static final String DIRECTORY = "issuer";
    public static final String KEY_FILE = "signing-key.jwk";
    public static final String JWKS_FILE = "jwks.json";
    public static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "groups");

    private final ECKey signingKey;
    private final Path jwksFile;
    private final Clock clock;

    private LocalIssuer(ECKey signingKey, Path jwksFile, Clock clock) {
        this.signingKey = signingKey;
        this.jwksFile = jwksFile;
        this.clock = clock;
    }

    /** Opens the issuer in {@code dataDirectory}, creating its key pair on first use. Blocks on file I/O. */
    public static LocalIssuer open(Path dataDirectory) {
        return open(dataDirectory, Clock.systemUTC());
    }

    public static LocalIssuer open(Path dataDirectory, Clock clock) {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(clock, "clock is null");
        Path directory = dataDirectory.resolve(DIRECTORY);
        Path keyFile = directory.resolve(KEY_FILE);
        Path jwksFile = directory.resolve(JWKS_FILE);
        try {
            SecureFiles.createPrivateDirectories(dataDirectory);
            SecureFiles.createPrivateDirectories(directory);
            if (!Files.exists(keyFile)) {
                SecureFiles.createPrivateIfAbsent(keyFile, generateKey().toJSONString().getBytes(StandardCharsets.UTF_8));
            }
            ECKey key = readKey(keyFile);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
            if (!Files.exists(jwksFile) || !java.util.Arrays.equals(Files.readAllBytes(jwksFile), jwks)) {
                SecureFiles.writeAtomically(jwksFile, jwks, false);
            }
            return new LocalIssuer(key, jwksFile, clock);
        } catch (IOException failure) {
            throw new IllegalStateException("cannot open the local issuer in " + directory + ": "
                    + failure.getClass().getSimpleName() + " " + failure.getMessage());
        }
    }

    private static ECKey generateKey() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            return new ECKey.Builder(key).keyIDFromThumbprint().build();
        } catch (JOSEException impossible) {
            throw new IllegalStateException("cannot generate an EC P-256 key", impossible);
        }
    }

    private static ECKey readKey(Path keyFile) throws IOException {
        JWK parsed;
        try {
            parsed = JWK.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
        } catch (ParseException invalid) {
            throw new IllegalStateException("the local issuer key " + keyFile + " is not a valid JWK");
        }
        if (!(parsed instanceof ECKey key) || !Curve.P_256.equals(key.getCurve()) || !key.isPrivate() || key.getKeyID() == null) {
            throw new IllegalStateException("the local issuer key " + keyFile + " is not a private EC P-256 JWK with a kid");
        }
        return key;
    }

    /** A token for {@code subject} in {@code groups}, valid for {@code ttl}, for the audience {@value #AUDIENCE}. */
    public String mint(String subject, Collection<String> groups, Duration ttl) {
        return mint(subject, groups, ttl, AUDIENCE, Map.of());
    }

    /**
     * A token with extra string claims (e.g. {@code department}, for claim-based grants).
     *
     * @throws IllegalArgumentException for an empty subject, a ttl outside (0, 24h], or an extra claim
     *     that would override a registered one
     */
    public String mint(String subject, Collection<String> groups, Duration ttl, String audience, Map<String, String> claims) {
        requireNonNull(subject, "subject is null");
        requireNonNull(groups, "groups is null");
        requireNonNull(ttl, "ttl is null");
        requireNonNull(audience, "audience is null");
        requireNonNull(claims, "claims is null");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("the subject is empty");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("the ttl must be more than 0 and at most " + MAX_TTL.toHours() + "h");
        }
        if (audience.isBlank()) {
            throw new IllegalArgumentException("the audience is empty");
        }
        Instant now = clock.instant();
        // JWT times are whole seconds: truncate so iat is never a fraction ahead of a verifier's clock.
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .claim("groups", new ArrayList<>(groups))
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach((name, value) -> {
            if (RESERVED_CLAIMS.contains(name)) {
                throw new IllegalArgumentException("the claim " + name + " cannot be set as an extra claim");
            }
            builder.claim(name, value);
        });
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID()).type(JOSEObjectType.JWT).build(),
                builder.build());
        try {
            token.sign(new ECDSASigner(signingKey));
        } catch (JOSEException impossible) {
            throw new IllegalStateException("cannot sign with the local issuer key", impossible);
        }
        return token.serialize();
    }

    /** The key id in the tokens and the JWKS. */
    public String keyId() {
        return signingKey.getKeyID();
    }

    /** The published public keys. */
    public Path jwksFile() {
        return jwksFile;
    }

    /** The engine config that trusts this issuer: its JWKS file, audience {@value #AUDIENCE}, groups from {@code groups}. */
    public IssuerConfig issuerConfig() {
        return issuerConfig(Map.of());
    }

    /** Like {@link #issuerConfig()}, mapping extra claims to rule attributes. */
    public IssuerConfig issuerConfig(Map<String, String> attributeClaims) {
        return new IssuerConfig(ISSUER, AUDIENCE, null, jwksFile.toAbsolutePath().toString(), List.of("ES256"),
                null, null, "groups", attributeClaims, null, null, null);
    }

    @Override
    public String toString() {
        return "LocalIssuer[" + ISSUER + ", kid " + keyId() + "]";
    }
}
