package dev.bulwark.masking;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What the recording keeps of the values a masking rule protects when the reader was not masked by it
 * (exempt, or outside {@code applies_to}): YAML key {@code record}. A replay or an audit export is read
 * by operators who may not be exempt themselves, so the default keeps the values masked there.
 */
public enum RecordMode {
    /** {@code masked} (default): the recording holds the values as the rule would have masked them. */
    MASKED("masked"),
    /** {@code as_seen}: the recording holds what the reader saw, in clear if the reader saw it so. */
    AS_SEEN("as_seen");

    private final String configName;

    RecordMode(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    @JsonCreator
    public static RecordMode fromConfig(String name) {
        for (RecordMode mode : values()) {
            if (mode.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("record must be masked or as_seen, not '" + name + "'");
    }
}
