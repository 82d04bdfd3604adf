package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Every typed message survives encode, framing (whole, split at every byte boundary, and batched
 * with others), and decode, byte for byte; nothing leaks (the build runs with paranoid leak detection).
 */
class CodecRoundTripTest {
    static Stream<FrontendMessage> frontendMessages() {
        List<byte[]> values = new ArrayList<>();
        values.add("42".getBytes(StandardCharsets.UTF_8));
        values.add(null);
        values.add(new byte[] {0, 1, 2, (byte) 0xFF});
        return Stream.of(
                new FrontendMessage.Query("SELECT 1; SELECT 'ü'"),
                new FrontendMessage.Query(""),
                new FrontendMessage.Parse("S_1", "SELECT $1::int, $2", List.of(23, 0)),
                new FrontendMessage.Parse("", "BEGIN", List.of()),
                new FrontendMessage.Bind("P_1", "S_1", List.of((short) 0, (short) 1), values, List.of((short) 1)),
                new FrontendMessage.Bind("", "", List.of(), List.of(), List.of()),
                new FrontendMessage.Describe((byte) 'S', "S_1"),
                new FrontendMessage.Describe((byte) 'P', ""),
                new FrontendMessage.Close((byte) 'S', "S_1"),
                new FrontendMessage.Execute("", 0),
                new FrontendMessage.Execute("P_1", 1000),
                new FrontendMessage.Sync(),
                new FrontendMessage.Flush(),
                new FrontendMessage.Terminate(),
                new FrontendMessage.CopyDone(),
                new FrontendMessage.CopyFail("client gave up"),
                new FrontendMessage.PasswordMessage("eyJhbGciOi.token.sig"));
    }

    static Stream<BackendMessage> backendMessages() {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', "ERROR");
        fields.put('C', "42501");
        fields.put('M', "permission denied");
        fields.put('D', "detail");
        List<byte[]> row = new ArrayList<>();
        row.add("1".getBytes(StandardCharsets.UTF_8));
        row.add(null);
        row.add(new byte[0]);
        return Stream.of(
                new BackendMessage.Authentication(BackendMessage.AUTH_OK, new byte[0]),
                new BackendMessage.Authentication(BackendMessage.AUTH_MD5_PASSWORD, new byte[] {1, 2, 3, 4}),
                new BackendMessage.Authentication(BackendMessage.AUTH_SASL, "SCRAM-SHA-256\0\0".getBytes(StandardCharsets.UTF_8)),
                new BackendMessage.BackendKeyData(4242, new byte[] {9, 8, 7, 6}),
                new BackendMessage.ParameterStatus("server_version", "17.6"),
                new BackendMessage.ReadyForQuery((byte) 'T'),
                new BackendMessage.CommandComplete("SELECT 3"),
                new BackendMessage.EmptyQueryResponse(),
                new BackendMessage.ParseComplete(),
                new BackendMessage.BindComplete(),
                new BackendMessage.CloseComplete(),
                new BackendMessage.NoData(),
                new BackendMessage.PortalSuspended(),
                new BackendMessage.CopyDone(),
                new BackendMessage.CopyResponse(BackendMessage.COPY_IN_RESPONSE, 0, List.of((short) 0, (short) 0)),
                new BackendMessage.CopyResponse(BackendMessage.COPY_OUT_RESPONSE, 1, List.of((short) 1)),
                new BackendMessage.ErrorResponse(fields),
                new BackendMessage.NoticeResponse(fields),
                new BackendMessage.NotificationResponse(77, "orders", "payload"),
                new BackendMessage.ParameterDescription(List.of(23, 25)),
                new BackendMessage.RowDescription(List.of(
                        new BackendMessage.Field("id", 16384, 1, 23, 4, -1, 0),
                        new BackendMessage.Field("email", 16384, 3, 25, -1, -1, 1))),
                new BackendMessage.NegotiateProtocolVersion(196608, List.of("_pq_.unknown")),
                new BackendMessage.DataRow(row));
    }

    @ParameterizedTest
    @MethodSource("frontendMessages")
    void frontendMessageSurvivesEverySplit(FrontendMessage message) {
        byte[] wire = bytes(FrontendCodec.encode(message, ByteBufAllocator.DEFAULT));
        for (int split = 0; split <= wire.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(messagesDecoder());
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            PgFrame frame = channel.readInbound();
            try {
                assertArrayEquals(wire, ByteBufUtil.getBytes(frame.content()), "split at " + split);
                assertArrayEquals(wire, bytes(FrontendCodec.encode(FrontendCodec.decode(frame), ByteBufAllocator.DEFAULT)));
            } finally {
                frame.release();
            }
            assertNull(channel.readInbound());
            assertFalse(channel.finish());
        }
    }

    @ParameterizedTest
    @MethodSource("frontendMessages")
    void frontendMessageFedOneByteAtATime(FrontendMessage message) {
        byte[] wire = bytes(FrontendCodec.encode(message, ByteBufAllocator.DEFAULT));
        EmbeddedChannel channel = new EmbeddedChannel(messagesDecoder());
        for (byte b : wire) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        PgFrame frame = channel.readInbound();
        assertArrayEquals(wire, ByteBufUtil.getBytes(frame.content()));
        frame.release();
        assertFalse(channel.finish());
    }

    @ParameterizedTest
    @MethodSource("backendMessages")
    void backendMessageSurvivesEverySplit(BackendMessage message) {
        byte[] wire = bytes(BackendCodec.encode(message, ByteBufAllocator.DEFAULT));
        for (int split = 0; split <= wire.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new BackendDecoder(FrameLimits.ONE_GIB));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            PgFrame frame = channel.readInbound();
            try {
                assertArrayEquals(wire, ByteBufUtil.getBytes(frame.content()), "split at " + split);
                assertArrayEquals(wire, bytes(BackendCodec.encode(BackendCodec.decode(frame), ByteBufAllocator.DEFAULT)));
            } finally {
                frame.release();
            }
            assertFalse(channel.finish());
        }
    }

    @org.junit.jupiter.api.Test
    void severalMessagesInOneBufferComeOutInOrder() {
        ByteBuf all = Unpooled.buffer();
        List<byte[]> expected = new ArrayList<>();
        frontendMessages().forEach(m -> {
            byte[] wire = bytes(FrontendCodec.encode(m, ByteBufAllocator.DEFAULT));
            expected.add(wire);
            all.writeBytes(wire);
        });
        EmbeddedChannel channel = new EmbeddedChannel(messagesDecoder());
        channel.writeInbound(all);
        for (byte[] wire : expected) {
            PgFrame frame = channel.readInbound();
            assertArrayEquals(wire, ByteBufUtil.getBytes(frame.content()));
            frame.release();
        }
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @org.junit.jupiter.api.Test
    void backendMessagesInOneBufferComeOutInOrder() {
        ByteBuf all = Unpooled.buffer();
        List<byte[]> expected = new ArrayList<>();
        backendMessages().forEach(m -> {
            byte[] wire = bytes(BackendCodec.encode(m, ByteBufAllocator.DEFAULT));
            expected.add(wire);
            all.writeBytes(wire);
        });
        EmbeddedChannel channel = new EmbeddedChannel(new BackendDecoder(FrameLimits.ONE_GIB));
        channel.writeInbound(all);
        for (byte[] wire : expected) {
            PgFrame frame = channel.readInbound();
            assertEquals(wire.length, frame.length());
            assertArrayEquals(wire, ByteBufUtil.getBytes(frame.content()));
            frame.release();
        }
        assertFalse(channel.finish());
    }

    static FrontendDecoder messagesDecoder() {
        FrontendDecoder decoder = new FrontendDecoder(FrameLimits.DEFAULT);
        decoder.startMessages();
        decoder.authenticated();
        return decoder;
    }

    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
