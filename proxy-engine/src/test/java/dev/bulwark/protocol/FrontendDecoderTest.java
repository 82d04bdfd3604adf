package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The startup phase and the size limits of the client-side decoder. */
class FrontendDecoderTest {
    @Test
    void startupMessageSplitAtEveryByte() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "shop");
        params.put("application_name", "psql");
        byte[] wire = CodecRoundTripTest.bytes(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, params), ByteBufAllocator.DEFAULT));
        for (int split = 0; split <= wire.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            StartupPacket.StartupMessage startup = channel.readInbound();
            assertEquals(params, startup.parameters());
            assertEquals(3, startup.majorVersion());
            assertFalse(channel.finish());
        }
    }

    @Test
    void sslGssAndCancelRequests() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
        channel.writeInbound(FrontendCodec.encode(new StartupPacket.SslRequest(), ByteBufAllocator.DEFAULT));
        assertInstanceOf(StartupPacket.SslRequest.class, channel.readInbound());
        channel.writeInbound(FrontendCodec.encode(new StartupPacket.GssEncRequest(), ByteBufAllocator.DEFAULT));
        assertInstanceOf(StartupPacket.GssEncRequest.class, channel.readInbound());
        channel.writeInbound(FrontendCodec.encode(new StartupPacket.CancelRequest(99, new byte[] {1, 2, 3, 4}), ByteBufAllocator.DEFAULT));
        StartupPacket.CancelRequest cancel = channel.readInbound();
        assertEquals(99, cancel.processId());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, cancel.secretKey());
        assertFalse(channel.finish());
    }

    @Test
    void newerMinorVersionIsAcceptedForNegotiation() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
        channel.writeInbound(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 2, Map.of("user", "a")), ByteBufAllocator.DEFAULT));
        StartupPacket.StartupMessage startup = channel.readInbound();
        assertEquals(2, startup.minorVersion());
        assertFalse(channel.finish());
    }

    @Test
    void unknownProtocolCodeIsRejected() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(8);
        buf.writeInt(2 << 16); // protocol 2.0 (note: 1234 << 16 | 5678 would be the CancelRequest code)
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(buf));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, ((ProtocolException) e.getCause()).sqlState());
        assertFalse(channel.finish());
    }

    @Test
    void plaintextAfterSslRequestIsRejected() {
        ByteBuf buf = FrontendCodec.encode(new StartupPacket.SslRequest(), ByteBufAllocator.DEFAULT);
        buf.writeBytes(new byte[] {1, 2, 3});
        EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
        assertThrows(DecoderException.class, () -> channel.writeInbound(buf));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void garbageAndOversizedStartupPacketsAreRejectedBeforeBuffering() {
        for (int length : new int[] {0, 4, 7, -1, 10_001, Integer.MAX_VALUE, 0x80000000}) {
            ByteBuf buf = Unpooled.buffer();
            buf.writeInt(length);
            EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder(FrameLimits.DEFAULT));
            DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(buf), "length " + length);
            assertEquals(SqlState.PROTOCOL_VIOLATION, ((ProtocolException) e.getCause()).sqlState());
            // Once failed, the decoder discards whatever follows.
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @Test
    void messageLimitsBeforeAndAfterAuthentication() {
        FrameLimits limits = new FrameLimits(10_000, 1024, 4096);
        FrontendDecoder decoder = new FrontendDecoder(limits);
        decoder.startMessages();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        ByteBuf big = Unpooled.buffer();
        big.writeByte('p');
        big.writeInt(2000);
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(big));
        assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, ((ProtocolException) e.getCause()).sqlState());
        assertFalse(channel.finish());

        FrontendDecoder after = new FrontendDecoder(limits);
        after.startMessages();
        after.authenticated();
        EmbeddedChannel ok = new EmbeddedChannel(after);
        ByteBuf query = FrontendCodec.encode(new FrontendMessage.Query("x".repeat(3000)), ByteBufAllocator.DEFAULT);
        ok.writeInbound(query);
        PgFrame frame = ok.readInbound();
        assertEquals(3000 + 6, frame.length());
        frame.release();
        ByteBuf twoGib = Unpooled.buffer();
        twoGib.writeByte('Q');
        twoGib.writeInt(Integer.MAX_VALUE);
        assertThrows(DecoderException.class, () -> ok.writeInbound(twoGib));
        assertFalse(ok.finish());
    }

    @Test
    void typedDecodeRejectsMalformedBodies() {
        // A Bind that claims 5 parameter values but carries none.
        ByteBuf buf = Unpooled.buffer();
        int at = Wire.begin(buf, FrontendMessage.BIND);
        Wire.writeCString(buf, "");
        Wire.writeCString(buf, "");
        buf.writeShort(0);
        buf.writeShort(5);
        Wire.end(buf, at);
        PgFrame frame = new PgFrame(FrontendMessage.BIND, buf);
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrontendCodec.decode(frame));
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        frame.release();

        ByteBuf unterminated = Unpooled.buffer();
        int at2 = Wire.begin(unterminated, FrontendMessage.QUERY);
        unterminated.writeBytes("SELECT 1".getBytes());
        Wire.end(unterminated, at2);
        PgFrame q = new PgFrame(FrontendMessage.QUERY, unterminated);
        assertThrows(ProtocolException.class, () -> FrontendCodec.decode(q));
        q.release();
    }
}
