package dev.bulwark.store;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RetentionPlanTest {
    private static final long DAY = 86_400_000_000L;
    private static final long NOW = 100 * DAY;
    private static final RetentionPolicy THIRTY_DAYS = new RetentionPolicy(30 * DAY, 0);

    @Test
    void deletesOldSessionsOldestFirstAndStopsAtTheFirstYoungOne() {
        List<SessionSpan> spans = List.of(
                span("a", 1, 5, 100, NOW - 60 * DAY),
                span("b", 6, 9, 100, NOW - 50 * DAY),
                span("c", 10, 12, 100, NOW - 1 * DAY),
                span("d", 13, 15, 100, NOW - 40 * DAY)); // old, but after a young one: kept (prefix only)
        RetentionPlan plan = RetentionPlan.plan(spans, 1, 16, null, THIRTY_DAYS, NOW);
        assertEquals(10, plan.cutSeq());
        assertEquals(List.of("a", "b"), plan.sessionIds());
        assertEquals(200, plan.bytes());
        assertEquals("age", plan.reason());
    }

    @Test
    void neverCutsThroughASessionNorPastAnOpenOne() {
        List<SessionSpan> spans = List.of(
                span("a", 1, 20, 100, NOW - 60 * DAY),   // long session, interleaved with b
                span("b", 3, 8, 100, NOW - 60 * DAY),
                span("open", 21, 30, 100, null),
                span("c", 22, 25, 100, NOW - 60 * DAY));
        RetentionPlan plan = RetentionPlan.plan(spans, 1, 31, null, THIRTY_DAYS, NOW);
        assertEquals(21, plan.cutSeq());
        assertEquals(List.of("a", "b"), plan.sessionIds());

        // a straddles any cut inside it: the cut falls back to its start, so nothing goes
        List<SessionSpan> straddling = List.of(
                span("a", 1, 20, 100, NOW - 1 * DAY),
                span("b", 3, 8, 100, NOW - 60 * DAY));
        assertNull(RetentionPlan.plan(straddling, 1, 21, null, THIRTY_DAYS, NOW));
    }

    @Test
    void youngAdminActionsAreKept() {
        List<SessionSpan> spans = List.of(span("a", 1, 5, 100, NOW - 60 * DAY), span("b", 7, 9, 100, NOW - 60 * DAY));
        RetentionPlan plan = RetentionPlan.plan(spans, 1, 10, 6L, THIRTY_DAYS, NOW);
        assertEquals(6, plan.cutSeq());
        assertEquals(List.of("a"), plan.sessionIds());
    }

    @Test
    void sizeLimitDeletesJustEnoughOldestSessions() {
        List<SessionSpan> spans = List.of(
                span("a", 1, 5, 400, NOW),
                span("b", 6, 9, 400, NOW),
                span("c", 10, 12, 400, NOW));
        RetentionPlan plan = RetentionPlan.plan(spans, 1, 13, null, new RetentionPolicy(0, 500), NOW);
        assertEquals(List.of("a", "b"), plan.sessionIds());
        assertEquals(10, plan.cutSeq());
        assertEquals("size", plan.reason());
        assertNull(RetentionPlan.plan(spans, 1, 13, null, new RetentionPolicy(0, 1_200), NOW), "under the limit");
        // everything may go when all sessions ended: the cut is then the next seq
        RetentionPlan all = RetentionPlan.plan(spans, 1, 13, null, new RetentionPolicy(0, 1), NOW);
        assertEquals(13, all.cutSeq());
        assertEquals(3, all.sessionIds().size());
    }

    private static SessionSpan span(String id, long first, long last, long bytes, Long ended) {
        return new SessionSpan(id, first, last, bytes, ended);
    }
}
