package dev.bulwark.store;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** One change in a batch that {@link Store#write} applies in a single transaction, in order. */
public sealed interface Write {
    /** Inserts a session row (with its SESSION_START frame in the same batch). */
    record InsertSession(SessionRow session) implements Write {
        public InsertSession {
            requireNonNull(session, "session is null");
        }
    }

    /** Appends a frame (already chained) and its search index. */
    record AppendFrame(FrameRecord frame, FrameIndex index) implements Write {
        public AppendFrame {
            requireNonNull(frame, "frame is null");
            requireNonNull(index, "index is null");
        }
    }

    /** Appends an admin action (already chained). */
    record AppendAdmin(AdminRecord action) implements Write {
        public AppendAdmin {
            requireNonNull(action, "action is null");
        }
    }

    /** Marks a session ended (with its SESSION_END frame in the same batch). */
    record EndSession(String sessionId, long endedMicros, String reason, String detail) implements Write {
        public EndSession {
            requireNonNull(sessionId, "sessionId is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /**
     * Deletes a prefix of a node's chain: every frame and admin action with {@code seq < cutSeq}, and
     * the listed sessions (which must lie wholly below the cut) with their table index and approvals.
     */
    record Prune(String nodeId, long cutSeq, List<String> sessionIds) implements Write {
        public Prune {
            requireNonNull(nodeId, "nodeId is null");
            sessionIds = List.copyOf(sessionIds);
        }
    }
}
