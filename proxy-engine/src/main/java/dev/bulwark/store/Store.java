package dev.bulwark.store;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The audit store: sessions, their frames, admin actions, rule versions, approvals and engine state.
 * Implemented by {@link JdbcStore} over embedded H2 (the default) or a shared PostgreSQL.
 *
 * <p><b>Every method blocks</b> on JDBC. Never call one from a Netty event loop: the engine records
 * through {@code dev.bulwark.recording.Recorder} (non-blocking) and queries through
 * {@code dev.bulwark.recording.AuditQueries} (futures on an executor). Failures throw
 * {@link StoreException}.
 */
public interface Store extends AutoCloseable {

    Dialect dialect();

    /** This engine node's id: the chain this store instance writes. */
    String nodeId();

    // ---- writing (the recorder's writer thread) ----

    /**
     * Claims the right to write this node's chain, for as long as the returned lease is open.
     * Fails when another process holds it (same node id, or a second engine on the same H2 file).
     */
    AutoCloseable acquireWriter();

    /** The last record of a node's chain, empty when the chain has no records. */
    Optional<ChainTail> chainTail(String nodeId);

    /** Applies the writes in one transaction (the writer's own connection). */
    void write(List<Write> writes);

    /** Sessions of a node that have no end (left open by a stopped engine). */
    List<SessionRow> openSessions(String nodeId);

    /** The highest frame number stored for a session, -1 when none. */
    int lastFrameNo(String sessionId);

    /** Whether the store answers a trivial query now. */
    boolean ping();

    // ---- the chain, for verification, export and retention ----

    /** Node ids that have records. */
    List<String> chainNodes();

    /** The lowest seq stored for a node, empty when its chain has no records. */
    java.util.OptionalLong firstSeq(String nodeId);

    /** Streams a node's records with {@code seq >= fromSeq} and {@code at_micros >= sinceMicros}. */
    ChainCursor chain(String nodeId, long fromSeq, long sinceMicros);

    /** One record by position, empty when absent. */
    Optional<ChainRecord> record(String nodeId, long seq);

    /** A node's admin actions of one kind, in seq order. */
    List<AdminRecord> adminActions(String nodeId, String action);

    /** A node's sessions with the seq range and size of their frames, ordered by first seq. */
    List<SessionSpan> sessionSpans(String nodeId);

    /** The lowest seq of a node's admin actions at or after the time, empty when none. */
    Optional<Long> firstAdminSeqSince(String nodeId, long micros);

    /** Session ids that have frames on the node but no session row (at most {@code limit}). */
    List<String> framesWithoutSession(String nodeId, int limit);

    /** Calls back with each session row of the node and its frame 0 (null when missing). */
    void forEachSessionStart(String nodeId, BiConsumer<SessionRow, FrameRecord> consumer);

    // ---- search and replay ----

    List<SessionRow> searchSessions(SessionQuery query);

    Optional<SessionRow> session(String sessionId);

    /** A page of a session's frames: {@code frame_no >= fromFrameNo}, in order, at most {@code limit}. */
    List<FrameRecord> frames(String sessionId, int fromFrameNo, int limit);

    /** Admin actions of all nodes at or after the time, oldest first, at most {@code limit}. */
    List<AdminRecord> recentAdminActions(long sinceMicros, int limit);

    // ---- rule sets ----

    /** Stores a new version of a rule set ({@code policy} or {@code masking}); returns its version. */
    int saveRuleSet(String kind, String json, String changedBy);

    Optional<RuleVersion> latestRuleSet(String kind);

    /** All versions of a kind, oldest first. */
    List<RuleVersion> ruleSetHistory(String kind);

    // ---- approvals ----

    void saveApproval(ApprovalRow approval);

    /** Records a decision on a pending approval; false when it is not pending (already decided or unknown). */
    boolean decideApproval(String id, String status, String decidedBy, long decidedMicros, String decisionJson);

    Optional<ApprovalRow> approval(String id);

    /** Approvals with the status (all when null), newest first. */
    List<ApprovalRow> approvals(String status, int limit);

    // ---- engine state ----

    Optional<String> state(String key);

    void putState(String key, String value);

    /** Closes all connections. */
    @Override
    void close();
}
