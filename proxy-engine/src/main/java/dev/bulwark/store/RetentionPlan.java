package dev.bulwark.store;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Which prefix of a node's chain a retention run deletes. The chain can only lose a prefix (so what
 * is left stays verifiable from a checkpoint), and only whole sessions go: the cut is moved back
 * until no session straddles it, and it never passes an open session. A long-open session therefore
 * holds back retention of everything recorded after it started.
 *
 * @param cutSeq every record with a lower seq is deleted
 * @param sessionIds the sessions deleted (all of their frames lie below the cut)
 * @param bytes the payload size of those sessions
 * @param reason {@code age}, {@code size} or {@code age+size}
 */
public record RetentionPlan(long cutSeq, List<String> sessionIds, long bytes, String reason) {
    public RetentionPlan {
        sessionIds = List.copyOf(sessionIds);
        requireNonNull(reason, "reason is null");
    }

    /**
     * Plans a cut, or returns null when nothing can be deleted.
     *
     * @param spans the node's sessions ordered by first seq
     * @param firstSeq the lowest seq still stored
     * @param nextSeq the seq the next record will get
     * @param firstYoungAdminSeq the lowest seq of an admin action younger than the age limit, or null
     * @param policy the limits
     * @param nowMicros the current time
     */
    public static RetentionPlan plan(List<SessionSpan> spans, long firstSeq, long nextSeq,
                                     Long firstYoungAdminSeq, RetentionPolicy policy, long nowMicros) {
        long openLimit = nextSeq;
        for (SessionSpan span : spans) {
            if (span.endedMicros() == null) {
                openLimit = span.firstSeq();
                break;
            }
        }
        boolean byAge = false;
        long ageCut = firstSeq;
        if (policy.maxAgeMicros() > 0) {
            long cutoff = nowMicros - policy.maxAgeMicros();
            ageCut = nextSeq;
            for (SessionSpan span : spans) {
                if (span.endedMicros() == null || span.endedMicros() >= cutoff) {
                    ageCut = span.firstSeq();
                    break;
                }
            }
            if (firstYoungAdminSeq != null) {
                ageCut = Math.min(ageCut, firstYoungAdminSeq);
            }
            byAge = ageCut > firstSeq;
        }
        boolean bySize = false;
        long sizeCut = firstSeq;
        if (policy.maxBytes() > 0) {
            long total = spans.stream().mapToLong(SessionSpan::bytes).sum();
            long excess = total - policy.maxBytes();
            for (int i = 0; i < spans.size() && excess > 0; i++) {
                excess -= spans.get(i).bytes();
                sizeCut = i + 1 < spans.size() ? spans.get(i + 1).firstSeq() : nextSeq;
            }
            bySize = sizeCut > firstSeq;
        }
        long cut = Math.min(Math.max(ageCut, sizeCut), openLimit);
        boolean moved = true;
        while (moved) {
            moved = false;
            for (SessionSpan span : spans) {
                if (span.firstSeq() < cut && span.lastSeq() >= cut) {
                    cut = span.firstSeq();
                    moved = true;
                }
            }
        }
        if (cut <= firstSeq) {
            return null;
        }
        List<String> deleted = new ArrayList<>();
        long bytes = 0;
        for (SessionSpan span : spans) {
            if (span.firstSeq() < cut) {
                deleted.add(span.sessionId());
                bytes += span.bytes();
            }
        }
        String reason = byAge && bySize ? "age+size" : byAge ? "age" : "size";
        return new RetentionPlan(cut, deleted, bytes, reason);
    }
}
