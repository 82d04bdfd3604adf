package dev.bulwark.recording;

import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.AuditChain;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.ChainKey;
import dev.bulwark.store.ChainRecord;
import dev.bulwark.store.ChainTail;
import dev.bulwark.store.FrameIndex;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.Journal;
import dev.bulwark.store.Micros;
import dev.bulwark.store.RetentionPlan;
import dev.bulwark.store.RetentionPolicy;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.Write;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Records every session of the engine into the {@link Store}, tamper-evidently. One per engine.
 *
 * <pre>
 *  event loops ──offer──▶ RecordQueue (bounded admission, FIFO) ──take──▶ writer thread
 *   (non-blocking)                                                        │ seq + HMAC chain
 *                                                                         │ one transaction per batch
 *  futures ◀── completed on each session's executor ◀── commit / admission┘
 * </pre>
 *
 * <p>Each record gets the next seq of this node's chain and
 * {@code hash = HMAC-SHA256(key[epoch], previous hash || canonical bytes)} (see {@link AuditChain}).
 * The key rolls forward after {@code key_roll_records} records and at every start, each time behind
 * a {@code key_roll} record made with the old key; the old key is then wiped and the new one saved to
 * {@code <data>/audit.key.state}.
 *
 * <p>Only {@link #start} and {@link #close} block; call them from startup/shutdown code, not from an
 * event loop. Everything else is non-blocking and thread-safe.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    /** The actor of records the engine writes on its own. */
    public static final String ENGINE = "engine";
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final Store store;
    private final RecordingConfig config;
    private final AuditKeyFiles keyFiles;
    private final Clock clock;
    private final String nodeId;
    private final RecordQueue<Item> queue;
    private final AutoCloseable writerLease;
    private final Thread writer;
    private final AtomicLong framesWritten = new AtomicLong();
    private final AtomicLong batchesWritten = new AtomicLong();
    private final AtomicLong framesLost = new AtomicLong();
    /** The local journal the store is fed from, or null when frames go straight to the store. */
    private final Journal journal;
    private final long journalMaxBytes;
    private final Thread feeder;
    /** Journal batches not yet in the store, oldest first; guarded by {@code feed}. */
    private final ArrayDeque<Fed> feed = new ArrayDeque<>();
    /** Journal position the store holds up to; guarded by {@code feed}. */
    private long storedPosition;
    /** Journal position appended up to; guarded by {@code feed}. */
    private long appendedPosition;
    private volatile boolean storeBehind;
    private volatile long journalBytes;
    private final AtomicLong storeBatches = new AtomicLong();

    /** A journal batch on its way to the store. */
    private record Fed(long position, List<Write> writes) {}

    // Chain state: the last committed position. Written by start() and then only by the writer thread.
    private long nextSeq;
    private String previousHash;
    private ChainKey key;
    private int recordsInEpoch;

    // Failure bookkeeping, writer thread only.
    private int failedBatches;
    private long lostSinceFailure;
    private long firstFailureMicros;
    private String failureState;
    private long retryAtNanos;
    private long backoffMillis;
    private long nextRetentionMicros;

    private volatile boolean healthy = true;
    private volatile String lastFailure;
    private volatile boolean closed;

    private Recorder(Store store, RecordingConfig config, AuditKeyFiles keyFiles, Clock clock, AutoCloseable writerLease,
                     Journal journal) {
        this.store = store;
        this.journal = journal;
        this.journalMaxBytes = config.journalMaxMegabytes() * 1_048_576L;
        this.config = config;
        this.keyFiles = keyFiles;
        this.clock = clock;
        this.nodeId = store.nodeId();
        this.queue = new RecordQueue<>(config.queueCapacity(), Math.max(4 * config.queueCapacity(), 16_384));
        this.writerLease = writerLease;
        this.writer = new Thread(this::writeLoop, "bulwark-recorder-" + nodeId);
        this.writer.setDaemon(true);
        this.feeder = journal == null ? null : new Thread(this::feedLoop, "bulwark-store-feeder-" + nodeId);
        if (feeder != null) {
            feeder.setDaemon(true);
        }
    }

    /**
     * Starts the engine's recorder with key files under the data directory and, unless the config turns
     * it off, the audit journal in {@code <data>/journal}: what a previous run journaled but did not get
     * into the store is replayed into it first. Blocks.
     */
    public static Recorder start(Store store, Path dataDir, RecordingConfig config) {
        requireNonNull(dataDir, "dataDir is null");
        return start(store, AuditKeyFiles.in(dataDir), config, Clock.systemUTC(),
                config.journal() ? dataDir.resolve(JOURNAL_DIRECTORY) : null);
    }

    /** Where the journal lives under the data directory. */
    public static final String JOURNAL_DIRECTORY = "journal";

    /**
     * Starts the recorder: claims this node's chain, loads (or on first start creates) the chain key,
     * closes sessions a previous run left open, writes the start's key roll, and starts the writer
     * thread. Blocks on the store and the key files. Throws {@link StoreException} when the store
     * cannot be written and {@link IllegalStateException} when the key does not fit the stored chain.
     */
    public static Recorder start(Store store, AuditKeyFiles keyFiles, RecordingConfig config, Clock clock) {
        return start(store, keyFiles, config, clock, null);
    }

    /**
     * Like {@link #start(Store, AuditKeyFiles, RecordingConfig, Clock)}, with the audit journal in
     * {@code journalDir} (null: none; every batch is then committed to the store before its futures
     * complete).
     */
    public static Recorder start(Store store, AuditKeyFiles keyFiles, RecordingConfig config, Clock clock, Path journalDir) {
        requireNonNull(store, "store is null");
        requireNonNull(keyFiles, "keyFiles is null");
        requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        AutoCloseable lease = store.acquireWriter();
        Journal journal = null;
        try {
            if (journalDir != null) {
                journal = recoverJournal(store, journalDir, config);
            }
            Recorder recorder = new Recorder(store, config, keyFiles, clock, lease, journal);
            recorder.resume();
            recorder.writer.start();
            if (recorder.feeder != null) {
                recorder.feeder.start();
            }
            return recorder;
        } catch (RuntimeException e) {
            closeQuietly(journal);
            closeQuietly(lease);
            throw e;
        }
    }

    /**
     * Opens the journal and writes into the store what it holds beyond the store's chain tail (a crash
     * left the store behind), in order, each batch in its own transaction; then drops the old segments.
     */
    private static Journal recoverJournal(Store store, Path dir, RecordingConfig config) {
        Journal.Recovered recovered;
        try {
            recovered = Journal.open(dir, config.journalSegmentMegabytes() * 1_048_576L, config.journalFsync());
        } catch (IOException e) {
            throw new StoreException("cannot open the audit journal in " + dir + ": " + e.getMessage(), e);
        }
        if (recovered.torn() != null) {
            LOG.warn("audit journal: dropped an unfinished batch at the crash point ({}); nothing it held was acknowledged",
                    recovered.torn());
        }
        String nodeId = store.nodeId();
        long tail = store.chainTail(nodeId).map(ChainTail::seq).orElse(0L);
        long replayed = 0;
        for (List<Write> batch : recovered.batches()) {
            long last = lastSeq(batch);
            if (last <= tail) {
                continue; // the store has it already
            }
            store.write(batch);
            replayed += batch.size();
            tail = last;
        }
        if (replayed > 0) {
            LOG.warn("audit journal: replayed {} writes the store was missing (up to seq {})", replayed, tail);
        }
        try {
            recovered.discardRecovered();
        } catch (IOException e) {
            throw new StoreException("cannot remove replayed audit journal segments: " + e.getMessage(), e);
        }
        return recovered.journal();
    }

    /** The highest chain seq a batch holds (0 when it holds no chained record). */
    private static long lastSeq(List<Write> batch) {
        long last = 0;
        for (Write write : batch) {
            long seq = switch (write) {
                case Write.AppendFrame frame -> frame.frame().seq();
                case Write.AppendAdmin admin -> admin.action().seq();
                case Write.InsertSession insert -> 0;
                case Write.EndSession end -> 0;
                case Write.Prune prune -> 0;
            };
            last = Math.max(last, seq);
        }
        return last;
    }

    /** Picks the chain up where it ends and writes the start records. */
    private void resume() {
        Optional<ChainTail> tail = store.chainTail(nodeId);
        int headEpoch = tail.map(ChainTail::nextEpoch).orElse(0);
        ChainKey loaded = loadKey(tail.isPresent());
        if (loaded.epoch() > headEpoch) {
            loaded.destroy();
            throw new IllegalStateException("the audit chain of node '" + nodeId + "' ends in key epoch " + headEpoch
                    + " but the engine's key (" + keyFiles.stateFile() + ") is at epoch " + loaded.epoch()
                    + ": records at the end of the chain are missing. Run `bulwark audit verify` and investigate"
                    + " before starting the engine.");
        }
        key = loaded.rollTo(headEpoch);
        loaded.destroy();
        nextSeq = tail.map(t -> t.seq() + 1).orElse(1L);
        previousHash = tail.map(ChainTail::hash).orElse(AuditChain.GENESIS);
        recordsInEpoch = 0;

        Tentative start = new Tentative();
        long now = nowMicros();
        for (SessionRow orphan : store.openSessions(nodeId)) {
            int frameNo = store.lastFrameNo(orphan.id()) + 1;
            FramePayload.SessionEnd end = new FramePayload.SessionEnd(FramePayload.EndReason.ENGINE_RESTART,
                    "the engine stopped while the session was open");
            start.frame(orphan.id(), frameNo, now, end.kind(), FrameJson.write(end), FrameIndex.NONE);
            start.writes.add(new Write.EndSession(orphan.id(), now, end.reason().name(), end.detail()));
        }
        start.roll("engine_start", now);
        store.write(start.writes);
        adopt(start);
        nextRetentionMicros = now + config.retentionCheckMinutes() * 60_000_000L;
        LOG.info("recorder started for node {}: chain continues at seq {} in key epoch {}", nodeId, nextSeq, key.epoch());
    }

    private ChainKey loadKey(boolean chainHasRecords) {
        try {
            Optional<ChainKey> state = keyFiles.readState();
            if (state.isPresent()) {
                return state.get();
            }
            Optional<ChainKey> seed = keyFiles.readSeed();
            if (seed.isPresent()) {
                return seed.get();
            }
            if (chainHasRecords) {
                throw new IllegalStateException("the audit store has a chain for node '" + nodeId + "' but neither "
                        + keyFiles.seedFile() + " nor " + keyFiles.stateFile() + " exists: restore the key file");
            }
            LOG.info("created the audit chain seed key {} (keep a copy with the auditors)", keyFiles.seedFile());
            return keyFiles.createSeed();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the audit key: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ the public API

    /**
     * Opens the recording of a new session: queues its session row and SESSION_START frame.
     * Non-blocking. Futures of this session complete on {@code callbacks} (pass the session's event
     * loop, so continuations run there).
     */
    public SessionRecording open(SessionInfo info, Executor callbacks) {
        SessionRecording recording = new SessionRecording(this, info, callbacks, nowMicros());
        recording.start();
        return recording;
    }

    /**
     * Like {@link #open(SessionInfo, Executor)} with futures completed on the common pool; prefer
     * passing the session's event loop so continuations run where the session lives.
     */
    public SessionRecording open(SessionInfo info) {
        return open(info, ForkJoinPool.commonPool());
    }

    /** Records an admin action. The future completes once it is committed (on a pool thread). */
    public CompletableFuture<Void> admin(AdminAction action) {
        requireNonNull(action, "action is null");
        CompletableFuture<Void> future = new CompletableFuture<>();
        AdminItem item = new AdminItem(action.actor(), action.action(), action.target(),
                FrameJson.writeValue(action.details()), nowMicros(), future);
        offer(item, future, ForkJoinPool.commonPool());
        return future;
    }

    /**
     * Runs retention now with the configured policy (it also runs every {@code retention_check_minutes}).
     * The future completes on a pool thread.
     */
    public CompletableFuture<RetentionReport> runRetention() {
        return runRetention(config.retentionPolicy());
    }

    /** Runs retention now with the given policy. */
    public CompletableFuture<RetentionReport> runRetention(RetentionPolicy policy) {
        CompletableFuture<RetentionReport> future = new CompletableFuture<>();
        offer(new RetentionItem(policy, future), future, ForkJoinPool.commonPool());
        return future;
    }

    /**
     * Whether the last write to the store succeeded. When false, the engine refuses new statements on
     * STRICT targets with {@link RecordingUnavailableException#SQLSTATE}; the writer keeps retrying
     * and turns healthy again after a successful write.
     */
    public boolean healthy() {
        return healthy && !closed && (journal == null || journalBytes <= journalMaxBytes);
    }

    /**
     * Whether the store lags the journal because writing to it fails (the journal still holds every
     * record; statements go on until the journal reaches {@code journal_max_megabytes}).
     */
    public boolean storeBehind() {
        return storeBehind;
    }

    /**
     * Waits until the store holds everything journaled before this call, so a reader sees what the
     * engine has acknowledged (a replay right after a statement). Returns false on time-out. Without a
     * journal the store is never behind. Blocks: not for an event loop.
     */
    public boolean awaitStored(java.time.Duration timeout) throws InterruptedException {
        if (journal == null) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (feed) {
            long target = appendedPosition;
            while (storedPosition < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(feed, left);
            }
            return true;
        }
    }

    /** Why the recorder is unhealthy, empty when healthy. Safe to log (SQLSTATE and exception kind only). */
    public Optional<String> lastFailure() {
        return healthy ? Optional.empty() : Optional.ofNullable(lastFailure);
    }

    public String nodeId() {
        return nodeId;
    }

    /** Counters for monitoring. */
    public Stats stats() {
        return new Stats(framesWritten.get(), batchesWritten.get(), framesLost.get(), queue.size());
    }

    /** The journal's state, for monitoring and the status view; empty without a journal. */
    public Optional<JournalStats> journalStats() {
        if (journal == null) {
            return Optional.empty();
        }
        synchronized (feed) {
            return Optional.of(new JournalStats(appendedPosition, storedPosition, journalBytes, storeBatches.get(), storeBehind));
        }
    }

    /**
     * @param appended journal batches appended since start
     * @param stored of those, how many the store holds
     * @param bytesOnDisk the journal's size on disk
     * @param storeTransactions store transactions the feeder committed
     * @param storeBehind true while writes to the store fail
     */
    public record JournalStats(long appended, long stored, long bytesOnDisk, long storeTransactions, boolean storeBehind) {}

    /**
     * @param framesWritten frames and admin actions committed since start
     * @param batches transactions committed
     * @param framesLost ASYNC frames lost to store failures
     * @param queued items waiting for the writer
     */
    public record Stats(long framesWritten, long batches, long framesLost, int queued) {}

    /**
     * Stops taking frames, writes what is queued, and releases the chain. Blocks (up to 30 s).
     * End open sessions before; sessions still open are closed at the next start (ENGINE_RESTART).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.close();
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("recorder writer for node {} did not finish within 30 s; queued frames may be lost", nodeId);
            writer.interrupt();
        }
        if (feeder != null) {
            boolean caughtUp;
            try {
                caughtUp = awaitStored(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                caughtUp = false;
            }
            feeder.interrupt();
            try {
                feeder.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                if (caughtUp) {
                    journal.deleteAll(); // the store has everything: the next start replays nothing
                } else {
                    LOG.error("recorder for node {}: the store is behind the audit journal at shutdown; the next start"
                            + " replays {} into it", nodeId, journal.directory());
                    journal.close();
                }
            } catch (IOException e) {
                LOG.error("recorder for node {}: closing the audit journal failed: {}", nodeId, e.getMessage());
            }
        }
        closeQuietly(writerLease);
    }

    /**
     * Stops as {@code kill -9} would: the threads end where they are, nothing is drained, the journal is
     * left as the operating system has it. For crash-recovery tests.
     */
    void haltForTest() throws InterruptedException {
        closed = true;
        queue.close();
        writer.interrupt();
        writer.join(5_000);
        if (feeder != null) {
            feeder.interrupt();
            feeder.join(5_000);
            try {
                journal.close();
            } catch (IOException ignored) {
                // as after a crash
            }
        }
        closeQuietly(writerLease);
    }

    // ------------------------------------------------------------------ used by SessionRecording

    long nowMicros() {
        return Micros.of(clock.instant());
    }

    RecordingConfig config() {
        return config;
    }

    /** Queues an item; for a refused or closed queue the future fails at once. */
    void offer(Item item, CompletableFuture<?> future, Executor callbacks) {
        RecordQueue.Offer result = queue.offer(item);
        switch (result) {
            case ADMITTED -> item.admittedNow();
            case WAITING -> { } // completes from the writer thread once admitted (backpressure)
            case REFUSED -> fail(future, callbacks, new RecordingUnavailableException(
                    "recording queue overflow: the caller does not wait for recording futures", null));
            case CLOSED -> fail(future, callbacks, new RecordingUnavailableException("the recorder is closed", null));
        }
    }

    static void complete(CompletableFuture<Void> future, Executor callbacks) {
        try {
            callbacks.execute(() -> future.complete(null));
        } catch (RejectedExecutionException e) {
            future.complete(null);
        }
    }

    static <T> void completeWith(CompletableFuture<T> future, T value, Executor callbacks) {
        try {
            callbacks.execute(() -> future.complete(value));
        } catch (RejectedExecutionException e) {
            future.complete(value);
        }
    }

    static void fail(CompletableFuture<?> future, Executor callbacks, Throwable error) {
        try {
            callbacks.execute(() -> future.completeExceptionally(error));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(error);
        }
    }

    // ------------------------------------------------------------------ queue items

    /** Something for the writer. */
    sealed interface Item extends RecordQueue.Entry permits FrameItem, AdminItem, RetentionItem {
        /** Called on the offering thread when the item was admitted at once. */
        default void admittedNow() {
            admitted();
        }
    }

    /** A session frame; for ASYNC sessions the caller's future completes on admission. */
    record FrameItem(SessionRecording session, int frameNo, long atMicros, PreparedFrame payload,
                     CompletableFuture<Void> future) implements Item {
        @Override
        public void admitted() {
            if (session.auditMode() == AuditMode.ASYNC) {
                complete(future, session.callbacks());
            }
        }

        @Override
        public void admittedNow() {
            if (session.auditMode() == AuditMode.ASYNC) {
                future.complete(null); // on the caller's own thread: nothing to hop
            }
        }

        @Override
        public boolean exclusive() {
            return false;
        }
    }

    record AdminItem(String actor, String action, String target, String details, long atMicros,
                     CompletableFuture<Void> future) implements Item {
        @Override
        public void admitted() { }

        @Override
        public boolean exclusive() {
            return false;
        }
    }

    record RetentionItem(RetentionPolicy policy, CompletableFuture<RetentionReport> future) implements Item {
        @Override
        public void admitted() { }

        @Override
        public boolean exclusive() {
            return true;
        }
    }

    /**
     * What a retention run did.
     *
     * @param cutSeq records below this seq were deleted (0 when nothing was)
     * @param sessionsDeleted how many sessions went
     * @param bytes their payload size
     * @param reason {@code age}, {@code size}, {@code age+size}, or {@code none}
     */
    public record RetentionReport(long cutSeq, int sessionsDeleted, long bytes, String reason) {
        static final RetentionReport NONE = new RetentionReport(0, 0, 0, "none");
    }

    // ------------------------------------------------------------------ the writer thread

    private void writeLoop() {
        try {
            while (true) {
                List<Item> batch = queue.take(config.batchSize(), 250, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    break; // closed and drained
                }
                waitForRetry();
                try {
                    if (batch.isEmpty()) {
                        idle();
                    } else if (batch.getFirst() instanceof RetentionItem retention) {
                        retain(retention);
                    } else {
                        writeBatch(batch);
                    }
                } catch (RuntimeException e) {
                    // A bug must not leave futures hanging (STRICT sessions would wait forever): fail them, go on.
                    LOG.error("recorder for node {}: unexpected failure writing a batch", nodeId, e);
                    failUnexpectedly(batch, e);
                }
            }
            if (!healthy) {
                LOG.error("recorder for node {} closed while the store was failing: {} frames were lost since {}",
                        nodeId, lostSinceFailure, Micros.toInstant(firstFailureMicros));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            healthy = false;
            lastFailure = "recorder writer stopped: " + e.getClass().getSimpleName();
            LOG.error("recorder writer for node {} stopped", nodeId, e);
            throw e;
        } finally {
            if (key != null) {
                key.destroy();
            }
        }
    }

    private void waitForRetry() throws InterruptedException {
        long waitNanos = retryAtNanos - System.nanoTime();
        if (!healthy && !closed && waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }

    /** No frames: retry after a failure, or run retention when due. */
    private void idle() {
        if (!healthy) {
            writeBatch(List.of());
            return;
        }
        if (config.retentionPolicy().enabled() && nowMicros() >= nextRetentionMicros) {
            nextRetentionMicros = nowMicros() + config.retentionCheckMinutes() * 60_000_000L;
            retain(new RetentionItem(config.retentionPolicy(), new CompletableFuture<>()));
        }
    }

    private void writeBatch(List<Item> batch) {
        Tentative tentative = new Tentative();
        long now = nowMicros();
        if (failureState != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failed_batches", failedBatches);
            details.put("lost_frames", lostSinceFailure);
            details.put("since", Micros.toInstant(firstFailureMicros).toString());
            details.put("error", failureState);
            tentative.admin(ENGINE, AdminAction.RECORDING_GAP, "", FrameJson.writeValue(details), now);
        }
        Set<SessionRecording> restarted = new HashSet<>();
        for (Item item : batch) {
            switch (item) {
                case FrameItem frame -> {
                    SessionRecording session = frame.session();
                    FramePayload payload = frame.payload().payload();
                    if (payload instanceof FramePayload.SessionStart) {
                        tentative.writes.add(new Write.InsertSession(session.row()));
                    } else if (session.startLost && restarted.add(session)) {
                        // Its first frames were lost to a store failure: record the session again before going on.
                        tentative.writes.add(new Write.InsertSession(session.row()));
                        FramePayload.SessionStart start = session.startPayload();
                        tentative.frame(session.sessionId(), 0, session.startedMicros(), start.kind(),
                                FrameJson.write(start), FrameIndex.NONE);
                    }
                    tentative.frame(session.sessionId(), frame.frameNo(), frame.atMicros(), payload.kind(),
                            frame.payload().json(), frame.payload().index());
                    if (payload instanceof FramePayload.SessionEnd end) {
                        tentative.writes.add(new Write.EndSession(session.sessionId(), frame.atMicros(),
                                end.reason().name(), end.detail()));
                    }
                }
                case AdminItem admin -> tentative.admin(admin.actor(), admin.action(), admin.target(),
                        admin.details(), admin.atMicros());
                case RetentionItem retention -> throw new IllegalStateException("retention is written alone");
            }
        }
        StoreException failure = persist(tentative.writes);
        if (failure == null) {
            adopt(tentative);
            framesWritten.addAndGet(tentative.records);
            batchesWritten.incrementAndGet();
            if (!healthy || failureState != null) {
                LOG.warn("recorder for node {} recovered: audit store writes succeed again", nodeId);
            }
            healthy = true;
            failureState = null;
            failedBatches = 0;
            lostSinceFailure = 0;
            backoffMillis = 0;
            for (Item item : batch) {
                switch (item) {
                    case FrameItem frame -> {
                        frame.session().startLost = false;
                        if (frame.session().auditMode() == AuditMode.STRICT) {
                            complete(frame.future(), frame.session().callbacks());
                        }
                    }
                    case AdminItem admin -> complete(admin.future(), ForkJoinPool.commonPool());
                    case RetentionItem retention -> { }
                }
            }
            return;
        }
        discard(tentative);
        noteFailure(failure, now);
        RecordingUnavailableException error = new RecordingUnavailableException(
                "the audit store could not be written: " + failureState, failure);
        long lost = 0;
        for (Item item : batch) {
            switch (item) {
                case FrameItem frame -> {
                    if (frame.payload().payload() instanceof FramePayload.SessionStart) {
                        frame.session().startLost = true;
                    }
                    if (frame.session().auditMode() == AuditMode.STRICT) {
                        fail(frame.future(), frame.session().callbacks(), error);
                    } else {
                        lost++;
                    }
                }
                case AdminItem admin -> fail(admin.future(), ForkJoinPool.commonPool(), error);
                case RetentionItem retention -> { }
            }
        }
        lostSinceFailure += lost;
        framesLost.addAndGet(lost);
        if (lost > 0) {
            LOG.error("recorder for node {}: {} ASYNC frames lost ({})", nodeId, lost, failureState);
        }
    }

    private void failUnexpectedly(List<Item> batch, RuntimeException e) {
        healthy = false;
        lastFailure = "recorder error: " + e.getClass().getSimpleName();
        if (failureState == null) {
            failureState = lastFailure;
            firstFailureMicros = nowMicros();
        }
        RecordingUnavailableException error = new RecordingUnavailableException("the recorder failed", e);
        for (Item item : batch) {
            switch (item) {
                case FrameItem frame -> {
                    if (frame.session().auditMode() == AuditMode.STRICT) {
                        fail(frame.future(), frame.session().callbacks(), error);
                    } else {
                        lostSinceFailure++;
                        framesLost.incrementAndGet();
                    }
                }
                case AdminItem admin -> fail(admin.future(), ForkJoinPool.commonPool(), error);
                case RetentionItem retention -> fail(retention.future(), ForkJoinPool.commonPool(), error);
            }
        }
    }

    /**
     * Makes a batch durable: appended to the journal (and handed to the feeder for the store), or, without
     * a journal, committed to the store. Null on success.
     */
    private StoreException persist(List<Write> writes) {
        if (journal == null) {
            return tryWrite(writes);
        }
        synchronized (feed) { // the feeder drops applied segments under the same lock
            long position;
            try {
                position = journal.append(writes);
            } catch (IOException | RuntimeException e) {
                return new StoreException("the audit journal could not be written: " + e.getClass().getSimpleName(), e);
            }
            appendedPosition = position;
            journalBytes = journal.bytesOnDisk();
            feed.addLast(new Fed(position, writes));
            feed.notifyAll();
        }
        return null;
    }

    /**
     * The feeder thread: moves journaled batches into the store, several per transaction, in order;
     * retries with back-off while the store fails (the journal keeps them meanwhile).
     */
    private void feedLoop() {
        long backoff = 0;
        try {
            while (true) {
                List<Fed> taken = new ArrayList<>();
                synchronized (feed) {
                    while (feed.isEmpty()) {
                        feed.wait();
                    }
                    int writes = 0;
                    for (Fed fed : feed) {
                        if (!taken.isEmpty() && writes + fed.writes().size() > config.batchSize() * 4) {
                            break;
                        }
                        taken.add(fed);
                        writes += fed.writes().size();
                    }
                }
                List<Write> merged = new ArrayList<>();
                for (Fed fed : taken) {
                    merged.addAll(fed.writes());
                }
                StoreException failure = tryWrite(merged);
                if (failure != null) {
                    if (!storeBehind) {
                        LOG.error("recorder for node {}: the audit store cannot be written (SQLSTATE {}); the journal keeps"
                                + " every record and the store is fed again when it recovers", nodeId,
                                failure.sqlState() == null ? "unknown" : failure.sqlState());
                    }
                    storeBehind = true;
                    backoff = backoff == 0 ? 50 : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    Thread.sleep(backoff);
                    continue;
                }
                if (storeBehind) {
                    LOG.warn("recorder for node {}: the audit store is written again; feeding it from the journal", nodeId);
                }
                storeBehind = false;
                backoff = 0;
                storeBatches.incrementAndGet();
                long position = taken.getLast().position();
                synchronized (feed) {
                    for (int i = 0; i < taken.size(); i++) {
                        feed.removeFirst();
                    }
                    storedPosition = position;
                    try {
                        journal.applied(position);
                    } catch (IOException e) {
                        LOG.error("recorder for node {}: cannot remove an applied journal segment: {}", nodeId, e.getMessage());
                    }
                    journalBytes = journal.bytesOnDisk();
                    feed.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // shutting down: close() decides what happens to what is left
        }
    }

    /** Writes with one retry on a fresh connection (a dropped connection is the common transient failure). */
    private StoreException tryWrite(List<Write> writes) {
        StoreException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                store.write(writes);
                return null;
            } catch (StoreException e) {
                failure = e;
            }
        }
        return failure;
    }

    private void noteFailure(StoreException failure, long now) {
        boolean first = failureState == null;
        failedBatches++;
        if (first) {
            firstFailureMicros = now;
        }
        String cause = failure.getCause() == null ? failure.getClass().getSimpleName() : failure.getCause().getClass().getSimpleName();
        failureState = "SQLSTATE " + (failure.sqlState() == null ? "unknown" : failure.sqlState()) + " (" + cause + ")";
        lastFailure = failureState;
        if (healthy) {
            // The database's message can quote values; log it once at debug, the state at error.
            LOG.error("recorder for node {}: audit store write failed with {}; STRICT targets refuse statements until it recovers",
                    nodeId, failureState);
            LOG.debug("recorder for node {}: store failure detail", nodeId, failure);
        }
        healthy = false;
        backoffMillis = backoffMillis == 0 ? 50 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
    }

    /** Deletes the oldest whole sessions per policy, behind a chained retention_cut checkpoint. */
    private void retain(RetentionItem item) {
        try {
            if (!item.policy().enabled()) {
                completeWith(item.future(), RetentionReport.NONE, ForkJoinPool.commonPool());
                return;
            }
            if (!awaitStored(java.time.Duration.ofSeconds(30))) {
                throw new StoreException("the store is behind the audit journal; retention waits for it");
            }
            long now = nowMicros();
            OptionalLong first = store.firstSeq(nodeId);
            if (first.isEmpty()) {
                completeWith(item.future(), RetentionReport.NONE, ForkJoinPool.commonPool());
                return;
            }
            Long youngAdmin = item.policy().maxAgeMicros() > 0
                    ? store.firstAdminSeqSince(nodeId, now - item.policy().maxAgeMicros()).orElse(null) : null;
            RetentionPlan plan = RetentionPlan.plan(store.sessionSpans(nodeId), first.getAsLong(), nextSeq, youngAdmin,
                    item.policy(), now);
            if (plan == null) {
                completeWith(item.future(), RetentionReport.NONE, ForkJoinPool.commonPool());
                return;
            }
            String hashBeforeCut;
            int epochAtCut;
            if (plan.cutSeq() == nextSeq) {
                hashBeforeCut = previousHash;
                epochAtCut = key.epoch();
            } else {
                hashBeforeCut = store.record(nodeId, plan.cutSeq() - 1).map(ChainRecord::hash)
                        .orElseThrow(() -> new StoreException("record " + (plan.cutSeq() - 1) + " is missing"));
                epochAtCut = store.record(nodeId, plan.cutSeq()).map(ChainRecord::epoch)
                        .orElseThrow(() -> new StoreException("record " + plan.cutSeq() + " is missing"));
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("cut_seq", plan.cutSeq());
            details.put("previous_hash", hashBeforeCut);
            details.put("epoch", epochAtCut);
            details.put("sessions", plan.sessionIds().size());
            details.put("bytes", plan.bytes());
            details.put("reason", plan.reason());
            details.put("max_age_days", item.policy().maxAgeMicros() / 86_400_000_000L);
            details.put("max_bytes", item.policy().maxBytes());
            Tentative tentative = new Tentative();
            tentative.admin(ENGINE, AdminRecord.RETENTION_CUT, "", FrameJson.writeValue(details), now);
            tentative.writes.add(new Write.Prune(nodeId, plan.cutSeq(), plan.sessionIds()));
            StoreException failure = persist(tentative.writes);
            if (failure != null) {
                discard(tentative);
                noteFailure(failure, now);
                fail(item.future(), ForkJoinPool.commonPool(), failure);
                return;
            }
            adopt(tentative);
            if (plan.reason().contains("size")) {
                // Recorded sessions are going because the size limit was reached: say so where operators look.
                LOG.warn("retention on node {} deleted {} sessions below seq {} ({}): the audit reached recording."
                        + "retention_max_megabytes ({} MB)", nodeId, plan.sessionIds().size(), plan.cutSeq(), plan.reason(),
                        item.policy().maxBytes() / 1_048_576L);
            } else {
                LOG.info("retention on node {} deleted {} sessions below seq {} ({})", nodeId, plan.sessionIds().size(),
                        plan.cutSeq(), plan.reason());
            }
            completeWith(item.future(), new RetentionReport(plan.cutSeq(), plan.sessionIds().size(), plan.bytes(),
                    plan.reason()), ForkJoinPool.commonPool());
        } catch (StoreException e) {
            LOG.error("retention on node {} failed: SQLSTATE {}", nodeId, e.sqlState());
            fail(item.future(), ForkJoinPool.commonPool(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(item.future(), ForkJoinPool.commonPool(), e);
        }
    }

    /**
     * Records appended on top of the committed chain state; adopted after commit, discarded on
     * failure. Keys rolled past are wiped only once the roll is committed.
     */
    private final class Tentative {
        final List<Write> writes = new ArrayList<>();
        final List<ChainKey> rolledPast = new ArrayList<>();
        long seq = nextSeq;
        String previous = previousHash;
        ChainKey currentKey = key;
        int inEpoch = recordsInEpoch;
        int records;

        void frame(String sessionId, int frameNo, long atMicros, FrameKind kind, String json, FrameIndex index) {
            FrameRecord record = AuditChain.seal(currentKey, previous,
                    new FrameRecord(nodeId, seq, currentKey.epoch(), sessionId, frameNo, atMicros, kind.name(), json, ""));
            writes.add(new Write.AppendFrame(record, index));
            advance(record.hash(), atMicros);
        }

        void admin(String actor, String action, String target, String details, long atMicros) {
            AdminRecord record = AuditChain.seal(currentKey, previous,
                    new AdminRecord(nodeId, seq, currentKey.epoch(), atMicros, actor, action, target, details, ""));
            writes.add(new Write.AppendAdmin(record));
            advance(record.hash(), atMicros);
        }

        private void advance(String hash, long atMicros) {
            seq++;
            previous = hash;
            records++;
            inEpoch++;
            if (inEpoch >= config.keyRollRecords() - 1) {
                roll("records", atMicros);
            }
        }

        /** Appends a key_roll made with the current key, then moves to the next key. */
        void roll(String reason, long atMicros) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("next_epoch", currentKey.epoch() + 1);
            details.put("reason", reason);
            AdminRecord marker = AuditChain.seal(currentKey, previous, new AdminRecord(nodeId, seq, currentKey.epoch(),
                    atMicros, ENGINE, AdminRecord.KEY_ROLL, "", FrameJson.writeValue(details), ""));
            writes.add(new Write.AppendAdmin(marker));
            seq++;
            previous = marker.hash();
            records++;
            rolledPast.add(currentKey);
            currentKey = currentKey.next();
            inEpoch = 0;
        }
    }

    private void adopt(Tentative tentative) {
        nextSeq = tentative.seq;
        previousHash = tentative.previous;
        recordsInEpoch = tentative.inEpoch;
        if (tentative.currentKey != key) {
            try {
                keyFiles.writeState(tentative.currentKey);
            } catch (IOException e) {
                // The chain is fine; only the saved key lags (a restart derives forward from it).
                LOG.error("recorder for node {}: cannot save the rolled audit key to {}: {}", nodeId,
                        keyFiles.stateFile(), e.getMessage());
            }
            for (ChainKey old : tentative.rolledPast) {
                old.destroy();
            }
            key = tentative.currentKey;
        }
    }

    private void discard(Tentative tentative) {
        for (ChainKey rolled : tentative.rolledPast) {
            if (rolled != key) {
                rolled.destroy();
            }
        }
        if (tentative.currentKey != key) {
            tentative.currentKey.destroy();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // releasing after failure or at shutdown
        }
    }

    @Override
    public String toString() {
        return "Recorder[node=" + nodeId + ", healthy=" + healthy + "]";
    }
}
