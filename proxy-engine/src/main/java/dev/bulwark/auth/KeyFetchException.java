package dev.bulwark.auth;

/** Fetching an issuer's keys failed. The message names the URL or file (from the config) and the cause kind. */
final class KeyFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyFetchException(String message) {
        super(message);
    }
}
