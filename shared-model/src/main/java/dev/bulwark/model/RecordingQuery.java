package dev.bulwark.model;

import java.time.Instant;

/**
 * A search over recorded sessions. Every criterion is optional; present ones must all match.
 *
 * @param subject sessions of this subject
 * @param target sessions on this target
 * @param from sessions that ended at or after this instant (or are still open)
 * @param to sessions that started before this instant
 * @param text sessions with a statement containing this text
 * @param table sessions with a statement touching this table
 * @param verdict sessions with a statement that got this verdict
 * @param limit at most this many results (1..{@value #MAX_LIMIT}; 0 or absent means {@value #DEFAULT_LIMIT})
 * @param cursor the {@code next} cursor of the previous page, absent for the first page
 */
public record RecordingQuery(
        String subject,
        String target,
        Instant from,
        Instant to,
        String text,
        String table,
        VerdictAction verdict,
        int limit,
        String cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public RecordingQuery {
        subject = Checks.optionalText(subject);
        target = Checks.optionalText(target);
        text = Checks.optionalText(text);
        table = Checks.optionalText(table);
        cursor = Checks.optionalText(cursor);
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (limit == 0) {
            limit = DEFAULT_LIMIT;
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
    }

    /** A query for everything, first page. */
    public static RecordingQuery all() {
        return new RecordingQuery(null, null, null, null, null, null, null, 0, null);
    }
}
