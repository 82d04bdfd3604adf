package dev.bulwark.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses client-initiated TLS renegotiation on the client listener. It sits in front of the
 * {@link SslHandler} and reads only the plaintext TLS record headers ({@code Byte1 content type,
 * Int16 version, Int16 length}) of what passes through unchanged. Once the handshake is complete, a
 * record of content type 22 (handshake) from the client can only be a TLS 1.2 renegotiation
 * (a ClientHello): in TLS 1.3 every record after the handshake, KeyUpdate included, travels as type
 * 23. The connection is closed before the SslHandler sees it. This does not depend on the TLS
 * provider or on the JDK-wide {@code jdk.tls.rejectClientInitiatedRenegotiation} property.
 */
final class TlsRenegotiationGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsRenegotiationGuard.class);
    private static final int HEADER = 5;
    private static final int HANDSHAKE = 22;

    private final SslHandler tls;
    private final String sessionId;
    /** Bytes of the current record's body still to pass. */
    private int remainingBody;
    /** A record header split across reads. */
    private final byte[] header = new byte[HEADER];
    private int headerBytes;
    private boolean refused;

    TlsRenegotiationGuard(SslHandler tls, String sessionId) {
        this.tls = tls;
        this.sessionId = sessionId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf && renegotiates(buf)) {
            refused = true;
            buf.release();
            log.warn("session {}: client {} attempted TLS renegotiation: connection closed", sessionId, ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Walks the record headers in {@code buf} (without consuming it); true at a handshake record after the handshake. */
    private boolean renegotiates(ByteBuf buf) {
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (at < end) {
            if (remainingBody > 0) {
                int skip = Math.min(remainingBody, end - at);
                remainingBody -= skip;
                at += skip;
                continue;
            }
            header[headerBytes++] = buf.getByte(at++);
            if (headerBytes < HEADER) {
                continue;
            }
            headerBytes = 0;
            int type = header[0] & 0xFF;
            remainingBody = (header[3] & 0xFF) << 8 | (header[4] & 0xFF);
            if (type == HANDSHAKE && tls.handshakeFuture().isSuccess()) {
                return true;
            }
        }
        return false;
    }
}
