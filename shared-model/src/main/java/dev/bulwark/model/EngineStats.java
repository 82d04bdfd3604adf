package dev.bulwark.model;

import java.util.Map;
import java.util.TreeMap;

import static java.util.Collections.unmodifiableMap;

/**
 * Counters since the engine started.
 *
 * @param sessionsTotal sessions accepted
 * @param sessionsActive sessions live now
 * @param statementsTotal statements seen
 * @param statementsAllowed allowed as they were
 * @param statementsMasked allowed with masking
 * @param statementsDenied denied
 * @param statementsHeld held for approval
 * @param approvalsPending approvals waiting now
 * @param framesRecorded frames written to the store
 * @param other further counters by name, so the engine can add some without a protocol change
 */
public record EngineStats(
        long sessionsTotal,
        long sessionsActive,
        long statementsTotal,
        long statementsAllowed,
        long statementsMasked,
        long statementsDenied,
        long statementsHeld,
        long approvalsPending,
        long framesRecorded,
        Map<String, Long> other) {

    public EngineStats {
        // Sorted, so the wire form is stable.
        other = other == null ? Map.of() : unmodifiableMap(new TreeMap<>(Map.copyOf(other)));
    }
}
