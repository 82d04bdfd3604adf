package dev.bulwark.auth;

import java.net.URI;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Where an issuer's verification keys come from. */
sealed interface KeySource {

    /** OIDC discovery: the document at {@code url} names the {@code jwks_uri}. */
    record Discovery(URI url) implements KeySource {
        public Discovery {
            requireNonNull(url, "url is null");
        }
    }

    /** A JWKS served at a URL. */
    record JwksUrl(URI url) implements KeySource {
        public JwksUrl {
            requireNonNull(url, "url is null");
        }
    }

    /** A JWKS in a local file (re-read on refresh, like a URL). */
    record JwksFile(Path path) implements KeySource {
        public JwksFile {
            requireNonNull(path, "path is null");
        }
    }
}
