package dev.bulwark.management;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineDecoderTest {
    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            out.add(message);
        }
        return out;
    }

    @Test
    void oneByteAtATimeAndManyLinesInOneBuffer() {
        EmbeddedChannel channel = new EmbeddedChannel(new JsonLineDecoder(100));
        for (byte b : "{\"a\":1}\r\n".getBytes(StandardCharsets.UTF_8)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        channel.writeInbound(bytes("{\"b\":2}\n\n   \n{\"c\":\"é\"}\n{\"partial"));
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":\"é\"}"), drain(channel));
        channel.writeInbound(bytes("\":true}\n"));
        assertEquals(List.of("{\"partial\":true}"), drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aLongLineIsSkippedWithoutBufferingAndReportedOnceAtItsEnd() {
        JsonLineDecoder decoder = new JsonLineDecoder(10);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(bytes("0123456789ABCDEF"));
        assertEquals(List.of(), drain(channel), "nothing until the line ends");
        channel.writeInbound(bytes("more and more"));
        channel.writeInbound(bytes("end\n{\"ok\":1}\n"));
        assertEquals(List.of(new JsonLineDecoder.TooLongLine(10), "{\"ok\":1}"), drain(channel));
        // A whole long line in one buffer.
        channel.writeInbound(bytes("{\"much-too-long\":1}\n{}\n"));
        assertEquals(List.of(new JsonLineDecoder.TooLongLine(10), "{}"), drain(channel));
        // Exactly the limit passes.
        channel.writeInbound(bytes("0123456789\n"));
        assertEquals(List.of("0123456789"), drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void theLimitCanGrowAfterTheHello() {
        JsonLineDecoder decoder = new JsonLineDecoder(4);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(bytes("123456\n"));
        assertTrue(drain(channel).get(0) instanceof JsonLineDecoder.TooLongLine);
        decoder.maxLength(100);
        channel.writeInbound(bytes("123456\n"));
        assertEquals(List.of("123456"), drain(channel));
        assertFalse(channel.finish());
    }
}
