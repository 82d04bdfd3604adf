package dev.bulwark.recording;

import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.ApprovalRow;
import dev.bulwark.store.ChainCursor;
import dev.bulwark.store.ChainRecord;
import dev.bulwark.store.ChainTail;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.RuleVersion;
import dev.bulwark.store.SessionQuery;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.SessionSpan;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.Write;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A real store whose writes a test can hold (to see what completes before a commit) or fail (to see
 * how the recorder copes). Everything else goes straight through.
 */
final class ControllableStore implements Store {
    private final Store delegate;
    private volatile Semaphore gate;
    private volatile boolean failing;
    private volatile CountDownLatch heldWriteEntered = new CountDownLatch(1);

    ControllableStore(Store delegate) {
        this.delegate = delegate;
    }

    /** From now on writes wait until {@link #release()}. */
    void hold() {
        heldWriteEntered = new CountDownLatch(1);
        gate = new Semaphore(0);
    }

    /** Waits until a write is waiting at the gate set by {@link #hold()}. */
    boolean awaitHeldWrite(long timeout, TimeUnit unit) throws InterruptedException {
        return heldWriteEntered.await(timeout, unit);
    }

    void release() {
        Semaphore current = gate;
        gate = null;
        if (current != null) {
            current.release(Integer.MAX_VALUE / 2);
        }
    }

    void fail(boolean value) {
        failing = value;
    }

    @Override
    public void write(List<Write> writes) {
        Semaphore current = gate;
        if (current != null) {
            heldWriteEntered.countDown();
            try {
                if (!current.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the store");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failing) {
            throw new StoreException("write failed (test)", new java.sql.SQLException("disk full (test)", "53100"));
        }
        delegate.write(writes);
    }

    @Override
    public Dialect dialect() {
        return delegate.dialect();
    }

    @Override
    public String nodeId() {
        return delegate.nodeId();
    }

    @Override
    public AutoCloseable acquireWriter() {
        return delegate.acquireWriter();
    }

    @Override
    public Optional<ChainTail> chainTail(String nodeId) {
        return delegate.chainTail(nodeId);
    }

    @Override
    public List<SessionRow> openSessions(String nodeId) {
        return delegate.openSessions(nodeId);
    }

    @Override
    public int lastFrameNo(String sessionId) {
        return delegate.lastFrameNo(sessionId);
    }

    @Override
    public boolean ping() {
        return !failing && delegate.ping();
    }

    @Override
    public List<String> chainNodes() {
        return delegate.chainNodes();
    }

    @Override
    public OptionalLong firstSeq(String nodeId) {
        return delegate.firstSeq(nodeId);
    }

    @Override
    public ChainCursor chain(String nodeId, long fromSeq, long sinceMicros) {
        return delegate.chain(nodeId, fromSeq, sinceMicros);
    }

    @Override
    public Optional<ChainRecord> record(String nodeId, long seq) {
        return delegate.record(nodeId, seq);
    }

    @Override
    public List<AdminRecord> adminActions(String nodeId, String action) {
        return delegate.adminActions(nodeId, action);
    }

    @Override
    public List<SessionSpan> sessionSpans(String nodeId) {
        return delegate.sessionSpans(nodeId);
    }

    @Override
    public Optional<Long> firstAdminSeqSince(String nodeId, long micros) {
        return delegate.firstAdminSeqSince(nodeId, micros);
    }

    @Override
    public List<String> framesWithoutSession(String nodeId, int limit) {
        return delegate.framesWithoutSession(nodeId, limit);
    }

    @Override
    public void forEachSessionStart(String nodeId, BiConsumer<SessionRow, FrameRecord> consumer) {
        delegate.forEachSessionStart(nodeId, consumer);
    }

    @Override
    public List<SessionRow> searchSessions(SessionQuery query) {
        return delegate.searchSessions(query);
    }

    @Override
    public Optional<SessionRow> session(String sessionId) {
        return delegate.session(sessionId);
    }

    @Override
    public List<FrameRecord> frames(String sessionId, int fromFrameNo, int limit) {
        return delegate.frames(sessionId, fromFrameNo, limit);
    }

    @Override
    public List<AdminRecord> recentAdminActions(long sinceMicros, int limit) {
        return delegate.recentAdminActions(sinceMicros, limit);
    }

    @Override
    public int saveRuleSet(String kind, String json, String changedBy) {
        return delegate.saveRuleSet(kind, json, changedBy);
    }

    @Override
    public Optional<RuleVersion> latestRuleSet(String kind) {
        return delegate.latestRuleSet(kind);
    }

    @Override
    public List<RuleVersion> ruleSetHistory(String kind) {
        return delegate.ruleSetHistory(kind);
    }

    @Override
    public void saveApproval(ApprovalRow approval) {
        delegate.saveApproval(approval);
    }

    @Override
    public boolean decideApproval(String id, String status, String decidedBy, long decidedMicros, String decisionJson) {
        return delegate.decideApproval(id, status, decidedBy, decidedMicros, decisionJson);
    }

    @Override
    public Optional<ApprovalRow> approval(String id) {
        return delegate.approval(id);
    }

    @Override
    public List<ApprovalRow> approvals(String status, int limit) {
        return delegate.approvals(status, limit);
    }

    @Override
    public Optional<String> state(String key) {
        return delegate.state(key);
    }

    @Override
    public void putState(String key, String value) {
        delegate.putState(key, value);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
