package dev.bulwark.console.client;

import dev.bulwark.model.Operator;

import static java.util.Objects.requireNonNull;

/** Where the console's connection stands, as the status bar shows it. */
public sealed interface ConnectionState {

    /** Not connected and not trying (before the first connect, or after a refusal). */
    record Disconnected(String reason) implements ConnectionState {}

    record Connecting(EngineAddress address, int attempt) implements ConnectionState {
        public Connecting {
            requireNonNull(address, "address is null");
        }
    }

    record Connected(EngineAddress address, Operator operator, String engineVersion) implements ConnectionState {
        public Connected {
            requireNonNull(address, "address is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(engineVersion, "engineVersion is null");
        }
    }

    /** Lost or never made; the next attempt comes in {@code secondsLeft} seconds. */
    record Reconnecting(EngineAddress address, long secondsLeft, String reason) implements ConnectionState {
        public Reconnecting {
            requireNonNull(address, "address is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
