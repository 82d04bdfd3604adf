package dev.bulwark.management;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ManagementJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.io.OutputStream;

/** Writes each engine message as one line of JSON, straight into the outbound buffer. */
@ChannelHandler.Sharable
final class EngineMessageEncoder extends MessageToByteEncoder<EngineMessage> {
    static final EngineMessageEncoder INSTANCE = new EngineMessageEncoder();
    private static final ObjectWriter WRITER = ManagementJson.mapper().writerFor(EngineMessage.class);

    private EngineMessageEncoder() {
        super(EngineMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, EngineMessage message, ByteBuf out) throws Exception {
        try (OutputStream stream = new ByteBufOutputStream(out)) {
            WRITER.writeValue(stream, message);
        }
        out.writeByte('\n');
    }
}
