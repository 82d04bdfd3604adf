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

    /** @param executor where the store is queried (a small worker pool) */
    public AuditQueries(Store store, Executor executor) {
        this.store = requireNonNull(store, "store is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** Sessions matching the query, newest first. */
    public CompletableFuture<List<SessionRow>> search(SessionQuery query) {
        return CompletableFuture.supplyAsync(() -> store.searchSessions(query), executor);
    }

    public CompletableFuture<Optional<SessionRow>> session(String sessionId) {
        return CompletableFuture.supplyAsync(() -> store.session(sessionId), executor);
    }

    /**
     * A page of a session's frames, decoded: those numbered {@code fromFrameNo} and up, at most
     * {@code limit}. The next page starts after the last frame number returned.
     */
    public CompletableFuture<List<RecordedFrame>> frames(String sessionId, int fromFrameNo, int limit) {
        return CompletableFuture.supplyAsync(
                () -> store.frames(sessionId, fromFrameNo, limit).stream().map(RecordedFrame::of).toList(), executor);
    }

    /** Admin actions of all nodes since the instant, oldest first. */
    public CompletableFuture<List<AdminRecord>> adminActions(Instant since, int limit) {
        return CompletableFuture.supplyAsync(() -> store.recentAdminActions(Micros.of(since), limit), executor);
    }
}
