package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Typed access to server messages: decode a frame's body, encode a message the engine writes itself. */
public final class BackendCodec {
    private BackendCodec() {}

    public static BackendMessage decode(PgFrame frame) {
        return BackendMessage.decode(frame);
    }

    public static ByteBuf encode(BackendMessage message, ByteBufAllocator alloc) {
        return BackendMessage.encode(message, alloc);
    }
}
