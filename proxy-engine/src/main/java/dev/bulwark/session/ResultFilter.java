package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage.RowDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Rewrites what the server sends before the client sees it (masking). Called on the session's event
 * loop; must not block: when it needs time (a catalog lookup) it says {@link RowPlan.Wait} and the
 * session stops reading from the server until the future completes, then asks again.
 */
public interface ResultFilter {
    /** True when nothing this session receives is ever changed, so the relay skips every call. */
    default boolean passesEverything() {
        return true;
    }

    /** How the rows of a result with these columns (formats as the client asked) are rewritten. */
    default RowPlan rows(RowDescription columns) {
        return RowPlan.UNCHANGED;
    }

    /** The rewrite for the COPY TO STDOUT that the statement with this number starts, or null for none. */
    default CopyTransform copyOut(long sequence) {
        return null;
    }

    /** ErrorResponse/NoticeResponse fields; returns the same map when nothing changes. */
    default Map<Character, String> messageFields(Map<Character, String> fields) {
        return fields;
    }

    /** A NotificationResponse payload; returns the same string when nothing changes. */
    default String notification(String payload) {
        return payload;
    }

    /** Rewrites the DataRows of one result. */
    interface RowTransform {
        RowTransform IDENTITY = new RowTransform() {
            @Override
            public ByteBuf apply(ByteBuf dataRow, ByteBufAllocator alloc) {
                return dataRow;
            }

            @Override
            public void writeTo(ByteBuf dataRow, ByteBuf out) {
                out.writeBytes(dataRow, dataRow.readerIndex(), dataRow.readableBytes());
            }
        };

        /** One DataRow: returns the same buffer when unchanged, else a new one (the caller releases the input). */
        ByteBuf apply(ByteBuf dataRow, ByteBufAllocator alloc);

        /**
         * Appends the rewritten DataRow to {@code out} (the relay packs many rows into one buffer);
         * {@code dataRow} stays the caller's. On an exception {@code out} is as it was.
         */
        default void writeTo(ByteBuf dataRow, ByteBuf out) {
            ByteBuf rewritten = apply(dataRow, out.alloc());
            try {
                out.writeBytes(rewritten, rewritten.readerIndex(), rewritten.readableBytes());
            } finally {
                if (rewritten != dataRow) {
                    rewritten.release();
                }
            }
        }
    }

    /** Rewrites CopyData messages of one COPY OUT; see {@link RowTransform} for ownership; an empty result sends nothing. */
    interface CopyTransform {
        ByteBuf apply(ByteBuf copyData, ByteBufAllocator alloc);

        /** At CopyDone: a last CopyData to send first, or an empty buffer. */
        ByteBuf finish(ByteBufAllocator alloc);
    }

    sealed interface RowPlan {
        RowPlan UNCHANGED = new Rows(RowTransform.IDENTITY);

        record Rows(RowTransform transform) implements RowPlan {}

        record Wait(CompletableFuture<?> ready) implements RowPlan {}
    }
}
