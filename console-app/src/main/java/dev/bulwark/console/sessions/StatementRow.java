package dev.bulwark.console.sessions;

import dev.bulwark.model.VerdictAction;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A statement of the selected session, as the detail pane lists it. */
public record StatementRow(Instant at, String text, VerdictAction verdict, String rule) {
    public StatementRow {
        requireNonNull(at, "at is null");
        requireNonNull(text, "text is null");
        requireNonNull(verdict, "verdict is null");
    }
}
