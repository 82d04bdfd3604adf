package dev.bulwark.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Fetches JWKS documents and OIDC discovery documents, never on the caller's thread: HTTP through the
 * JDK client (no redirects, a connect and a response timeout, a size limit on the body), files on the
 * executor. The result holds public asymmetric keys only: private parts and symmetric ({@code oct})
 * keys are dropped, so no key from a JWKS can ever act as an HMAC secret.
 */
final class JwksLoader {
    static final int MAX_DOCUMENT_BYTES = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Executor executor;

    JwksLoader(HttpClient http, Executor executor) {
        this.http = requireNonNull(http, "http is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    static HttpClient httpClient(Executor executor, Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    CompletableFuture<JWKSet> fetchJwks(URI url, Duration timeout) {
        return get(url, timeout).thenApply(body -> parseJwks(body, url.toString()));
    }

    CompletableFuture<JWKSet> readJwksFile(Path file) {
        return CompletableFuture.supplyAsync(() -> {
            byte[] body;
            try (InputStream in = Files.newInputStream(file)) {
                body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            } catch (NoSuchFileException missing) {
                throw new KeyFetchException("JWKS file " + file + " does not exist");
            } catch (IOException unreadable) {
                throw new KeyFetchException("JWKS file " + file + " cannot be read: " + unreadable.getClass().getSimpleName());
            }
            if (body.length > MAX_DOCUMENT_BYTES) {
                throw new KeyFetchException("JWKS file " + file + " is larger than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return parseJwks(body, file.toString());
        }, executor);
    }

    /**
     * Reads the discovery document and returns its {@code jwks_uri}. The document's {@code issuer} must
     * equal the configured issuer (OpenID Connect Discovery 1.0, section 4.3).
     */
    CompletableFuture<URI> discoverJwksUri(URI discoveryUrl, String expectedIssuer, Duration timeout) {
        return get(discoveryUrl, timeout).thenApply(body -> {
            JsonNode document;
            try {
                document = JSON.readTree(body);
            } catch (IOException notJson) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " is not JSON");
            }
            if (document == null || !document.isObject()) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " is not a JSON object");
            }
            if (!expectedIssuer.equals(document.path("issuer").asText(null))) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " names another issuer");
            }
            String jwksUri = document.path("jwks_uri").asText(null);
            if (jwksUri == null) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " has no jwks_uri");
            }
            URI uri;
            try {
                uri = new URI(jwksUri);
            } catch (java.net.URISyntaxException invalid) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " has an invalid jwks_uri");
            }
            if (!IssuerConfig.fetchable(uri)) {
                throw new KeyFetchException("discovery document at " + discoveryUrl + " has a jwks_uri that is not https");
            }
            return uri;
        });
    }

    private CompletableFuture<byte[]> get(URI url, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse.BodyHandler<byte[]> handler = info -> info.statusCode() == 200
                ? new BoundedBody(MAX_DOCUMENT_BYTES)
                : HttpResponse.BodySubscribers.replacing(new byte[0]);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        http.sendAsync(request, handler)
                // The request timeout covers the response headers; this one also covers a stalled body.
                .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(new KeyFetchException(
                                "cannot fetch " + url + ": " + describe(failure)));
                    } else if (response.statusCode() != 200) {
                        result.completeExceptionally(new KeyFetchException(
                                "HTTP " + response.statusCode() + " from " + url));
                    } else {
                        result.complete(response.body());
                    }
                });
        return result;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "timed out";
        }
        if (cause instanceof KeyFetchException fetch) {
            return fetch.getMessage();
        }
        return cause.getClass().getSimpleName();
    }

    static JWKSet parseJwks(byte[] body, String source) {
        JWKSet parsed;
        try {
            parsed = JWKSet.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException invalid) {
            throw new KeyFetchException("JWKS from " + source + " is not valid");
        }
        List<JWK> publicKeys = parsed.getKeys().stream()
                .filter(key -> !KeyType.OCT.equals(key.getKeyType()))
                .map(JWK::toPublicJWK)
                .filter(key -> key != null)
                .toList();
        return new JWKSet(publicKeys);
    }

    /** Collects a response body up to a limit, cancelling the download beyond it. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (out.size() + item.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new KeyFetchException("response is larger than " + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
