package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames what the server sends: {@code Byte1 type, Int32 length, body}, each emitted as a
 * {@link PgFrame} holding a retained slice of the input (no copy).
 */
public final class BackendDecoder extends ByteToMessageDecoder {
    private final int maxMessage;
    private boolean failed;

    public BackendDecoder(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Wire.HEADER_LENGTH) {
            int start = in.readerIndex();
            byte type = in.getByte(start);
            int length = in.getInt(start + 1);
            if (length < 4 || length > maxMessage) {
                failed = true;
                throw ProtocolException.violation("server sent a message with invalid length " + length);
            }
            if (in.readableBytes() < length + 1) {
                return;
            }
            out.add(new PgFrame(type, in.retainedSlice(start, length + 1)));
            in.skipBytes(length + 1);
        }
    }
}
