package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Typed access to client messages: decode a frame's body, encode a message the engine writes itself. */
public final class FrontendCodec {
    private FrontendCodec() {}

    public static FrontendMessage decode(PgFrame frame) {
        return FrontendMessage.decode(frame);
    }

    public static ByteBuf encode(FrontendMessage message, ByteBufAllocator alloc) {
        return FrontendMessage.encode(message, alloc);
    }

    /** Encodes an untyped startup-phase packet: StartupMessage, SSLRequest or CancelRequest. */
    public static ByteBuf encode(StartupPacket packet, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer();
        buf.writeInt(0);
        switch (packet) {
            case StartupPacket.SslRequest s -> buf.writeInt(StartupPacket.SSL_REQUEST_CODE);
            case StartupPacket.GssEncRequest g -> buf.writeInt(StartupPacket.GSSENC_REQUEST_CODE);
            case StartupPacket.CancelRequest c -> {
                buf.writeInt(StartupPacket.CANCEL_REQUEST_CODE);
                buf.writeInt(c.processId());
                buf.writeBytes(c.secretKey());
            }
            case StartupPacket.StartupMessage m -> {
                buf.writeInt(m.majorVersion() << 16 | m.minorVersion());
                m.parameters().forEach((k, v) -> {
                    Wire.writeCString(buf, k);
                    Wire.writeCString(buf, v);
                });
                buf.writeByte(0);
            }
        }
        buf.setInt(0, buf.writerIndex());
        return buf;
    }
}
