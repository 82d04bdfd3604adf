package dev.bulwark.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * One issuer's cached verification keys and the rules for fetching them again.
 *
 * <p>Fetches start on an unknown key id (or when nothing is cached yet) and, in the background, when
 * the cache is older than {@code keys_max_age_seconds}. Whatever the trigger, at most one fetch starts
 * per {@code refresh_interval_seconds}, and concurrent requests share the fetch in flight: a flood of
 * tokens with made-up key ids costs the IdP one request per interval. A failed fetch keeps the keys
 * already cached.
 */
final class IssuerKeys {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);

    private final IssuerConfig config;
    private final KeySource source;
    private final JwksLoader loader;
    private final Clock clock;

    private final Object lock = new Object();
    private JWKSet keys;
    private Instant loadedAt;
    private Instant lastAttempt;
    private CompletableFuture<JWKSet> inFlight;
    private volatile URI discoveredJwksUri;

    IssuerKeys(IssuerConfig config, JwksLoader loader, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.source = config.keySource();
        this.loader = requireNonNull(loader, "loader is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    IssuerConfig config() {
        return config;
    }

    /** The cached keys, or null when none were ever loaded. Starts a background refresh when they are old. */
    JWKSet cached() {
        synchronized (lock) {
            if (keys != null && !clock.instant().isBefore(loadedAt.plus(config.keysMaxAge()))) {
                startFetchIfAllowed();
            }
            return keys;
        }
    }

    /**
     * A fetch to wait for: the one in flight, or a new one when the rate limit allows; null when the
     * last attempt was too recent.
     */
    CompletableFuture<JWKSet> refresh() {
        synchronized (lock) {
            return startFetchIfAllowed();
        }
    }

    private CompletableFuture<JWKSet> startFetchIfAllowed() {
        if (inFlight != null) {
            return inFlight;
        }
        Instant now = clock.instant();
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(config.refreshInterval()))) {
            return null;
        }
        lastAttempt = now;
        CompletableFuture<JWKSet> fetch = new CompletableFuture<>();
        inFlight = fetch;
        // The loader does its I/O elsewhere; should its future complete on this thread (a direct
        // executor), the callback below re-enters the lock, which Java monitors allow.
        fetchFromSource().whenComplete((fetched, failure) -> {
            synchronized (lock) {
                inFlight = null;
                if (failure == null) {
                    keys = fetched;
                    loadedAt = clock.instant();
                }
            }
            if (failure == null) {
                LOG.debug("issuer {}: loaded {} verification keys", config.issuer(), fetched.getKeys().size());
                fetch.complete(fetched);
            } else {
                Throwable cause = unwrap(failure);
                LOG.warn("issuer {}: cannot load verification keys: {}", config.issuer(),
                        cause instanceof KeyFetchException ? cause.getMessage() : cause.getClass().getSimpleName());
                fetch.completeExceptionally(cause);
            }
        });
        return fetch;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private CompletableFuture<JWKSet> fetchFromSource() {
        return switch (source) {
            case KeySource.JwksFile(var path) -> loader.readJwksFile(path);
            case KeySource.JwksUrl(var url) -> loader.fetchJwks(url, config.httpTimeout());
            case KeySource.Discovery(var url) -> {
                URI known = discoveredJwksUri;
                CompletableFuture<URI> jwksUri = known != null
                        ? CompletableFuture.completedFuture(known)
                        : loader.discoverJwksUri(url, config.issuer(), config.httpTimeout());
                yield jwksUri.thenCompose(uri -> {
                    discoveredJwksUri = uri;
                    return loader.fetchJwks(uri, config.httpTimeout()).whenComplete((fetched, failure) -> {
                        if (failure != null) {
                            // The IdP may have moved its keys: discover again next time.
                            discoveredJwksUri = null;
                        }
                    });
                });
            }
        };
    }
}
