package dev.bulwark.config;

/** How the engine protects its own connection to a target, as libpq's sslmode. */
public enum SslMode {
    DISABLE, PREFER, REQUIRE, VERIFY_FULL
}
