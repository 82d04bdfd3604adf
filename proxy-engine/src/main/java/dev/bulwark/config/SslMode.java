package dev.bulwark.config;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Locale;

/** How the engine protects its own connection to a target, as libpq's sslmode. */
public enum SslMode {
    DISABLE, PREFER, REQUIRE, VERIFY_FULL;

    /** Accepts libpq's spelling ({@code verify-full}) as well as {@code verify_full}. */
    @JsonCreator
    public static SslMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sslmode", "must be one of disable, prefer, require, verify-full; was " + text);
        }
    }
}
