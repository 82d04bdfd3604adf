package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The detectors that apply to one column (or message), each bound to the strategy of the rule that
 * enabled it. Findings that overlap are merged; the earlier rule's strategy masks the merged span.
 */
final class DetectorSet {

    /** Returned by {@link #replace} when a finding's strategy nulls the whole value. */
    static final String NULL_VALUE = new String("\u0000null");

    record Binding(Detector detector, MaskingStrategy strategy, String ruleId) {
        public Binding {
            requireNonNull(detector, "detector is null");
            requireNonNull(strategy, "strategy is null");
            requireNonNull(ruleId, "ruleId is null");
        }
    }

    private final List<Binding> bindings;
    private final int features;
    private final int maxScanBytes;

    DetectorSet(List<Binding> bindings, int maxScanBytes) {
        this.bindings = List.copyOf(bindings);
        int union = 0;
        for (Binding binding : this.bindings) {
            union |= binding.detector().feature();
        }
        this.features = union;
        this.maxScanBytes = maxScanBytes;
    }

    boolean isEmpty() {
        return bindings.isEmpty();
    }

    int maxScanBytes() {
        return maxScanBytes;
    }

    List<String> ruleIds() {
        return bindings.stream().map(Binding::ruleId).distinct().toList();
    }

    /** Allocation-free: false means no detector can match these bytes. */
    boolean mightMatch(byte[] bytes, int from, int to) {
        return (TextFeatures.scan(bytes, from, to) & features) != 0;
    }

    boolean mightMatch(CharSequence text) {
        return (TextFeatures.scan(text) & features) != 0;
    }

    /**
     * The text with every finding replaced; the same instance when nothing was found;
     * {@link #NULL_VALUE} when a finding's strategy nulls the whole value.
     */
    String replace(String text, Tokenizer tokenizer) {
        List<int[]> spans = find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int position = 0;
        for (int[] span : spans) {
            String masked = bindings.get(span[2]).strategy().maskFinding(text.substring(span[0], span[1]), tokenizer);
            if (masked == null) {
                return NULL_VALUE;
            }
            out.append(text, position, span[0]).append(masked);
            position = span[1];
        }
        return out.append(text, position, text.length()).toString();
    }

    /** The strategy of the first finding, or null when nothing was found. */
    MaskingStrategy firstStrategy(String text) {
        List<int[]> spans = find(text);
        return spans.isEmpty() ? null : bindings.get(spans.get(0)[2]).strategy();
    }

    /** Merged, ordered findings: {start, end, binding index}. */
    List<int[]> find(String text) {
        int present = TextFeatures.scan(text);
        if ((present & features) == 0) {
            return List.of();
        }
        List<int[]> spans = new ArrayList<>();
        List<int[]> found = new ArrayList<>();
        for (int b = 0; b < bindings.size(); b++) {
            Detector detector = bindings.get(b).detector();
            if ((present & detector.feature()) == 0) {
                continue;
            }
            found.clear();
            detector.find(text, found);
            for (int[] span : found) {
                spans.add(new int[] {span[0], span[1], b});
            }
        }
        if (spans.size() <= 1) {
            return spans;
        }
        spans.sort(Comparator.<int[]>comparingInt(s -> s[0]).thenComparingInt(s -> s[2]));
        List<int[]> merged = new ArrayList<>(spans.size());
        int[] current = spans.get(0);
        for (int i = 1; i < spans.size(); i++) {
            int[] next = spans.get(i);
            if (next[0] < current[1]) {
                current = new int[] {current[0], Math.max(current[1], next[1]), current[2]};
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }
}
