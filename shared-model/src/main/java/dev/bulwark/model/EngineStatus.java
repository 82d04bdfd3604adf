package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How the engine is.
 *
 * @param version the engine's version
 * @param startedAt when it started
 * @param uptimeSeconds seconds since then
 * @param sessions live client sessions
 * @param targets the configured targets
 * @param store the recording store's health
 */
public record EngineStatus(String version, Instant startedAt, long uptimeSeconds, int sessions,
        List<TargetStatus> targets, StoreHealth store) {
    public EngineStatus {
        Checks.text(version, "version");
        requireNonNull(startedAt, "started_at is null");
        Checks.notNegative(uptimeSeconds, "uptime_seconds");
        Checks.notNegative(sessions, "sessions");
        targets = Checks.list(targets);
        requireNonNull(store, "store is null");
    }
}
