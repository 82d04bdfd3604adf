package dev.bulwark.session;

import dev.bulwark.auth.Identity;
import dev.bulwark.protocol.BackendCodec;
import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.BackendMessage.ErrorResponse;
import dev.bulwark.protocol.BackendMessage.RowDescription;
import dev.bulwark.protocol.FrontendCodec;
import dev.bulwark.protocol.FrontendDecoder;
import dev.bulwark.protocol.FrontendMessage;
import dev.bulwark.protocol.PgFrame;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.protocol.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and its upstream, both on the same event loop.
 * <pre>
 *   client                        engine                              server
 *   [SSLRequest]           -&gt;     'S' + TLS | 'N'
 *   StartupMessage         -&gt;     AuthenticationCleartextPassword
 *   PasswordMessage(JWT)   -&gt;     verify token, resolve grant  -------&gt; connect, log in (vaulted credential)
 *                          &lt;-     AuthenticationOk, ParameterStatus*, BackendKeyData(server pid, engine key), ReadyForQuery
 *   Query / Parse ...      -&gt;     gate each statement --------------&gt; forwarded as original bytes
 *                          &lt;-     replies, tied to their statement by the in-flight queue
 * </pre>
 * Reads are demand-driven in both directions (auto-read off): the engine reads from one side only
 * when the other side can take more, so a slow client cannot make it buffer a whole result.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements LiveSession {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Phase { STARTUP, AWAIT_PASSWORD, ADMITTING, CONNECTING, READY, CLOSED }

    private final SessionServices services;
    private final FrontendDecoder decoder;
    private final String id;
    private final Instant startedAt = Instant.now();

    private Channel client;
    private Channel upstream;
    private UpstreamConnection upstreamConnection;
    private volatile Phase phase = Phase.STARTUP;
    private ScheduledFuture<?> authTimer;
    private ScheduledFuture<?> expiryTimer;
    private Map<String, String> startupParameters = Map.of();
    private String targetName = "";
    private volatile Admission admission;
    private volatile CancelKey cancelKey;

    // Relay state, confined to the event loop.
    private final ArrayDeque<PgFrame> clientQueue = new ArrayDeque<>();
    private final ArrayDeque<PgFrame> serverQueue = new ArrayDeque<>();
    /** DataRows packed for the client; emitted before anything else is written to it and before every flush. */
    private final RowBatch rowBatch = new RowBatch();
    private boolean clientWaiting;
    /** A statement of this session waits for a person's approval. */
    private volatile boolean held;
    private boolean serverWaiting;
    private StatementGate.Decision decided;
    private StatementGate.SessionInfo gateInfo;
    private SessionHooks hooks;
    private boolean filtering;
    private long copySequence;
    private ErrorResponse unattributedBatchError;
    private ResultFilter.CopyTransform copyOut;
    private final ResponseTracker tracker = new ResponseTracker();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private boolean skipUntilSync;
    private volatile byte transactionStatus = 'I';
    private volatile long statementCount;
    private volatile String lastStatement;
    private long statementSequence;

    ClientConnection(SessionServices services) {
        this.services = services;
        this.decoder = new FrontendDecoder(services.frameLimits());
        this.id = SessionIds.next();
    }

    FrontendDecoder decoder() {
        return decoder;
    }

    // ---------------------------------------------------------------- LiveSession

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Identity> identity() {
        Admission a = admission;
        return a == null ? Optional.empty() : Optional.of(a.identity());
    }

    @Override
    public String target() {
        return targetName;
    }

    @Override
    public Optional<String> role() {
        Admission a = admission;
        return a == null ? Optional.empty() : Optional.of(a.login().effectiveRole());
    }

    @Override
    public String clientAddress() {
        return client == null ? "" : String.valueOf(client.remoteAddress());
    }

    @Override
    public Optional<String> applicationName() {
        return Optional.ofNullable(startupParameters.get("application_name"));
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public long statementCount() {
        return statementCount;
    }

    @Override
    public Optional<String> lastStatement() {
        return Optional.ofNullable(lastStatement);
    }

    @Override
    public State state() {
        return switch (phase) {
            case STARTUP, AWAIT_PASSWORD, ADMITTING, CONNECTING -> State.STARTING;
            case CLOSED -> State.CLOSED;
            case READY -> {
                if (held) {
                    yield State.HELD;
                }
                if (tracker.awaitingReadyForQuery()) {
                    yield State.RUNNING;
                }
                yield transactionStatus == 'I' ? State.IDLE : State.IN_TRANSACTION;
            }
        };
    }

    @Override
    public void terminate(String sqlState, String message) {
        Channel ch = client;
        if (ch != null) {
            ch.eventLoop().execute(() -> fatal(sqlState, message));
        }
    }

    @Override
    public boolean fixedRole() {
        Admission a = admission;
        return a != null && a.login().setRole() != null;
    }

    CancelKey cancelKey() {
        return cancelKey;
    }

    // ---------------------------------------------------------------- client channel events

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        services.registry().add(this);
        long timeout = services.limits().authenticationTimeout().toMillis();
        authTimer = ctx.executor().schedule(() -> {
            if (phase != Phase.READY && phase != Phase.CLOSED) {
                fatal(SqlState.CONNECTION_FAILURE, "authentication timed out");
            }
        }, timeout, TimeUnit.MILLISECONDS);
        client.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (msg) {
                case StartupPacket packet -> onStartupPacket(ctx, packet);
                case PgFrame frame -> onClientFrame(frame);
                default -> {
                    ReferenceCountUtil.release(msg);
                    fatal(SqlState.PROTOCOL_VIOLATION, "unexpected input");
                }
            }
        } catch (ProtocolException e) {
            fatal(e.sqlState(), e.getMessage());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
        }
        readClientIfReady();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        readUpstreamIfReady();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close("client disconnected");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException pe) {
            log.info("session {}: protocol error from client {}: {}", id, client.remoteAddress(), pe.getMessage());
            fatal(pe.sqlState(), pe.getMessage());
        } else if (root instanceof java.io.IOException) {
            log.debug("session {}: client I/O error: {}", id, root.toString());
            close("client I/O error");
        } else {
            log.warn("session {}: internal error", id, root);
            fatal(SqlState.INTERNAL_ERROR, "internal error in the gateway");
        }
    }

    // ---------------------------------------------------------------- startup

    private void onStartupPacket(ChannelHandlerContext ctx, StartupPacket packet) {
        switch (packet) {
            case StartupPacket.SslRequest ignored -> {
                boolean offer = services.serverTls() != null && ctx.pipeline().get(SslHandler.class) == null;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) (offer ? 'S' : 'N')}));
                if (offer) {
                    ctx.pipeline().addFirst("tls", services.serverTls().newHandler(ctx.alloc()));
                }
                client.read();
            }
            case StartupPacket.GssEncRequest ignored -> {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
                client.read();
            }
            case StartupPacket.CancelRequest cancel -> {
                services.registry().byCancelKey(new CancelKey(cancel.processId(), cancel.secretKey()))
                        .ifPresent(ClientConnection::cancelUpstream);
                phase = Phase.CLOSED;
                services.registry().remove(this);
                ctx.close();
            }
            case StartupPacket.StartupMessage startup -> onStartupMessage(ctx, startup);
        }
    }

    private void onStartupMessage(ChannelHandlerContext ctx, StartupPacket.StartupMessage startup) {
        startupParameters = startup.parameters();
        String user = startup.parameter("user");
        if (user == null || user.isEmpty()) {
            fatal(SqlState.INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
            return;
        }
        String database = startup.parameter("database");
        targetName = database == null || database.isEmpty() ? user : database;
        String replication = startup.parameter("replication");
        if (replication != null && !replication.equalsIgnoreCase("false") && !replication.equals("0")
                && !replication.equalsIgnoreCase("off") && !replication.equalsIgnoreCase("no")) {
            fatal(SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not supported by the gateway");
            return;
        }
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        if (!tls && !plaintextAllowed()) {
            fatal(SqlState.INVALID_AUTHORIZATION, "the gateway requires TLS for this connection (use sslmode=require)");
            return;
        }
        List<String> unsupported = startup.parameters().keySet().stream().filter(k -> k.startsWith("_pq_.")).toList();
        if (startup.minorVersion() > 0 || !unsupported.isEmpty()) {
            ctx.write(BackendCodec.encode(new BackendMessage.NegotiateProtocolVersion(0, unsupported), ctx.alloc()));
        }
        decoder.startMessages();
        phase = Phase.AWAIT_PASSWORD;
        ctx.writeAndFlush(BackendCodec.encode(
                new BackendMessage.Authentication(BackendMessage.AUTH_CLEARTEXT_PASSWORD, new byte[0]), ctx.alloc()));
        client.read();
    }

    private boolean plaintextAllowed() {
        return switch (services.listener().tls()) {
            case REQUIRED -> false;
            case OPTIONAL, OFF -> services.listener().allowPlaintextLoopback()
                    && client.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                    && a.getAddress().isLoopbackAddress();
        };
    }

    private void onPassword(PgFrame frame) {
        String password;
        try {
            if (frame.type() != FrontendMessage.PASSWORD) {
                fatal(SqlState.PROTOCOL_VIOLATION, "expected password response, got message type " + (char) frame.type());
                return;
            }
            password = ((FrontendMessage.PasswordMessage) FrontendCodec.decode(frame)).password();
        } finally {
            frame.release();
        }
        phase = Phase.ADMITTING;
        InetSocketAddress remote = client.remoteAddress() instanceof InetSocketAddress a ? a : null;
        services.gatekeeper().admit(targetName, startupParameters.get("user"), password, remote)
                .whenComplete((result, error) -> client.eventLoop().execute(() -> {
                    if (phase != Phase.ADMITTING) {
                        return;
                    }
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (cause instanceof AdmissionException ae) {
                            log.info("session {}: login refused for {} on target {}: {}", id, client.remoteAddress(),
                                    targetName, ae.getMessage());
                            fatal(ae.sqlState(), ae.getMessage());
                        } else {
                            log.warn("session {}: admission failed", id, cause);
                            fatal(SqlState.INVALID_PASSWORD, "authentication failed");
                        }
                        return;
                    }
                    admitted(result);
                }));
    }

    private void admitted(Admission result) {
        admission = result;
        phase = Phase.CONNECTING;
        services.upstreamConnector().connect(client.eventLoop(), result.login(), startupParameters, id)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        Throwable cause = f.cause();
                        if (cause instanceof AdmissionException ae) {
                            fatal(ae.sqlState(), ae.getMessage());
                        } else {
                            fatal(SqlState.CONNECTION_REJECTED, "could not connect to target \"" + targetName + "\"");
                        }
                        return;
                    }
                    UpstreamConnection connection = (UpstreamConnection) f.getNow();
                    if (phase == Phase.CLOSED) {
                        connection.channel().close();
                        return;
                    }
                    ready(connection);
                });
    }

    private void ready(UpstreamConnection connection) {
        upstreamConnection = connection;
        upstream = connection.channel();
        upstream.pipeline().addLast("relay", new UpstreamRelay());
        upstream.closeFuture().addListener(f -> client.eventLoop().execute(this::upstreamClosed));
        authTimer.cancel(false);
        decoder.authenticated();

        byte[] secret = new byte[4];
        RANDOM.nextBytes(secret);
        cancelKey = new CancelKey(connection.processId(), secret);
        services.registry().registerCancelKey(cancelKey, this);

        transactionStatus = connection.transactionStatus();
        client.write(BackendCodec.encode(new BackendMessage.Authentication(BackendMessage.AUTH_OK, new byte[0]), client.alloc()));
        for (BackendMessage.ParameterStatus p : connection.parameters()) {
            client.write(BackendCodec.encode(p, client.alloc()));
        }
        client.write(BackendCodec.encode(new BackendMessage.BackendKeyData(connection.processId(), secret), client.alloc()));
        client.writeAndFlush(BackendCodec.encode(new BackendMessage.ReadyForQuery(transactionStatus), client.alloc()));
        phase = Phase.READY;
        hooks = services.hooks().open(this);
        filtering = !hooks.passesEverything();
        Identity identity = admission.identity();
        log.info("session {}: {} connected to target {} as role {} from {}", id, identity.subject(), targetName,
                admission.login().effectiveRole(), client.remoteAddress());
        scheduleExpiry(identity);
        upstream.read();
        drainClientQueue(); // anything the client sent ahead of the login's answer
        upstream.flush();
        readClientIfReady();
    }

    private void scheduleExpiry(Identity identity) {
        long delay = identity.expiresAt().toEpochMilli() - System.currentTimeMillis();
        expiryTimer = client.eventLoop().schedule(
                () -> fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection because the access token expired"),
                Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- client -> server

    private void onClientFrame(PgFrame frame) {
        switch (phase) {
            case AWAIT_PASSWORD -> onPassword(frame);
            case READY -> {
                clientQueue.addLast(frame);
                drainClientQueue();
            }
            case ADMITTING, CONNECTING -> {
                // Sent ahead of the login's answer (what already was in the socket): kept for when the session is ready.
                if (clientQueue.size() >= 64) {
                    frame.release();
                    fatal(SqlState.PROTOCOL_VIOLATION, "too many messages before authentication completed");
                    return;
                }
                clientQueue.addLast(frame);
            }
            default -> {
                frame.release();
                fatal(SqlState.PROTOCOL_VIOLATION, "unexpected message during authentication");
            }
        }
    }

    /**
     * Processes client messages in order. A message whose statement awaits a decision stays at the
     * head of the queue, and the engine reads nothing more from this client until it is decided.
     */
    private void drainClientQueue() {
        PgFrame frame;
        while (phase == Phase.READY && !clientWaiting && (frame = clientQueue.pollFirst()) != null) {
            boolean done;
            try {
                done = processClientFrame(frame);
            } catch (ProtocolException e) {
                if (frame.refCnt() > 0) {
                    frame.release();
                }
                log.info("session {}: protocol error from client: {}", id, e.getMessage());
                fatal(e.sqlState(), e.getMessage());
                return;
            }
            if (!done) {
                clientQueue.addFirst(frame); // waits for a decision, still owned by the queue
                return;
            }
        }
    }

    private void readClientIfReady() {
        if (phase == Phase.READY) {
            if (!clientWaiting && clientQueue.isEmpty() && upstream != null && upstream.isWritable()) {
                client.read();
            }
        } else if (phase == Phase.STARTUP || phase == Phase.AWAIT_PASSWORD) {
            client.read();
        }
    }

    /** Handles the head message; false when it must wait (the message stays queued and owned by the queue). */
    private boolean processClientFrame(PgFrame frame) {
        byte type = frame.type();
        if (skipUntilSync && type != FrontendMessage.SYNC) {
            // After a refused statement in the extended protocol, skip to Sync as the server would.
            frame.release();
            return true;
        }
        switch (type) {
            case FrontendMessage.QUERY -> {
                return onQuery(frame);
            }
            case FrontendMessage.PARSE -> {
                return onParse(frame);
            }
            case FrontendMessage.BIND -> onBind(frame);
            case FrontendMessage.EXECUTE -> {
                return onExecute(frame);
            }
            case FrontendMessage.DESCRIBE -> {
                var d = (FrontendMessage.Describe) FrontendCodec.decode(frame);
                if (d.kind() == 'S') {
                    tracker.expect(ResponseTracker.Kind.DESCRIBE_STATEMENT, d.name()).prepared = statements.get(d.name());
                } else {
                    tracker.expect(ResponseTracker.Kind.DESCRIBE_PORTAL, d.name()).portal = portals.get(d.name());
                }
                forward(frame);
            }
            case FrontendMessage.CLOSE -> {
                var c = (FrontendMessage.Close) FrontendCodec.decode(frame);
                if (c.kind() == 'S') {
                    statements.remove(c.name());
                } else {
                    portals.remove(c.name());
                }
                tracker.expect(ResponseTracker.Kind.CLOSE, c.name());
                forward(frame);
            }
            case FrontendMessage.SYNC -> {
                skipUntilSync = false;
                tracker.expect(ResponseTracker.Kind.SYNC, null);
                forward(frame);
            }
            case FrontendMessage.FUNCTION_CALL -> {
                return onFunctionCall(frame);
            }
            case FrontendMessage.COPY_DATA -> {
                hooks.copyData(copySequence, true, frame.length() - 5);
                forward(frame);
            }
            case FrontendMessage.FLUSH, FrontendMessage.COPY_DONE, FrontendMessage.COPY_FAIL -> forward(frame);
            case FrontendMessage.TERMINATE -> {
                frame.release();
                close("client terminated");
            }
            default -> {
                frame.release();
                fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type " + (type & 0xFF));
            }
        }
        return true;
    }

    private StatementGate.SessionInfo gateInfo() {
        StatementGate.SessionInfo info = gateInfo;
        if (info == null) {
            info = new StatementGate.SessionInfo(id, admission.identity(), targetName, admission.login().effectiveRole());
            gateInfo = info;
        }
        return info;
    }

    /**
     * The decision for the head message's statement: the gate's, then (for an allowed statement) the
     * recording's durability. Null while either is pending; the queue is re-drained when it is known.
     */
    private StatementGate.Decision decide(StatementGate.Statement statement) {
        StatementGate.Decision known = decided;
        if (known != null) {
            decided = null;
            return known;
        }
        StatementGate.Decision decision = hooks.check(gateInfo(), statement);
        if (decision instanceof StatementGate.Decision.Pending pending) {
            await(pending, statement);
            return null;
        }
        return record(statement, decision);
    }

    /** Sends the pending decision's notices and waits for its outcome (which may be pending again). */
    private void await(StatementGate.Decision.Pending pending, StatementGate.Statement statement) {
        if (!pending.notices().isEmpty()) {
            held = true; // a person decides: the live views show the session as held, with what it waits for
            lastStatement = statement.sql().length() > 1000 ? statement.sql().substring(0, 1000) : statement.sql();
            hooks.stateChanged();
        }
        for (String notice : pending.notices()) {
            send(BackendCodec.encode(BackendMessage.NoticeResponse.of("00000", notice), client.alloc()));
            flushClient();
        }
        waitFor(pending.outcome(), statement);
    }

    /**
     * Records the statement; an allowed one proceeds once its frame is durable (or enqueued, under
     * async audit). An allowed Parse is not recorded: nothing runs until its Execute, which is.
     */
    private StatementGate.Decision record(StatementGate.Statement statement, StatementGate.Decision decision) {
        if (statement.protocol() == StatementGate.Protocol.PARSE && decision instanceof StatementGate.Decision.Allow) {
            return decision;
        }
        long sequence = statementSequence + 1;
        CompletableFuture<Void> durable;
        try {
            durable = hooks.statement(sequence, statement, decision);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        if (!(decision instanceof StatementGate.Decision.Allow)) {
            return decision;
        }
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            return decision;
        }
        if (durable.isCompletedExceptionally()) {
            return unrecorded();
        }
        StatementGate.Decision allow = decision;
        clientWaiting = true;
        durable.whenComplete((ok, error) -> client.eventLoop().execute(() -> {
            clientWaiting = false;
            if (phase != Phase.READY) {
                return;
            }
            decided = error == null ? allow : unrecorded();
            resumeClient();
        }));
        return null;
    }

    private static StatementGate.Decision unrecorded() {
        return new StatementGate.Decision.Deny(SqlState.IO_ERROR,
                "statement not run: the audit store cannot record it", "audit");
    }

    private void waitFor(CompletableFuture<StatementGate.Decision> outcome, StatementGate.Statement statement) {
        clientWaiting = true;
        outcome.whenComplete((result, error) -> client.eventLoop().execute(() -> {
            clientWaiting = false;
            if (held) {
                held = false;
                hooks.stateChanged();
            }
            if (phase != Phase.READY) {
                return;
            }
            if (error == null && result instanceof StatementGate.Decision.Pending next) {
                // One wait led to another (a catalog lookup, then an approval): wait again.
                clientWaiting = true;
                await(next, statement);
                return;
            }
            if (error != null || result == null) {
                log.warn("session {}: no decision for a statement: {}", id, error == null ? "none given" : error.toString());
            }
            StatementGate.Decision decision = error == null && result != null ? result
                    : new StatementGate.Decision.Deny(SqlState.INTERNAL_ERROR, "statement not run: the gateway could not decide on it", null);
            StatementGate.Decision recorded = record(statement, decision);
            if (recorded == null) {
                return; // waiting for the recording now
            }
            decided = recorded;
            resumeClient();
        }));
    }

    private void resumeClient() {
        drainClientQueue();
        if (upstream != null) {
            upstream.flush();
        }
        readClientIfReady();
    }

    private boolean onQuery(PgFrame frame) {
        String sql = ((FrontendMessage.Query) FrontendCodec.decode(frame)).sql();
        StatementGate.Statement statement = new StatementGate.Statement(sql, StatementGate.Protocol.SIMPLE, null, null);
        StatementGate.Decision decision = decide(statement);
        if (decision == null) {
            return false;
        }
        noteStatement(sql);
        long sequence = ++statementSequence;
        if (decision instanceof StatementGate.Decision.Deny deny) {
            frame.release();
            refused(deny);
            tracker.expectDenied(ResponseTracker.Kind.QUERY, null, new DeniedStatement(deny.sqlState(), deny.message(), null))
                    .statement = new StatementContext(sequence);
            forward(FrontendCodec.encode(new FrontendMessage.Query(DeniedStatement.STAND_IN_SQL), client.alloc()));
            return true;
        }
        ResponseTracker.Entry entry = tracker.expect(ResponseTracker.Kind.QUERY, null);
        entry.statement = new StatementContext(sequence);
        copySequence = sequence;
        forward(frame);
        return true;
    }

    private boolean onParse(PgFrame frame) {
        var parse = (FrontendMessage.Parse) FrontendCodec.decode(frame);
        StatementGate.Statement statement = new StatementGate.Statement(parse.sql(), StatementGate.Protocol.PARSE, parse.statement(), null);
        StatementGate.Decision decision = decide(statement);
        if (decision == null) {
            return false;
        }
        if (decision instanceof StatementGate.Decision.Deny deny) {
            frame.release();
            noteStatement(parse.sql());
            long sequence = ++statementSequence;
            refused(deny);
            statements.remove(parse.statement());
            denyInExtendedProtocol(parse.statement(), deny).statement = new StatementContext(sequence);
            return true;
        }
        statements.put(parse.statement(), new PreparedStatement(parse.statement(), parse.sql(), parse.parameterTypes()));
        tracker.expect(ResponseTracker.Kind.PARSE, parse.statement());
        forward(frame);
        return true;
    }

    /** Sends a stand-in that fails at once upstream, so the server skips to Sync exactly as for a real error. */
    private ResponseTracker.Entry denyInExtendedProtocol(String name, StatementGate.Decision.Deny deny) {
        ResponseTracker.Entry entry = tracker.expectDenied(ResponseTracker.Kind.PARSE, name,
                new DeniedStatement(deny.sqlState(), deny.message(), null));
        forward(FrontendCodec.encode(new FrontendMessage.Parse(name, DeniedStatement.STAND_IN_SQL, List.of()), client.alloc()));
        skipUntilSync = true;
        return entry;
    }

    private void onBind(PgFrame frame) {
        var bind = (FrontendMessage.Bind) FrontendCodec.decode(frame);
        PreparedStatement statement = statements.get(bind.statement());
        portals.put(bind.portal(), new Portal(bind.portal(), statement, bind));
        tracker.expect(ResponseTracker.Kind.BIND, bind.portal());
        forward(frame);
        if (statement != null && statement.columns == null) {
            // The engine must know a result's columns to mask and record its rows: ask for them.
            tracker.expectInternal(ResponseTracker.Kind.DESCRIBE_PORTAL, bind.portal()).portal = portals.get(bind.portal());
            forward(FrontendCodec.encode(new FrontendMessage.Describe((byte) 'P', bind.portal()), client.alloc()));
        }
    }

    private boolean onExecute(PgFrame frame) {
        var execute = (FrontendMessage.Execute) FrontendCodec.decode(frame);
        Portal portal = portals.get(execute.portal());
        PreparedStatement prepared = portal == null ? null : portal.statement;
        if (prepared == null) {
            // The server will answer with an error (no such portal); nothing runs.
            tracker.expect(ResponseTracker.Kind.EXECUTE, execute.portal());
            forward(frame);
            return true;
        }
        if (!portal.executed) {
            StatementGate.Statement statement = new StatementGate.Statement(prepared.sql, StatementGate.Protocol.EXECUTE,
                    prepared.name, portal.parameters());
            StatementGate.Decision decision = decide(statement);
            if (decision == null) {
                return false;
            }
            noteStatement(prepared.sql);
            portal.sequence = ++statementSequence;
            if (decision instanceof StatementGate.Decision.Deny deny) {
                frame.release();
                refused(deny);
                denyInExtendedProtocol("bulwark_refused_" + portal.sequence, deny).statement =
                        new StatementContext(portal.sequence);
                return true;
            }
            portal.executed = true;
            if (unattributedBatchError != null) {
                // The server failed this batch's Parse or Bind already and will skip this Execute.
                hooks.error(portal.sequence, unattributedBatchError);
                unattributedBatchError = null;
            }
        }
        ResponseTracker.Entry entry = tracker.expect(ResponseTracker.Kind.EXECUTE, execute.portal());
        entry.statement = new StatementContext(portal.sequence);
        entry.columns = portal.columns();
        entry.portal = portal;
        copySequence = portal.sequence;
        forward(frame);
        return true;
    }

    private boolean onFunctionCall(PgFrame frame) {
        StatementGate.Statement statement = new StatementGate.Statement("<fastpath function call>",
                StatementGate.Protocol.FUNCTION_CALL, null, null);
        StatementGate.Decision decision = decide(statement);
        if (decision == null) {
            return false;
        }
        noteStatement(statement.sql());
        ++statementSequence;
        if (decision instanceof StatementGate.Decision.Deny deny) {
            frame.release();
            refused(deny);
            tracker.expectDenied(ResponseTracker.Kind.FUNCTION_CALL, null, new DeniedStatement(deny.sqlState(), deny.message(), null));
            forward(FrontendCodec.encode(new FrontendMessage.Query(DeniedStatement.STAND_IN_SQL), client.alloc()));
            return true;
        }
        tracker.expect(ResponseTracker.Kind.FUNCTION_CALL, null);
        forward(frame);
        return true;
    }

    private void refused(StatementGate.Decision.Deny deny) {
        log.info("session {}: statement refused ({}, {})", id, deny.sqlState(), deny.rule() == null ? "no rule" : "rule " + deny.rule());
    }

    private void noteStatement(String sql) {
        statementCount++;
        lastStatement = sql.length() > 1000 ? sql.substring(0, 1000) : sql;
    }

    private void forward(PgFrame frame) {
        forward(frame.content());
    }

    private void forward(ByteBuf message) {
        upstream.write(message, upstream.voidPromise());
    }

    // ---------------------------------------------------------------- server -> client

    private final class UpstreamRelay extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof PgFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (phase == Phase.CLOSED) {
                frame.release();
                return;
            }
            serverQueue.addLast(frame);
            drainServerQueue();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushClient();
            readUpstreamIfReady();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (upstream.isWritable()) {
                readClientIfReady();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("session {}: error on the connection to target {}: {}", id, targetName, cause.toString());
            ctx.close();
        }
    }

    private void readUpstreamIfReady() {
        if (upstream != null && !serverWaiting && serverQueue.isEmpty() && client.isWritable() && phase == Phase.READY) {
            upstream.read();
        }
    }

    private void drainServerQueue() {
        PgFrame frame;
        while (phase == Phase.READY && !serverWaiting && (frame = serverQueue.pollFirst()) != null) {
            if (!processServerFrame(frame)) {
                serverQueue.addFirst(frame); // waits for the result filter, still owned by the queue
                return;
            }
        }
    }

    /** Handles the head server message; false when it must wait (it stays queued). */
    private boolean processServerFrame(PgFrame frame) {
        try {
            return processServerFrameOrFail(frame);
        } catch (ProtocolException e) {
            log.warn("session {}: a result could not be passed on safely: {}", id, e.getMessage());
            if (frame.refCnt() > 0) {
                frame.release();
            }
            fatal(e.sqlState(), "the gateway could not pass a result on safely: " + e.getMessage());
            return true;
        }
    }

    private boolean processServerFrameOrFail(PgFrame frame) {
        ResponseTracker.Entry head = tracker.head();
        switch (frame.type()) {
            case BackendMessage.DATA_ROW -> {
                return onDataRow(frame, head);
            }
            case BackendMessage.READY_FOR_QUERY -> {
                // ReadyForQuery: 'Z', Int32 5, Byte1 status. Read in place: no decode per query.
                if (frame.length() != 6) {
                    throw ProtocolException.violation("server sent a malformed ReadyForQuery");
                }
                byte status = frame.content().getByte(frame.content().readerIndex() + 5);
                transactionStatus = status;
                tracker.readyForQuery();
                unattributedBatchError = null;
                if (status == 'I') {
                    portals.keySet().removeIf(name -> !name.isEmpty());
                }
                toClient(frame);
            }
            case BackendMessage.ERROR_RESPONSE -> onServerError(frame, head);
            case BackendMessage.ROW_DESCRIPTION -> {
                RowDescription columns = (RowDescription) BackendCodec.decode(frame);
                if (head == null) {
                    toClient(frame);
                    return true;
                }
                switch (head.kind) {
                    case QUERY -> {
                        if (filtering && !planRows(head, columns)) {
                            return false;
                        }
                        head.columns = columns;
                        if (head.statement != null) {
                            hooks.columns(head.statement.sequence(), columns);
                        }
                    }
                    case DESCRIBE_STATEMENT -> {
                        // The statement as it was when the Describe was sent: a later Parse may
                        // already have reused the name (pgjdbc does so for a multi-statement query).
                        if (head.prepared != null) {
                            head.prepared.columns = columns;
                        }
                        tracker.pop();
                    }
                    case DESCRIBE_PORTAL -> {
                        if (head.portal != null) {
                            head.portal.described = columns;
                        }
                        tracker.pop();
                    }
                    default -> log.debug("session {}: RowDescription for {}", id, head);
                }
                deliver(frame, head);
            }
            case BackendMessage.NO_DATA -> {
                if (head != null && (head.kind == ResponseTracker.Kind.DESCRIBE_PORTAL || head.kind == ResponseTracker.Kind.DESCRIBE_STATEMENT)) {
                    tracker.pop();
                }
                deliver(frame, head);
            }
            case BackendMessage.PARSE_COMPLETE, BackendMessage.BIND_COMPLETE, BackendMessage.CLOSE_COMPLETE -> {
                tracker.pop();
                deliver(frame, head);
            }
            case BackendMessage.COMMAND_COMPLETE -> {
                if (head != null && head.statement != null) {
                    var complete = (BackendMessage.CommandComplete) BackendCodec.decode(frame);
                    hooks.completed(head.statement.sequence(), complete.tag());
                    if (head.kind == ResponseTracker.Kind.QUERY) {
                        head.columns = null; // the next statement of a multi-statement Query brings its own
                    }
                }
                if (head != null && head.kind == ResponseTracker.Kind.EXECUTE) {
                    tracker.pop();
                }
                toClient(frame);
            }
            case BackendMessage.EMPTY_QUERY_RESPONSE, BackendMessage.PORTAL_SUSPENDED -> {
                if (head != null && head.kind == ResponseTracker.Kind.EXECUTE) {
                    tracker.pop();
                }
                toClient(frame);
            }
            case BackendMessage.COPY_OUT_RESPONSE -> {
                copyOut = filtering ? hooks.copyOut(copySequence) : null;
                toClient(frame);
            }
            case BackendMessage.COPY_DATA -> {
                hooks.copyData(copySequence, false, frame.length() - 5);
                if (copyOut != null) {
                    ByteBuf masked = copyOut.apply(frame.content(), client.alloc());
                    if (masked != frame.content()) {
                        frame.release();
                        writeIfAny(masked);
                        return true;
                    }
                }
                toClient(frame);
            }
            case BackendMessage.COPY_DONE -> {
                if (copyOut != null) {
                    writeIfAny(copyOut.finish(client.alloc()));
                    copyOut = null;
                }
                toClient(frame);
            }
            case BackendMessage.NOTICE_RESPONSE -> {
                var notice = (BackendMessage.NoticeResponse) BackendCodec.decode(frame);
                if (filtering) {
                    Map<Character, String> fields = hooks.messageFields(notice.fields());
                    if (fields != notice.fields()) {
                        notice = new BackendMessage.NoticeResponse(fields);
                        frame.release();
                        hooks.notice(notice);
                        send(BackendCodec.encode(notice, client.alloc()));
                        return true;
                    }
                }
                hooks.notice(notice);
                toClient(frame);
            }
            case BackendMessage.NOTIFICATION_RESPONSE -> {
                if (filtering) {
                    var notification = (BackendMessage.NotificationResponse) BackendCodec.decode(frame);
                    String payload = hooks.notification(notification.payload());
                    if (!payload.equals(notification.payload())) {
                        frame.release();
                        send(BackendCodec.encode(new BackendMessage.NotificationResponse(notification.processId(),
                                notification.channel(), payload), client.alloc()));
                        return true;
                    }
                }
                toClient(frame);
            }
            default -> toClient(frame);
        }
        return true;
    }

    private boolean onDataRow(PgFrame frame, ResponseTracker.Entry head) {
        if (head == null) {
            if (filtering) {
                throw ProtocolException.violation("a row arrived that belongs to no statement");
            }
            toClient(frame);
            return true;
        }
        if (head.columns == null && head.portal != null) {
            head.columns = head.portal.columns();
        }
        if (filtering && head.transform == null) {
            if (head.columns == null) {
                throw ProtocolException.violation("a row arrived whose columns the gateway does not know");
            }
            if (!planRows(head, head.columns)) {
                return false;
            }
        }
        ByteBuf row = frame.content();
        if (!RowBatch.packs(row.readableBytes())) {
            // A large row goes on as its own buffer (masked into a new one if need be), not copied.
            if (filtering) {
                ByteBuf masked = head.transform.apply(row, client.alloc());
                if (masked != row) {
                    frame.release();
                    row = masked;
                }
            }
            if (head.statement != null) {
                hooks.row(head.statement.sequence(), head.columns, row);
            }
            send(row);
            return true;
        }
        ByteBuf out = rowBatch.target(client.alloc());
        int from = out.writerIndex();
        try {
            if (filtering) {
                head.transform.writeTo(row, out);
            } else {
                out.writeBytes(row, row.readerIndex(), row.readableBytes());
            }
        } finally {
            frame.release();
        }
        if (head.statement != null) {
            hooks.row(head.statement.sequence(), head.columns, out.slice(from, out.writerIndex() - from));
        }
        if (rowBatch.full()) {
            rowBatch.emit(client);
        }
        return true;
    }

    /** Plans how this entry's rows are rewritten; false while the filter needs time (reading from the server pauses). */
    private boolean planRows(ResponseTracker.Entry entry, RowDescription columns) {
        ResultFilter.RowPlan plan = hooks.rows(columns);
        switch (plan) {
            case ResultFilter.RowPlan.Rows rows -> {
                entry.transform = rows.transform();
                return true;
            }
            case ResultFilter.RowPlan.Wait wait -> {
                serverWaiting = true;
                wait.ready().whenComplete((ok, error) -> client.eventLoop().execute(() -> {
                    serverWaiting = false;
                    if (phase != Phase.READY) {
                        return;
                    }
                    drainServerQueue();
                    flushClient();
                    readUpstreamIfReady();
                }));
                return false;
            }
        }
    }

    private void writeIfAny(ByteBuf message) {
        if (message.isReadable()) {
            send(message);
        } else {
            message.release();
        }
    }

    private void deliver(PgFrame frame, ResponseTracker.Entry entry) {
        if (entry != null && entry.internal) {
            frame.release();
        } else {
            toClient(frame);
        }
    }

    private void onServerError(PgFrame frame, ResponseTracker.Entry head) {
        if (head == null) {
            toClient(frame);
            return;
        }
        boolean extended = head.kind != ResponseTracker.Kind.QUERY && head.kind != ResponseTracker.Kind.FUNCTION_CALL
                && head.kind != ResponseTracker.Kind.SYNC;
        DeniedStatement denial = head.denial;
        StatementContext statement = head.statement;
        StatementContext failedBatchStatement = null;
        if (extended) {
            failedBatchStatement = tracker.errorSkipsToSync();
        }
        if (denial != null) {
            frame.release();
            ErrorResponse error = ErrorResponse.of("ERROR", denial.sqlState(), denial.message());
            if (statement != null) {
                hooks.error(statement.sequence(), error); // the recording shows the error the client got
            }
            send(BackendCodec.encode(error, client.alloc()));
            return;
        }
        if (statement == null && extended) {
            // A Parse or Bind failed: the error is about the statement its batch was executing.
            statement = failedBatchStatement;
        }
        ErrorResponse error = (ErrorResponse) BackendCodec.decode(frame);
        if (filtering) {
            Map<Character, String> fields = hooks.messageFields(error.fields());
            if (fields != error.fields()) {
                error = new ErrorResponse(fields);
                frame.release();
                frame = null;
            }
        }
        if (statement != null) {
            hooks.error(statement.sequence(), error);
        } else if (extended) {
            // The batch's Execute is still on its way through the gate: it gets this error when it comes.
            unattributedBatchError = error;
        }
        if (frame == null) {
            send(BackendCodec.encode(error, client.alloc()));
        } else {
            toClient(frame);
        }
    }

    private void toClient(PgFrame frame) {
        send(frame.content());
    }

    /** Writes a message to the client (not flushed), after the rows packed before it. */
    private void send(ByteBuf message) {
        rowBatch.emit(client);
        client.write(message, client.voidPromise());
    }

    private void flushClient() {
        rowBatch.emit(client);
        client.flush();
    }

    private void upstreamClosed() {
        if (phase == Phase.CLOSED) {
            return;
        }
        log.info("session {}: connection to target {} closed", id, targetName);
        fatal(SqlState.CONNECTION_FAILURE, "connection to the database was lost");
    }

    // ---------------------------------------------------------------- cancel and close

    private void cancelUpstream() {
        UpstreamConnection connection = upstreamConnection;
        if (connection == null) {
            return;
        }
        log.info("session {}: cancel request forwarded to target {}", id, targetName);
        client.eventLoop().execute(() -> {
            if (hooks != null) {
                hooks.cancelRequested();
            }
        });
        UpstreamConnector.cancel(client.eventLoop(), connection.address(), connection.processId(), connection.secretKey(), id);
    }

    /** Sends a FATAL ErrorResponse to the client and closes both sides once it is flushed. */
    private void fatal(String sqlState, String message) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (client != null && client.isActive()) {
            ByteBuf error = BackendCodec.encode(ErrorResponse.of("FATAL", sqlState, message), client.alloc());
            rowBatch.emit(client); // the rows before the failure, then the error
            client.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        }
        shutdown(message, false);
    }

    private void close(String reason) {
        shutdown(reason, true);
    }

    private void shutdown(String reason, boolean closeClient) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        if (closeClient && client != null && client.isActive()) {
            rowBatch.emit(client);
        } else {
            rowBatch.discard();
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        PgFrame pending;
        while ((pending = clientQueue.pollFirst()) != null) {
            pending.release();
        }
        while ((pending = serverQueue.pollFirst()) != null) {
            pending.release();
        }
        tracker.clear();
        if (hooks != null) {
            try {
                hooks.ended(reason);
            } catch (RuntimeException e) {
                log.warn("session {}: hooks failed at end", id, e);
            }
        }
        services.registry().remove(this);
        if (upstream != null && upstream.isActive()) {
            upstream.writeAndFlush(FrontendCodec.encode(new FrontendMessage.Terminate(), upstream.alloc()))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        if (closeClient && client != null && client.isActive()) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        log.debug("session {}: closed: {}", id, reason);
    }

    // ---------------------------------------------------------------- prepared statements and portals

    static final class PreparedStatement {
        final String name;
        final String sql;
        final List<Integer> parameterTypes;
        RowDescription columns;

        PreparedStatement(String name, String sql, List<Integer> parameterTypes) {
            this.name = name;
            this.sql = sql;
            this.parameterTypes = parameterTypes;
        }
    }

    static final class Portal {
        final String name;
        final PreparedStatement statement;
        final FrontendMessage.Bind bind;
        RowDescription described;
        /** Allowed once: further Executes of a suspended portal continue the same statement. */
        boolean executed;
        long sequence;

        Portal(String name, PreparedStatement statement, FrontendMessage.Bind bind) {
            this.name = name;
            this.statement = statement;
            this.bind = bind;
        }

        /** Bind parameters as text for the recording: text-format values as sent, binary ones as hex. */
        java.util.List<String> parameters() {
            java.util.List<String> rendered = new java.util.ArrayList<>(bind.values().size());
            for (int i = 0; i < bind.values().size(); i++) {
                byte[] value = bind.values().get(i);
                if (value == null) {
                    rendered.add(null);
                } else if (bind.parameterFormat(i) == 0) {
                    rendered.add(new String(value, java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    int type = statement != null && i < statement.parameterTypes.size() ? statement.parameterTypes.get(i) : 0;
                    rendered.add(BinaryValues.render(type, value));
                }
            }
            return rendered;
        }

        /** The columns an Execute of this portal returns, with the formats its Bind asked for. */
        RowDescription columns() {
            if (described != null) {
                return described;
            }
            if (statement == null || statement.columns == null) {
                return null;
            }
            var fields = statement.columns.fields();
            var withFormats = new java.util.ArrayList<BackendMessage.Field>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                withFormats.add(fields.get(i).withFormat(bind.resultFormat(i)));
            }
            return new RowDescription(withFormats);
        }
    }
}
