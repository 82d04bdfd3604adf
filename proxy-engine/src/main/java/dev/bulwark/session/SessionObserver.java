package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage.ErrorResponse;
import dev.bulwark.protocol.BackendMessage.NoticeResponse;
import dev.bulwark.protocol.BackendMessage.RowDescription;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * Sees one session's traffic as the client sees it (after masking): the recording and live views
 * hang off this. Called on the session's event loop; must not block. Statement numbers are the
 * session's own, in order.
 */
public interface SessionObserver {
    SessionObserver NONE = new SessionObserver() {};

    /** Opens an observer for a session once it is ready (identity and target known). */
    interface Factory {
        Factory NONE = session -> SessionObserver.NONE;

        SessionObserver open(LiveSession session);
    }

    /**
     * A statement and what was decided. For an allowed statement the session forwards it only once
     * the returned future completes (strict audit: the frame is durable); a failed future refuses it.
     */
    default CompletableFuture<Void> statement(long sequence, StatementGate.Statement statement, StatementGate.Decision decision) {
        return CompletableFuture.completedFuture(null);
    }

    default void columns(long sequence, RowDescription columns) {}

    /** A DataRow exactly as sent to the client; do not retain it past the call. */
    default void row(long sequence, RowDescription columns, ByteBuf dataRow) {}

    default void completed(long sequence, String commandTag) {}

    default void error(long sequence, ErrorResponse error) {}

    default void notice(NoticeResponse notice) {}

    /** COPY data passing through: {@code fromClient} for COPY FROM STDIN. */
    default void copyData(long sequence, boolean fromClient, int bytes) {}

    default void cancelRequested() {}

    /**
     * A cancel request with this session's key arrived from {@code source} (an address);
     * {@code fromOwnClient} is false when that is not the address of the session's client, which the
     * protocol allows (the key is the proof) but which an observer records.
     */
    default void cancelRequested(String source, boolean fromOwnClient) {
        cancelRequested();
    }

    /** The session's {@link LiveSession#state()} changed in a way live views care about (held, released). */
    default void stateChanged() {}

    default void ended(String reason) {}
}
