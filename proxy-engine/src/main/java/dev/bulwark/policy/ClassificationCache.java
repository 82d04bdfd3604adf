package dev.bulwark.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded LRU cache of statement classifications keyed by query text, split into segments with a lock
 * each so that event-loop threads rarely wait on each other. Bounded by entries and by the characters of
 * the cached texts, so a stream of huge unique texts cannot grow it without limit.
 */
final class ClassificationCache {

    private static final int SEGMENTS = 16;

    private final Segment[] segments = new Segment[SEGMENTS];

    /**
     * @param maxEntries entries across all segments
     * @param maxChars characters of cached texts across all segments
     */
    ClassificationCache(int maxEntries, long maxChars) {
        if (maxEntries < SEGMENTS) {
            throw new IllegalArgumentException("cache must hold at least " + SEGMENTS + " entries, got " + maxEntries);
        }
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(maxEntries / SEGMENTS, Math.max(1, maxChars / SEGMENTS));
        }
    }

    List<StatementClassification> get(String text) {
        return segment(text).get(text);
    }

    void put(String text, List<StatementClassification> statements) {
        segment(text).put(text, statements);
    }

    int size() {
        int size = 0;
        for (Segment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    private Segment segment(String text) {
        int hash = text.hashCode();
        return segments[(hash ^ (hash >>> 16)) & (SEGMENTS - 1)];
    }

    private static final class Segment {
        private final int maxEntries;
        private final long maxChars;
        private final LinkedHashMap<String, List<StatementClassification>> map;
        private long chars;

        Segment(int maxEntries, long maxChars) {
            this.maxEntries = maxEntries;
            this.maxChars = maxChars;
            this.map = new LinkedHashMap<>(16, 0.75f, true);
        }

        synchronized List<StatementClassification> get(String text) {
            return map.get(text);
        }

        synchronized void put(String text, List<StatementClassification> statements) {
            if (text.length() > maxChars) {
                return;
            }
            List<StatementClassification> previous = map.put(text, statements);
            if (previous == null) {
                chars += text.length();
            }
            var eldest = map.entrySet().iterator();
            while ((map.size() > maxEntries || chars > maxChars) && eldest.hasNext()) {
                Map.Entry<String, List<StatementClassification>> entry = eldest.next();
                chars -= entry.getKey().length();
                eldest.remove();
            }
        }

        synchronized int size() {
            return map.size();
        }
    }
}
