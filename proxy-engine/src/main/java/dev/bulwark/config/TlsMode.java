package dev.bulwark.config;

/** Whether a listener accepts clients that do not ask for TLS. */
public enum TlsMode {
    /** Every client must use TLS. */
    REQUIRED,
    /** TLS when the client asks; plaintext otherwise (tokens in plaintext only where the listener allows it). */
    OPTIONAL,
    /** No TLS: only for loopback listeners. */
    OFF
}
