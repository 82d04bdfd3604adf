package dev.bulwark.store;

import java.time.Instant;
import java.util.Locale;

/**
 * A search over sessions. Null fields do not filter. Results are newest first.
 *
 * @param subject sessions of this identity subject (exact)
 * @param target sessions to this target (exact)
 * @param from sessions still open at or after this instant
 * @param to sessions started before this instant
 * @param statementContains sessions with a statement containing this text (case-insensitive)
 * @param table sessions with a statement touching this table (exact, case-insensitive; "t" also
 *     matches "schema.t")
 * @param verdict sessions with a statement that got this verdict (ALLOW, DENY, HOLD, LOG)
 * @param limit page size, 1..1000
 * @param offset rows to skip
 */
public record SessionQuery(
        String subject,
        String target,
        Instant from,
        Instant to,
        String statementContains,
        String table,
        String verdict,
        int limit,
        int offset) {

    public SessionQuery {
        if (limit < 1 || limit > 1_000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        table = table == null ? null : table.toLowerCase(Locale.ROOT);
        verdict = verdict == null ? null : verdict.toUpperCase(Locale.ROOT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction; unset fields do not filter. */
    public static final class Builder {
        private String subject;
        private String target;
        private Instant from;
        private Instant to;
        private String statementContains;
        private String table;
        private String verdict;
        private int limit = 50;
        private int offset;

        private Builder() {}

        public Builder subject(String value) {
            this.subject = value;
            return this;
        }

        public Builder target(String value) {
            this.target = value;
            return this;
        }

        public Builder between(Instant fromInclusive, Instant toExclusive) {
            this.from = fromInclusive;
            this.to = toExclusive;
            return this;
        }

        public Builder statementContains(String value) {
            this.statementContains = value;
            return this;
        }

        public Builder table(String value) {
            this.table = value;
            return this;
        }

        public Builder verdict(String value) {
            this.verdict = value;
            return this;
        }

        public Builder page(int newLimit, int newOffset) {
            this.limit = newLimit;
            this.offset = newOffset;
            return this;
        }

        public SessionQuery build() {
            return new SessionQuery(subject, target, from, to, statementContains, table, verdict, limit, offset);
        }
    }
}
