package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One complete typed message as it came off the wire: {@code Byte1 type, Int32 length, body}. The
 * content is a retained slice of the decoder's buffer, so a message nothing changes is forwarded as
 * its original bytes without a copy.
 */
public final class PgFrame extends DefaultByteBufHolder {
    private final byte type;

    public PgFrame(byte type, ByteBuf wholeMessage) {
        super(wholeMessage);
        this.type = type;
    }

    public byte type() {
        return type;
    }

    /** The body after the 5-byte header, as a slice that shares this frame's reference count. */
    public ByteBuf body() {
        ByteBuf content = content();
        return content.slice(content.readerIndex() + Wire.HEADER_LENGTH, content.readableBytes() - Wire.HEADER_LENGTH);
    }

    public int length() {
        return content().readableBytes();
    }

    @Override
    public PgFrame replace(ByteBuf content) {
        return new PgFrame(type, content);
    }

    @Override
    public PgFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "PgFrame(" + (char) type + ", " + length() + " bytes)";
    }
}
