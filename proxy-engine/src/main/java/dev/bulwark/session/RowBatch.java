package dev.bulwark.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;

/**
 * DataRows on their way to the client, packed into one buffer, so a result costs one channel write
 * per {@value #TARGET_BYTES} bytes instead of one per row (a write is a pipeline pass and an
 * outbound-buffer entry, which cost more than copying a typical 50-200 byte row, and the socket
 * then gets a few large iovecs instead of hundreds of small ones). A masked row is written straight
 * into the batch by its {@link ResultFilter.RowTransform}, so it needs no buffer of its own.
 *
 * <p>Order is the caller's to keep: everything else written to the client must go after
 * {@link #emit}. Rows larger than {@value #DIRECT_BYTES} bytes are not copied: the caller emits
 * the batch and writes them as they are. Used on the session's event loop only.
 */
final class RowBatch {
    /** Emit once the batch holds this much. */
    static final int TARGET_BYTES = 32 * 1024;
    /** Rows this large are forwarded as their own buffer instead of being copied. */
    static final int DIRECT_BYTES = 8 * 1024;

    private ByteBuf pending;

    /** Whether a row of this size is packed (else the caller writes it alone, after {@link #emit}). */
    static boolean packs(int rowBytes) {
        return rowBytes <= DIRECT_BYTES;
    }

    /** The buffer to append the next row to; its writer index is where the row will start. */
    ByteBuf target(ByteBufAllocator alloc) {
        if (pending == null) {
            pending = alloc.directBuffer(TARGET_BYTES + DIRECT_BYTES);
        }
        return pending;
    }

    /** True once the batch is large enough to send. */
    boolean full() {
        return pending != null && pending.readableBytes() >= TARGET_BYTES;
    }

    /** Writes what is packed to the channel (not flushed); nothing when empty. */
    void emit(Channel channel) {
        ByteBuf batch = pending;
        if (batch == null) {
            return;
        }
        pending = null;
        if (batch.isReadable()) {
            channel.write(batch, channel.voidPromise());
        } else {
            batch.release();
        }
    }

    /** Drops what is packed (the session is closing). */
    void discard() {
        ByteBuf batch = pending;
        pending = null;
        if (batch != null) {
            batch.release();
        }
    }
}
