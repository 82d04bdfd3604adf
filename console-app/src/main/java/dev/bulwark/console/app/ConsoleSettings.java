package dev.bulwark.console.app;

import dev.bulwark.console.client.EngineAddress;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the console remembers between runs: the theme and the engines used recently (newest first).
 * No secrets: tokens are never remembered, only token file paths.
 */
public record ConsoleSettings(Theme theme, List<EngineAddress> recent) {
    public static final int MAX_RECENT = 8;

    public ConsoleSettings {
        requireNonNull(theme, "theme is null");
        recent = recent == null ? List.of() : List.copyOf(recent.subList(0, Math.min(MAX_RECENT, recent.size())));
    }

    public static ConsoleSettings defaults() {
        return new ConsoleSettings(Theme.LIGHT, List.of());
    }

    public ConsoleSettings withTheme(Theme newTheme) {
        return new ConsoleSettings(newTheme, recent);
    }

    /** {@code address} moved (or added) to the front. */
    public ConsoleSettings withUsed(EngineAddress address) {
        List<EngineAddress> list = new ArrayList<>(recent);
        list.remove(address);
        list.add(0, address);
        return new ConsoleSettings(theme, list);
    }
}
