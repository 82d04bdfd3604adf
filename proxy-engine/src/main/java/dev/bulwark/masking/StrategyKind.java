package dev.bulwark.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The masking strategies (YAML names in parentheses). */
public enum StrategyKind {
    /** Full redaction to a neutral value of the type ({@code redact}). No params. */
    REDACT("redact"),
    /** Keep some characters ({@code partial}): params keep_first, keep_last, keep_email_domain. */
    PARTIAL("partial"),
    /** Keyed HMAC-SHA256 tokens ({@code tokenize}): params length (hex characters, 8..64), keep_email_domain. */
    TOKENIZE("tokenize"),
    /** SQL NULL ({@code null_out}). No params. */
    NULL_OUT("null_out"),
    /** A fixed placeholder ({@code fixed}): param value. */
    FIXED("fixed");

    private final String configName;

    StrategyKind(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    @JsonCreator
    public static StrategyKind fromConfig(String name) {
        for (StrategyKind kind : values()) {
            if (kind.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "', expected one of "
                + Arrays.stream(values()).map(StrategyKind::configName).collect(Collectors.joining(", ")));
    }
}
