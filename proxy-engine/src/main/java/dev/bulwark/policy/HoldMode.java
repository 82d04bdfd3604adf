package dev.bulwark.policy;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Locale;

/** How a held statement waits for its approval. */
public enum HoldMode {
    /** The client's statement waits (up to the timeout) and runs as soon as it is approved. */
    WAIT,
    /**
     * The client gets an error at once; once approved, the same identity may run the same statement
     * again within the retry window.
     */
    RETRY;

    @JsonCreator
    public static HoldMode fromJson(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown hold mode \"" + text + "\"; expected WAIT or RETRY");
        }
    }
}
