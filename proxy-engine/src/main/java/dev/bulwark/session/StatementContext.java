package dev.bulwark.session;

/**
 * What a session knows of one statement while its results flow: its text, how it was sent, and
 * counters for the recording. Mutable, confined to the session's event loop.
 */
final class StatementContext {
    final long sequence;
    final String sql;
    final boolean extended;
    final long startedNanos = System.nanoTime();
    long rows;

    StatementContext(long sequence, String sql, boolean extended) {
        this.sequence = sequence;
        this.sql = sql;
        this.extended = extended;
    }
}
