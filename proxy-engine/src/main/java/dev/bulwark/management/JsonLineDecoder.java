package dev.bulwark.management;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the inbound bytes into lines ({@code \n} or {@code \r\n}) and emits each non-blank line as
 * a String. The length limit is checked before a line is decoded: a longer line is skipped up to
 * its newline without being buffered, and a {@link TooLongLine} is emitted in its place so the
 * connection can answer too_large and go on. The limit can change while running (it is small
 * until the hello succeeds).
 *
 * <pre>
 *  {"type":"ping","id":1}\n        -&gt; "{\"type\":\"ping\",\"id\":1}"
 *  {"type":"x","blob":"....2 MiB   -&gt; (discarding: nothing buffered)
 *  ...."}\n                        -&gt; TooLongLine
 * </pre>
 */
final class JsonLineDecoder extends ByteToMessageDecoder {
    /** Stands for a line that was longer than the limit and was dropped. */
    record TooLongLine(int maxLength) {}

    private int maxLength;
    private boolean discarding;
    /** Bytes of the current partial line already searched for a newline. */
    private int scanned;

    JsonLineDecoder(int maxLength) {
        maxLength(maxLength);
    }

    void maxLength(int newMaxLength) {
        if (newMaxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        this.maxLength = newMaxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int newline = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
            if (newline < 0) {
                if (discarding || in.readableBytes() > maxLength) {
                    discarding = true;
                    in.skipBytes(in.readableBytes());
                    scanned = 0;
                } else {
                    scanned = in.readableBytes();
                }
                return;
            }
            scanned = 0;
            in.readerIndex(newline + 1);
            int length = newline - start;
            if (length > 0 && in.getByte(newline - 1) == '\r') {
                length--;
            }
            if (discarding || length > maxLength) {
                discarding = false;
                out.add(new TooLongLine(maxLength));
                continue;
            }
            String line = in.toString(start, length, StandardCharsets.UTF_8);
            if (!line.isBlank()) {
                out.add(line);
            }
        }
    }
}
