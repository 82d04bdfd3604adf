package dev.bulwark.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where the detectors of a rule that names no table and no column pattern run. In both cases they
 * also run on error/notice details and hints and on notification payloads.
 */
public enum DetectorScope {
    /** On computed columns (RowDescription table OID 0, view expressions) only ({@code computed}). */
    COMPUTED("computed"),
    /** On every column that no whole-value rule already masks ({@code all}). */
    ALL("all");

    private final String configName;

    DetectorScope(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    @JsonCreator
    public static DetectorScope fromConfig(String name) {
        for (DetectorScope scope : values()) {
            if (scope.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + name + "', expected computed or all");
    }
}
