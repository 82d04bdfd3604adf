package dev.bulwark.recording;

import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.Micros;
import dev.bulwark.store.SessionQuery;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * Search and replay for the management socket and the console. Each call runs on the given executor
 * (never an event loop) and returns a future, so callers on an event loop do not block.
 */
public final class AuditQueries {
    private final Store store;
    private final Executor executor;
    private final Recorder recorder;

    /** @param executor where the store is queried (a small worker pool) */
    public AuditQueries(Store store, Executor executor) {
        this(store, executor, null);
    }

    /**
     * Queries that first wait (briefly) until the store holds what the recorder has acknowledged, so a
     * replay asked for right after a statement shows it although the store is fed from the journal.
     */
    public AuditQueries(Store store, Executor executor, Recorder recorder) {
        this.store = requireNonNull(store, "store is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.recorder = recorder;
    }

    /** Waits up to a second for the store to catch up with the journal; reads what it has after that. */
    private void caughtUp() {
        if (recorder == null) {
            return;
        }
        try {
            recorder.awaitStored(java.time.Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sessions matching the query, newest first. */
    public CompletableFuture<List<SessionRow>> search(SessionQuery query) {
        return CompletableFuture.supplyAsync(() -> {
            caughtUp();
            return store.searchSessions(query);
        }, executor);
    }

    public CompletableFuture<Optional<SessionRow>> session(String sessionId) {
        return CompletableFuture.supplyAsync(() -> {
            caughtUp();
            return store.session(sessionId);
        }, executor);
    }

    /**
     * A page of a session's frames, decoded: those numbered {@code fromFrameNo} and up, at most
     * {@code limit}. The next page starts after the last frame number returned.
     */
    public CompletableFuture<List<RecordedFrame>> frames(String sessionId, int fromFrameNo, int limit) {
        return CompletableFuture.supplyAsync(() -> {
            caughtUp();
            return store.frames(sessionId, fromFrameNo, limit).stream().map(RecordedFrame::of).toList();
        }, executor);
    }

    /** Admin actions of all nodes since the instant, oldest first. */
    public CompletableFuture<List<AdminRecord>> adminActions(Instant since, int limit) {
        return CompletableFuture.supplyAsync(() -> {
            caughtUp();
            return store.recentAdminActions(Micros.of(since), limit);
        }, executor);
    }
}
