package dev.bulwark.engine;

import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.Frame;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.recording.AuditQueries;
import dev.bulwark.recording.FrameJson;
import dev.bulwark.recording.FrameKind;
import dev.bulwark.recording.FramePayload;
import dev.bulwark.recording.RecordedFrame;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.SessionQuery;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Recorded sessions through {@link AuditQueries} (JDBC on the blocking executor), mapped by {@link FrameMapping}.
 * Search cursors are row offsets, as text.
 */
final class StoreRecordingsBackend implements ManagementBackend.RecordingsBackend {
    /** The store answers at most this many sessions and frames per query. */
    private static final int MAX_SESSIONS = 1_000;
    private static final int MAX_FRAMES = 10_000;
    private static final int COUNT_PAGE = 1_000;

    private final EngineManagementBackend.Parts parts;
    private final AuditQueries queries;

    StoreRecordingsBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
        this.queries = new AuditQueries(parts.store(), parts.blocking(), parts.recorder());
    }

    @Override
    public CompletableFuture<ManagementBackend.RecordingPage> search(RecordingQuery query) {
        int offset;
        SessionQuery search;
        try {
            offset = offset(query.cursor());
            // One more than asked, to know whether there is a next page.
            search = SessionQuery.builder()
                    .subject(query.subject())
                    .target(query.target())
                    .between(query.from(), query.to())
                    .statementContains(query.text())
                    .table(query.table())
                    .verdict(query.verdict() == null ? null : FrameMapping.recordedVerdict(query.verdict()))
                    .page(Math.min(query.limit() + 1, MAX_SESSIONS), offset)
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(ManagementException.badRequest(e.getMessage()));
        }
        int limit = query.limit();
        return StoreFailures.asUnavailable(queries.search(search).thenApplyAsync(rows -> {
            List<RecordingSummary> page = new ArrayList<>();
            for (SessionRow row : rows.subList(0, Math.min(limit, rows.size()))) {
                page.add(FrameMapping.summary(row, counts(parts.store(), row.id())));
            }
            boolean more = rows.size() > limit || (limit == MAX_SESSIONS && rows.size() == MAX_SESSIONS);
            return new ManagementBackend.RecordingPage(page,
                    more ? Optional.of(Integer.toString(offset + limit)) : Optional.empty());
        }, parts.blocking()), "the search");
    }

    private static int offset(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(cursor);
            if (offset >= 0 && offset <= Integer.MAX_VALUE - 2 * MAX_SESSIONS) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("cursor is not one this engine gave out");
    }

    /**
     * Counts a session's frames, statements, denials and holds by reading its frames. Blocks, and costs
     * as much as reading the session: the store has no aggregate for it yet.
     */
    static FrameMapping.Counts counts(Store store, String sessionId) {
        long frames = 0;
        long statements = 0;
        long denied = 0;
        long held = 0;
        int from = Integer.MIN_VALUE;
        while (true) {
            List<FrameRecord> page = store.frames(sessionId, from, COUNT_PAGE);
            for (FrameRecord frame : page) {
                frames++;
                if (frame.kind().equals(FrameKind.STATEMENT.name())
                        && FrameJson.read(frame.payload()) instanceof FramePayload.Statement statement) {
                    statements++;
                    switch (statement.verdict()) {
                        case DENY -> denied++;
                        case HOLD -> held++;
                        case ALLOW, LOG -> { }
                    }
                }
            }
            if (page.size() < COUNT_PAGE) {
                return new FrameMapping.Counts(statements, denied, held, frames);
            }
            from = page.getLast().frameNo() + 1;
        }
    }

    @Override
    public CompletableFuture<ManagementBackend.FramePage> frames(String sessionId, long fromSeq, OptionalLong toSeq,
            int limit) {
        int wanted = Math.max(1, Math.min(limit, MAX_FRAMES));
        // seq counts from 1, frame_no from 0.
        int fromFrameNo = (int) Math.min(Math.max(fromSeq, 1) - 1, Integer.MAX_VALUE);
        long last = toSeq.orElse(Long.MAX_VALUE);
        return StoreFailures.asUnavailable(queries.frames(sessionId, fromFrameNo, Math.min(wanted + 1, MAX_FRAMES)).thenCompose(recorded -> {
            List<Frame> frames = new ArrayList<>();
            OptionalLong next = OptionalLong.empty();
            for (RecordedFrame frame : recorded) {
                long seq = frame.frameNo() + 1L;
                if (seq > last) {
                    break;
                }
                if (frames.size() == wanted) {
                    next = OptionalLong.of(seq);
                    break;
                }
                frames.add(FrameMapping.frame(frame));
            }
            if (next.isEmpty() && wanted == MAX_FRAMES && recorded.size() == MAX_FRAMES) {
                long following = recorded.getLast().frameNo() + 2L;
                next = following <= last ? OptionalLong.of(following) : OptionalLong.empty();
            }
            ManagementBackend.FramePage page = new ManagementBackend.FramePage(frames, next);
            if (!frames.isEmpty()) {
                return CompletableFuture.completedFuture(page);
            }
            return queries.session(sessionId).thenCompose(session -> session.isPresent()
                    ? CompletableFuture.completedFuture(page)
                    : CompletableFuture.failedFuture(ManagementException.notFound("no recording of session \"" + sessionId + "\"")));
        }), "reading the frames");
    }
}
