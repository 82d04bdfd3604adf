package dev.bulwark.auth;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.auth.AuthenticationException.Reason;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Verifies the OIDC JWTs that clients send as their PostgreSQL password and maps them to an
 * {@link Identity}.
 *
 * <p>The checks, in order (the first failure decides the client message):
 * <ol>
 *   <li>size: more than {@code max_token_bytes} is refused before any parsing ("token too large");
 *   <li>form: a compact JWS of three parts with a JSON header and claims ("token malformed");
 *       an unsecured token ({@code alg: none}) is refused ("token algorithm not allowed");
 *   <li>{@code iss}: exactly one of the configured issuers ("token issuer not trusted");
 *   <li>{@code alg}: in that issuer's {@code algorithms} ("token algorithm not allowed");
 *   <li>key: a key of the issuer's JWKS that fits the header's {@code kid} and {@code alg}; an unknown
 *       one triggers a (rate-limited) refresh first ("token signing key unknown");
 *   <li>signature ("token signature invalid");
 *   <li>{@code exp} (required), {@code nbf}, {@code iat} with the issuer's clock skew ("token expired",
 *       "token not yet valid", "token issued in the future");
 *   <li>{@code aud} contains the issuer's {@code audience} ("token audience not accepted");
 *   <li>the subject claim is a non-empty string ("token has no subject") without invisible,
 *       control or bidirectional characters or whitespace at either end ("token subject has invisible or
 *       control characters"; {@link PersonKeys#hasInvisible}): such a subject would read as another
 *       person's in audit trails, the console and policy rules.
 * </ol>
 * All of these are SQLSTATE 28P01. When the issuer's keys cannot be fetched at all the answer is 28000
 * "token issuer keys unavailable".
 *
 * <p>Threads: {@link #verify} never blocks. It completes before returning when the issuer's keys are
 * cached (the usual case; the signature check costs tens of microseconds); otherwise the key fetch runs
 * on the executor given at construction and the future completes there, so a caller on an event loop
 * must hop back to its loop ({@code channel.eventLoop().execute}) before touching the channel.
 */
public final class TokenVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private final Map<String, IssuerKeys> issuers;
    private final int maxTokenBytes;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @param executor runs key fetches (HTTP and file reads); must not be an event loop
     */
    public TokenVerifier(AuthConfig config, Executor executor) {
        this(config, executor, Clock.systemUTC());
    }

    public TokenVerifier(AuthConfig config, Executor executor, Clock clock) {
        requireNonNull(config, "config is null");
        requireNonNull(executor, "executor is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxTokenBytes = config.maxTokenBytes();
        Duration connectTimeout = config.issuers().stream()
                .map(IssuerConfig::httpTimeout).max(Duration::compareTo).orElse(Duration.ofSeconds(5));
        this.http = JwksLoader.httpClient(executor, connectTimeout);
        JwksLoader loader = new JwksLoader(http, executor);
        Map<String, IssuerKeys> byIssuer = new LinkedHashMap<>();
        for (IssuerConfig issuer : config.issuers()) {
            byIssuer.put(issuer.issuer(), new IssuerKeys(issuer, loader, clock));
        }
        this.issuers = Map.copyOf(byIssuer);
    }

    /**
     * Loads every issuer's keys now, so the first logins do not wait for them. Completes (normally)
     * once every attempt has finished; failures are logged and retried on demand.
     */
    public CompletableFuture<Void> preload() {
        return CompletableFuture.allOf(issuers.values().stream()
                .map(IssuerKeys::refresh)
                .filter(fetch -> fetch != null)
                .map(fetch -> fetch.handle((keys, failure) -> null))
                .toArray(CompletableFuture[]::new));
    }

    /** Whether keys are cached for {@code issuer} (for health reporting). */
    public boolean hasKeys(String issuer) {
        IssuerKeys keys = issuers.get(issuer);
        return keys != null && keys.cached() != null;
    }

    /** The configured issuers. */
    public List<String> issuers() {
        return issuers.keySet().stream().sorted().toList();
    }

    /**
     * Verifies {@code token}. Completes with the identity, or exceptionally with an
     * {@link AuthenticationException} (see {@link AuthenticationException#unwrap}). Never blocks.
     */
    public CompletableFuture<Identity> verify(String token) {
        Parsed parsed;
        try {
            parsed = parse(token);
        } catch (AuthenticationException rejected) {
            return rejected(rejected, null);
        }
        IssuerKeys keys = parsed.issuer();
        JWKSet cached = keys.cached();
        if (cached != null) {
            List<JWK> candidates = Signatures.candidates(cached, parsed.token().getHeader());
            if (!candidates.isEmpty()) {
                return complete(parsed, candidates);
            }
        }
        CompletableFuture<JWKSet> refresh = keys.refresh();
        if (refresh == null) {
            return rejected(new AuthenticationException(cached == null ? Reason.KEYS_UNAVAILABLE : Reason.SIGNING_KEY_UNKNOWN),
                    keys.config().issuer());
        }
        return refresh.handle((fresh, failure) -> fresh != null ? fresh : keys.cached())
                .thenCompose(available -> {
                    if (available == null) {
                        return rejected(new AuthenticationException(Reason.KEYS_UNAVAILABLE), keys.config().issuer());
                    }
                    List<JWK> candidates = Signatures.candidates(available, parsed.token().getHeader());
                    if (candidates.isEmpty()) {
                        return rejected(new AuthenticationException(Reason.SIGNING_KEY_UNKNOWN), keys.config().issuer());
                    }
                    return complete(parsed, candidates);
                });
    }

    private CompletableFuture<Identity> complete(Parsed parsed, List<JWK> candidates) {
        try {
            return CompletableFuture.completedFuture(check(parsed, candidates));
        } catch (AuthenticationException rejected) {
            return rejected(rejected, parsed.issuer().config().issuer());
        }
    }

    private static <T> CompletableFuture<T> rejected(AuthenticationException rejected, String issuer) {
        LOG.debug("token rejected: {} (issuer {})", rejected.reason(), issuer);
        return CompletableFuture.failedFuture(rejected);
    }

    private record Parsed(SignedJWT token, JWTClaimsSet claims, IssuerKeys issuer) {}

    private Parsed parse(String token) {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException(Reason.TOKEN_MISSING);
        }
        if (token.length() > maxTokenBytes) {
            throw new AuthenticationException(Reason.TOKEN_TOO_LARGE);
        }
        String compact = token.strip();
        if (!compact.chars().allMatch(c -> c == '.' || c == '-' || c == '_' || c == '='
                || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
        int firstDot = compact.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : compact.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot < 0 || compact.indexOf('.', secondDot + 1) >= 0) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(compact.substring(0, firstDot)));
        } catch (ParseException malformed) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
        if (header instanceof PlainHeader) {
            throw new AuthenticationException(Reason.ALGORITHM_NOT_ALLOWED);
        }
        if (!(header instanceof JWSHeader)) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(compact);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException malformed) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
        String issuer = claims.getIssuer();
        IssuerKeys keys = issuer == null ? null : issuers.get(issuer);
        if (keys == null) {
            throw new AuthenticationException(Reason.ISSUER_NOT_TRUSTED);
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!keys.config().allowedAlgorithms().contains(algorithm)) {
            throw new AuthenticationException(Reason.ALGORITHM_NOT_ALLOWED);
        }
        return new Parsed(jwt, claims, keys);
    }

    private Identity check(Parsed parsed, List<JWK> candidates) {
        if (candidates.stream().noneMatch(key -> Signatures.verify(parsed.token(), key))) {
            throw new AuthenticationException(Reason.SIGNATURE_INVALID);
        }
        IssuerConfig config = parsed.issuer().config();
        JWTClaimsSet claims = parsed.claims();
        Instant now = clock.instant();
        Duration skew = config.clockSkew();
        Instant expiresAt = instant(claims, "exp");
        if (expiresAt == null) {
            throw new AuthenticationException(Reason.NO_EXPIRY);
        }
        if (!now.isBefore(expiresAt.plus(skew))) {
            throw new AuthenticationException(Reason.EXPIRED);
        }
        Instant notBefore = instant(claims, "nbf");
        if (notBefore != null && now.plus(skew).isBefore(notBefore)) {
            throw new AuthenticationException(Reason.NOT_YET_VALID);
        }
        Instant issuedAt = instant(claims, "iat");
        if (issuedAt != null && now.plus(skew).isBefore(issuedAt)) {
            throw new AuthenticationException(Reason.ISSUED_IN_FUTURE);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.audience())) {
            throw new AuthenticationException(Reason.AUDIENCE_NOT_ACCEPTED);
        }
        Map<String, Object> all = claims.getClaims();
        String subject = ClaimMapper.subject(all, config.subjectClaim());
        if (subject == null) {
            throw new AuthenticationException(Reason.NO_SUBJECT);
        }
        if (PersonKeys.hasInvisible(subject)) {
            throw new AuthenticationException(Reason.SUBJECT_UNREADABLE);
        }
        String tokenId = claims.getJWTID();
        return new Identity(
                subject,
                ClaimMapper.groups(all, config.groupsClaim()),
                config.issuer(),
                tokenId == null ? "" : tokenId,
                expiresAt,
                ClaimMapper.attributes(all, config.attributeClaims()),
                ClaimMapper.names(all, PersonKeys.NAME_CLAIMS));
    }

    private static Instant instant(JWTClaimsSet claims, String name) {
        try {
            Date date = claims.getDateClaim(name);
            return date == null ? null : date.toInstant();
        } catch (ParseException notADate) {
            throw new AuthenticationException(Reason.TOKEN_MALFORMED);
        }
    }

    /** Stops the HTTP client; fetches in flight fail. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    @Override
    public String toString() {
        return "TokenVerifier" + issuers();
    }
}
