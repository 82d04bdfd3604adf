package dev.bulwark.session;

import com.ongres.scram.client.ScramClient;
import dev.bulwark.config.SslMode;
import dev.bulwark.protocol.BackendCodec;
import dev.bulwark.protocol.BackendDecoder;
import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.BackendMessage.Authentication;
import dev.bulwark.protocol.BackendMessage.ParameterStatus;
import dev.bulwark.protocol.FrontendCodec;
import dev.bulwark.protocol.FrontendMessage;
import dev.bulwark.protocol.PgFrame;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.protocol.StartupPacket;
import dev.bulwark.protocol.Wire;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens a connection to a target on the client's event loop and logs in with the vaulted
 * credential:
 * <pre>
 *   engine                                   server
 *     SSLRequest (unless sslmode=disable)  -&gt;
 *                                          &lt;-  'S' (TLS handshake follows) | 'N'
 *     StartupMessage(user, database, ...)  -&gt;
 *                                          &lt;-  AuthenticationSASL | MD5Password | CleartextPassword | Ok
 *     SASLInitialResponse / PasswordMessage -&gt;   (SCRAM-SHA-256 without channel binding)
 *                                          &lt;-  AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery
 * </pre>
 * <p>A pooled service login's role is not set by a {@code SET ROLE} after login but by the StartupMessage's
 * {@code role} parameter: PostgreSQL then checks it at login (a role the login cannot become fails the
 * login) and makes it the session's default, so {@code RESET ROLE}, {@code RESET ALL} and
 * {@code DISCARD ALL} come back to it instead of to the service login. The parameter is always sent
 * ({@code none} without a pooled role): separate startup parameters are applied after the client's
 * {@code options}, so a {@code -c role=...} there cannot pick another role.
 *
 * <p>Errors from the server during login are logged for the operator and turned into a message for
 * the client that names neither the credential nor the upstream user.
 */
class UpstreamConnector { // not final: the relay's tests connect to an embedded channel instead
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);
    private static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    /** The GUC {@code role}; as a startup parameter it is checked at login and becomes the session's default role. */
    static final String ROLE_PARAMETER = "role";
    /** PostgreSQL's value of {@code role} for "no role set": the login's own privileges. */
    private static final String NO_ROLE = "none";
    /** Startup parameters a client may not pass through: the engine sets them, or they change what a session is. */
    private static final Set<String> RESERVED_PARAMETERS = Set.of("user", "database", "replication", ROLE_PARAMETER,
            "session_authorization");
    private static final Map<String, SslContext> CLIENT_CONTEXTS = new ConcurrentHashMap<>();

    private final int maxMessage;
    private final Duration timeout;

    UpstreamConnector(int maxMessage, Duration timeout) {
        this.maxMessage = maxMessage;
        this.timeout = timeout;
    }

    Promise<UpstreamConnection> connect(EventLoop loop, UpstreamLogin login, Map<String, String> clientParameters, String sessionId) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        var target = login.target();
        InetSocketAddress address = InetSocketAddress.createUnresolved(target.host(), target.port());
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new LoginHandler(login, clientParameters, promise, sessionId));
        bootstrap.connect(target.host(), target.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.warn("session {}: cannot connect to target {} at {}:{}: {}", sessionId, target.name(), target.host(),
                        target.port(), f.cause().toString());
                promise.tryFailure(new AdmissionException(SqlState.CONNECTION_REJECTED,
                        "could not connect to target \"" + target.name() + "\""));
                return;
            }
            ScheduledFuture<?> timer = loop.schedule(() -> {
                if (promise.tryFailure(new AdmissionException(SqlState.CONNECTION_REJECTED,
                        "timed out logging in to target \"" + target.name() + "\""))) {
                    f.channel().close();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            promise.addListener(p -> timer.cancel(false));
        });
        return promise;
    }

    private final class LoginHandler extends ChannelInboundHandlerAdapter {
        private final UpstreamLogin login;
        private final Map<String, String> clientParameters;
        private final Promise<UpstreamConnection> promise;
        private final String sessionId;
        private final List<ParameterStatus> parameters = new ArrayList<>();
        private boolean awaitingSslAnswer;
        private ScramClient scram;
        private int processId;
        private byte[] secretKey = new byte[0];
        private byte status = 'I';

        LoginHandler(UpstreamLogin login, Map<String, String> clientParameters, Promise<UpstreamConnection> promise, String sessionId) {
            this.login = login;
            this.clientParameters = clientParameters;
            this.promise = promise;
            this.sessionId = sessionId;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (login.target().sslmode() == SslMode.DISABLE) {
                startup(ctx);
            } else {
                awaitingSslAnswer = true;
                ctx.writeAndFlush(FrontendCodec.encode(new StartupPacket.SslRequest(), ctx.alloc()));
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (awaitingSslAnswer) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    sslAnswer(ctx, buf);
                } finally {
                    buf.release();
                }
                return;
            }
            if (!(msg instanceof PgFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                onFrame(ctx, frame);
            } catch (Exception e) {
                fail(ctx, "login to target failed", e);
            } finally {
                frame.release();
            }
        }

        private void sslAnswer(ChannelHandlerContext ctx, ByteBuf buf) {
            awaitingSslAnswer = false;
            byte answer = buf.readByte();
            if (buf.isReadable()) {
                fail(ctx, "server sent data after its SSL answer", null);
                return;
            }
            SslMode mode = login.target().sslmode();
            if (answer == 'S') {
                SslHandler ssl = sslHandler(ctx.alloc());
                ctx.pipeline().addFirst("tls", ssl);
                ssl.handshakeFuture().addListener(f -> {
                    if (f.isSuccess()) {
                        startup(ctx);
                    } else {
                        fail(ctx, "TLS handshake with target failed", f.cause());
                    }
                });
            } else if (answer == 'N' && mode == SslMode.PREFER) {
                startup(ctx);
            } else {
                fail(ctx, "target does not offer TLS but sslmode is " + mode.name().toLowerCase(), null);
            }
        }

        private SslHandler sslHandler(ByteBufAllocator alloc) {
            var target = login.target();
            SslContext context = CLIENT_CONTEXTS.computeIfAbsent(target.sslmode() + "|" + target.rootCert(), key -> {
                try {
                    SslContextBuilder builder = SslContextBuilder.forClient();
                    if (target.sslmode() != SslMode.VERIFY_FULL) {
                        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
                    } else if (target.rootCert() != null) {
                        builder.trustManager(new File(target.rootCert()));
                    }
                    return builder.build();
                } catch (SSLException e) {
                    throw new IllegalStateException("cannot build TLS context for target " + target.name(), e);
                }
            });
            SslHandler handler = context.newHandler(alloc, target.host(), target.port());
            if (target.sslmode() == SslMode.VERIFY_FULL) {
                SSLEngine engine = handler.engine();
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
            }
            return handler;
        }

        private void startup(ChannelHandlerContext ctx) {
            String role;
            try {
                role = startupRole(login);
            } catch (IllegalArgumentException e) {
                fail(ctx, e.getMessage(), null);
                return;
            }
            ctx.pipeline().addBefore(ctx.name(), "decoder", new BackendDecoder(maxMessage));
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("user", login.username());
            parameters.put("database", login.target().database());
            clientParameters.forEach((name, value) -> {
                if (!RESERVED_PARAMETERS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith("_pq_.")) {
                    parameters.put(name, value);
                }
            });
            parameters.put(ROLE_PARAMETER, role);
            ctx.writeAndFlush(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, parameters), ctx.alloc()));
        }

        private void onFrame(ChannelHandlerContext ctx, PgFrame frame) throws Exception {
            BackendMessage message = BackendCodec.decode(frame);
            switch (message) {
                case Authentication auth -> authenticate(ctx, auth);
                case ParameterStatus p -> parameters.add(p);
                case BackendMessage.BackendKeyData k -> {
                    processId = k.processId();
                    secretKey = k.secretKey();
                }
                case BackendMessage.ReadyForQuery r -> ready(ctx, r.status());
                case BackendMessage.ErrorResponse e -> {
                    log.warn("session {}: target {} refused the engine's login: {} {}", sessionId, login.target().name(),
                            e.sqlState(), e.message());
                    fail(ctx, null, null);
                }
                case BackendMessage.NoticeResponse n -> log.debug("session {}: notice at login: {}", sessionId, n.fields().get('M'));
                case BackendMessage.NegotiateProtocolVersion n -> { }
                default -> fail(ctx, "unexpected message at login: " + message.getClass().getSimpleName(), null);
            }
        }

        private void authenticate(ChannelHandlerContext ctx, Authentication auth) throws Exception {
            switch (auth.code()) {
                case BackendMessage.AUTH_OK -> { }
                case BackendMessage.AUTH_CLEARTEXT_PASSWORD -> {
                    if (login.target().sslmode() == SslMode.DISABLE || ctx.pipeline().get(SslHandler.class) == null) {
                        log.warn("session {}: target {} asks for a cleartext password over an unencrypted connection",
                                sessionId, login.target().name());
                    }
                    ctx.writeAndFlush(FrontendCodec.encode(new FrontendMessage.PasswordMessage(login.password()), ctx.alloc()));
                }
                case BackendMessage.AUTH_MD5_PASSWORD -> {
                    byte[] salt = auth.data();
                    ctx.writeAndFlush(FrontendCodec.encode(new FrontendMessage.PasswordMessage(md5(salt)), ctx.alloc()));
                }
                case BackendMessage.AUTH_SASL -> {
                    List<String> mechanisms = auth.saslMechanisms();
                    if (!mechanisms.contains(SCRAM_SHA_256)) {
                        // -PLUS binds to the TLS channel; the engine terminates TLS, so it never offers it.
                        fail(ctx, "target offers no SASL mechanism the engine supports: " + mechanisms, null);
                        return;
                    }
                    scram = ScramClient.builder()
                            .advertisedMechanisms(List.of(SCRAM_SHA_256))
                            .username("*")
                            .password(login.password().toCharArray())
                            .build();
                    String first = scram.clientFirstMessage().toString();
                    ctx.writeAndFlush(saslInitial(ctx.alloc(), SCRAM_SHA_256, first.getBytes(StandardCharsets.UTF_8)));
                }
                case BackendMessage.AUTH_SASL_CONTINUE -> {
                    requireScram();
                    scram.serverFirstMessage(new String(auth.data(), StandardCharsets.UTF_8));
                    String fin = scram.clientFinalMessage().toString();
                    ctx.writeAndFlush(saslResponse(ctx.alloc(), fin.getBytes(StandardCharsets.UTF_8)));
                }
                case BackendMessage.AUTH_SASL_FINAL -> {
                    requireScram();
                    scram.serverFinalMessage(new String(auth.data(), StandardCharsets.UTF_8));
                }
                default -> fail(ctx, "target asks for an authentication method the engine does not support (" + auth.code() + ")", null);
            }
        }

        private void requireScram() {
            if (scram == null) {
                throw new IllegalStateException("SASL message before SASL started");
            }
        }

        private String md5(byte[] salt) throws NoSuchAlgorithmException {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(login.password().getBytes(StandardCharsets.UTF_8));
            md.update(login.username().getBytes(StandardCharsets.UTF_8));
            byte[] inner = HexFormat.of().formatHex(md.digest()).getBytes(StandardCharsets.US_ASCII);
            md.reset();
            md.update(inner);
            md.update(salt);
            return "md5" + HexFormat.of().formatHex(md.digest());
        }

        private void ready(ChannelHandlerContext ctx, byte transactionStatus) {
            status = transactionStatus;
            ctx.pipeline().remove(this);
            ctx.channel().config().setAutoRead(false);
            promise.trySuccess(new UpstreamConnection(ctx.channel(), parameters, processId, secretKey, status,
                    (InetSocketAddress) ctx.channel().remoteAddress()));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, "target closed the connection during login", null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, "login to target failed", cause);
        }

        private void fail(ChannelHandlerContext ctx, String reason, Throwable cause) {
            if (reason != null) {
                log.warn("session {}: {} ({}){}", sessionId, reason, login.target().name(), cause == null ? "" : ": " + cause);
            }
            if (promise.tryFailure(new AdmissionException(SqlState.CONNECTION_REJECTED,
                    "could not log in to target \"" + login.target().name() + "\""))) {
                ctx.close();
            }
        }
    }

    /**
     * The {@code role} startup parameter: the pooled role, else {@code none}. A startup parameter's value
     * is the role's name as is (not an SQL identifier, no quoting); a role really named "none" cannot be
     * told apart from no role, so it is refused rather than silently dropped.
     */
    static String startupRole(UpstreamLogin login) {
        String role = login.setRole();
        if (role == null) {
            return NO_ROLE;
        }
        if (role.equals(NO_ROLE) || role.isEmpty() || role.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the role \"" + role.replace('\0', '?') + "\" cannot be set at login");
        }
        return role;
    }

    private static ByteBuf saslInitial(ByteBufAllocator alloc, String mechanism, byte[] data) {
        ByteBuf buf = alloc.buffer();
        int at = Wire.begin(buf, FrontendMessage.PASSWORD);
        Wire.writeCString(buf, mechanism);
        buf.writeInt(data.length);
        buf.writeBytes(data);
        Wire.end(buf, at);
        return buf;
    }

    private static ByteBuf saslResponse(ByteBufAllocator alloc, byte[] data) {
        ByteBuf buf = alloc.buffer();
        int at = Wire.begin(buf, FrontendMessage.PASSWORD);
        buf.writeBytes(data);
        Wire.end(buf, at);
        return buf;
    }

    /** How long a forwarded cancel may take before the client's cancel connection is closed anyway. */
    static final long CANCEL_TIMEOUT_MILLIS = 5000;

    /**
     * Sends a CancelRequest for an upstream backend on a fresh connection, as PostgreSQL clients do,
     * and completes once the server has closed that connection: PostgreSQL closes it only after it
     * has signalled the backend, so the client's own cancel connection can be closed then with the
     * same meaning ("delivered"). Completes (never fails) on error or after {@link #CANCEL_TIMEOUT_MILLIS}.
     */
    static Future<Void> cancel(EventLoop loop, InetSocketAddress address, int processId, byte[] secretKey, String sessionId) {
        Promise<Void> delivered = loop.newPromise();
        ByteBuf packet = FrontendCodec.encode(new StartupPacket.CancelRequest(processId, secretKey), ByteBufAllocator.DEFAULT);
        ChannelFuture connecting = new Bootstrap().group(loop).channel(Transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CANCEL_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // PostgreSQL sends nothing back
                    }
                })
                .connect(address);
        connecting.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                Channel ch = f.channel();
                ch.closeFuture().addListener(closed -> delivered.trySuccess(null));
                ch.writeAndFlush(packet);
            } else {
                packet.release();
                log.warn("session {}: cannot send cancel to target: {}", sessionId, f.cause().toString());
                delivered.trySuccess(null);
            }
        });
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (delivered.trySuccess(null)) {
                log.warn("session {}: the target did not confirm a cancel within {} ms", sessionId, CANCEL_TIMEOUT_MILLIS);
                connecting.channel().close();
            }
        }, CANCEL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        delivered.addListener(done -> timer.cancel(false));
        return delivered;
    }
}
