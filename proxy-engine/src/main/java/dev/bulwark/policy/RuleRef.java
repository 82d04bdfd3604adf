package dev.bulwark.policy;

import static java.util.Objects.requireNonNull;

/** Which rule a verdict came from, for messages, recording and the console. */
public record RuleRef(String id, String name) {
    public RuleRef {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
    }
}
