package dev.bulwark.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an identity a column rule masks for may use the column in statements (YAML key {@code access}). */
public enum ColumnAccess {
    /** Any use ({@code any}, the default): masking masks what the result shows; expressions are not limited. */
    ANY("any"),
    /**
     * Only a plain projection, {@code count(col)} and {@code col IS [NOT] NULL} ({@code masked_only}):
     * a statement that computes on the column in any other way is refused before it runs.
     */
    MASKED_ONLY("masked_only");

    private final String configName;

    ColumnAccess(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    @JsonCreator
    public static ColumnAccess fromConfig(String name) {
        for (ColumnAccess access : values()) {
            if (access.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return access;
            }
        }
        throw new IllegalArgumentException("unknown access '" + name + "', expected one of "
                + Arrays.stream(values()).map(ColumnAccess::configName).collect(Collectors.joining(", ")));
    }
}
