package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames what a client sends. It starts in {@link State#STARTUP}, where packets are untyped
 * ({@code Int32 length, Int32 code, ...}) and decoded into {@link StartupPacket}s; the session
 * switches it to {@link State#MESSAGES} once the StartupMessage is accepted, where every message
 * is {@code Byte1 type, Int32 length, body} and is emitted as a {@link PgFrame} holding a retained
 * slice. Lengths are checked before anything is buffered; a bad length is fatal for the connection.
 */
public final class FrontendDecoder extends ByteToMessageDecoder {
    public enum State { STARTUP, MESSAGES, FAILED }

    private final FrameLimits limits;
    private State state = State.STARTUP;
    private boolean authenticated;

    public FrontendDecoder(FrameLimits limits) {
        this.limits = limits;
    }

    public State state() {
        return state;
    }

    /** The StartupMessage was accepted: typed messages follow, with the pre-authentication limit. */
    public void startMessages() {
        state = State.MESSAGES;
    }

    /** Authentication succeeded: raise the message size limit. */
    public void authenticated() {
        authenticated = true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case STARTUP -> decodeStartup(in, out);
            case MESSAGES -> decodeMessage(in, out);
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeStartup(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > limits.maxStartupPacket()) {
            fail();
            throw ProtocolException.silent("invalid length of startup packet");
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf packet = in.readSlice(length);
        packet.skipBytes(4);
        int code = packet.readInt();
        StartupPacket decoded;
        try {
            decoded = startupPacket(code, packet);
        } catch (ProtocolException e) {
            fail();
            throw e;
        }
        // Like PostgreSQL (CVE-2021-23214): nothing may follow an encryption request before the answer,
        // or plaintext bytes would be read as if they had come through TLS.
        if ((code == StartupPacket.SSL_REQUEST_CODE || code == StartupPacket.GSSENC_REQUEST_CODE) && in.isReadable()) {
            fail();
            throw ProtocolException.violation("received unencrypted data after SSL request");
        }
        out.add(decoded);
    }

    private static StartupPacket startupPacket(int code, ByteBuf packet) {
        return switch (code) {
            case StartupPacket.SSL_REQUEST_CODE -> new StartupPacket.SslRequest();
            case StartupPacket.GSSENC_REQUEST_CODE -> new StartupPacket.GssEncRequest();
            case StartupPacket.CANCEL_REQUEST_CODE -> {
                Wire.requireReadable(packet, 8);
                int pid = packet.readInt();
                if (packet.readableBytes() > 256) {
                    throw ProtocolException.violation("invalid length of cancel request");
                }
                yield new StartupPacket.CancelRequest(pid, Wire.readBytes(packet, packet.readableBytes()));
            }
            default -> {
                int major = code >>> 16;
                int minor = code & 0xFFFF;
                if (major != 3) {
                    throw new ProtocolException(SqlState.FEATURE_NOT_SUPPORTED,
                            "unsupported frontend protocol " + major + "." + minor + ": server supports 3.0 to 3.0");
                }
                Map<String, String> parameters = new LinkedHashMap<>();
                while (packet.isReadable()) {
                    String name = Wire.readCString(packet);
                    if (name.isEmpty()) {
                        break;
                    }
                    if (!packet.isReadable()) {
                        throw ProtocolException.violation("invalid startup packet layout: expected terminator as last byte");
                    }
                    parameters.put(name, Wire.readCString(packet));
                }
                yield new StartupPacket.StartupMessage(major, minor, parameters);
            }
        };
    }

    private void decodeMessage(ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Wire.HEADER_LENGTH) {
            int start = in.readerIndex();
            byte type = in.getByte(start);
            int length = in.getInt(start + 1);
            int limit = authenticated ? limits.maxMessageAfterAuth() : limits.maxMessageBeforeAuth();
            if (length < 4) {
                fail();
                throw ProtocolException.violation("invalid message length " + length);
            }
            if (length > limit) {
                fail();
                throw new ProtocolException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                        "message of " + length + " bytes exceeds the limit of " + limit + " bytes");
            }
            if (in.readableBytes() < length + 1) {
                return;
            }
            out.add(new PgFrame(type, in.retainedSlice(start, length + 1)));
            in.skipBytes(length + 1);
        }
    }

    private void fail() {
        state = State.FAILED;
    }
}
