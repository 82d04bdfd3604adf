package dev.bulwark.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The built-in value detectors a rule can enable (YAML names in parentheses). */
public enum DetectorKind {
    /** E-mail addresses ({@code email}). */
    EMAIL("email"),
    /** Payment card numbers of 13 to 19 digits, spaces or dashes allowed, Luhn-checked ({@code payment_card}). */
    PAYMENT_CARD("payment_card"),
    /** IBANs with a valid mod-97 checksum, grouped or not ({@code iban}). */
    IBAN("iban"),
    /** Phone numbers: "+" and 8 to 15 digits, or the North American (415) 555-0199 shapes ({@code phone}). */
    PHONE("phone"),
    /** US social security numbers written 123-45-6789 ({@code us_ssn}). */
    US_SSN("us_ssn"),
    /** JSON Web Tokens: eyJ... three base64url parts ({@code jwt}). */
    JWT("jwt"),
    /** AWS access key ids, GitHub, Slack and Stripe secret key shapes ({@code api_key}). */
    API_KEY("api_key");

    private final String configName;

    DetectorKind(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    @JsonCreator
    public static DetectorKind fromConfig(String name) {
        for (DetectorKind kind : values()) {
            if (kind.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown detector '" + name + "', expected one of "
                + Arrays.stream(values()).map(DetectorKind::configName).collect(Collectors.joining(", ")));
    }
}
