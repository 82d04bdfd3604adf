package dev.bulwark.console.client;

import static java.util.Objects.requireNonNull;

/**
 * What to connect to: an address, and the token the user typed for a remote engine (kept in memory
 * only, never written to the settings file, never printed).
 */
public record ConnectTarget(EngineAddress address, String token) {
    public ConnectTarget {
        requireNonNull(address, "address is null");
        token = token == null || token.isBlank() ? null : token.strip();
    }

    public static ConnectTarget of(EngineAddress address) {
        return new ConnectTarget(address, null);
    }

    @Override
    public String toString() {
        return "ConnectTarget[" + address.display() + ", token=" + (token == null ? "absent" : "present") + "]";
    }
}
