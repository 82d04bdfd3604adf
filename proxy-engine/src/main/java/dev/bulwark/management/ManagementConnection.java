package dev.bulwark.management;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.ProtocolVersion;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One operator connection: reads request lines, says hello, authorizes, dispatches, and writes
 * replies and events. Everything here runs on the connection's event loop; work finished elsewhere
 * comes back through {@link #onLoop}.
 *
 * <pre>
 *                 hello ok (peer uid mapped / token verified)
 *  AWAITING_HELLO ---------------------------------------------&gt; READY
 *     |    ^  \ hello with token (TLS)                          ^
 *     |    |   `-&gt; AUTHENTICATING --- token accepted -----------'
 *     |    `------------------- token refused (3 strikes: close)
 *     `-- hello_timeout_seconds without a hello: close
 *
 *  READY --- the operator token's exp passes ---&gt; SIGNED_OUT (one signed_out error, then close)
 * </pre>
 *
 * <p><b>Expiry.</b> A TLS operator's rights end when its token expires, as a client session's do.
 * A token already expired when the hello is checked is refused. At {@code exp} a timer signs the
 * connection out: subscriptions end (no event is written after it), one uncorrelated
 * {@link ErrorCode#SIGNED_OUT} error goes out and the connection closes. Because a timer may fire a
 * little late, every request, every reply of a request that was in flight, every event batch and
 * every streamed export batch also checks the clock itself; a decision that reaches the approval
 * service is checked again there. There is no re-authentication on a connection: a second hello is
 * refused, so a console signs in again on a new connection with a new token.
 *
 * Before READY every request but hello is answered unauthorized; in READY each request needs the
 * role {@link OperatorRole#requiredFor} names, or it is answered forbidden. Neither reaches the
 * backend. A line that is not a valid message is answered bad_request or unknown_type, a line too
 * long too_large; the connection stays usable after all of them.
 */
final class ManagementConnection extends ChannelInboundHandlerAdapter implements RequestDispatcher.Scope {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementConnection.class);
    private static final ObjectMapper JSON = ManagementJson.mapper();
    private static final int MAX_FAILED_HELLOS = 3;
    /** How long a streamed export may wait for the operator to read the previous batch. */
    private static final long EXPORT_STALL_SECONDS = 60;
    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();

    enum Transport { UNIX, TLS }

    private enum State { AWAITING_HELLO, AUTHENTICATING, READY, SIGNED_OUT }

    /**
     * One event subscription. The hub's thread puts events in the inbox and schedules at most one
     * drain task at a time; the drain writes what the channel takes, with one flush. The backlog
     * (events in the inbox) is checked before an event is accepted, so a publisher faster than the
     * connection can grow neither the inbox nor the event loop's task queue without bound.
     */
    private static final class Subscription {
        final long id;
        final Queue<Event> inbox = new ConcurrentLinkedQueue<>();
        final AtomicInteger backlog = new AtomicInteger();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        volatile boolean overflowed;
        /** Set and read on the event loop only. */
        EventHub.Registration registration;

        Subscription(long id) {
            this.id = id;
        }
    }

    private final ServerContext server;
    private final Transport transport;
    private final JsonLineDecoder decoder;
    private final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
    private ChannelHandlerContext ctx;
    private String label;
    private State state = State.AWAITING_HELLO;
    private AuthenticatedOperator operator;
    /** Set on the event loop at sign-out; read by export batches written from other threads. */
    private volatile boolean signedOut;
    private ScheduledFuture<?> expiryTimer;
    private long nextSubscription = 1;
    private int inFlight;
    private int failedHellos;
    private ScheduledFuture<?> helloTimeout;

    ManagementConnection(ServerContext server, Transport transport, JsonLineDecoder decoder) {
        this.server = server;
        this.transport = transport;
        this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        this.ctx = context;
        this.label = transport.name().toLowerCase() + "/" + context.channel().id().asShortText();
        helloTimeout = context.executor().schedule(() -> {
            if (state != State.READY) {
                LOG.info("management {}: no hello within {} s, closing", label, server.config().helloTimeoutSeconds());
                context.close();
            }
        }, server.config().helloTimeoutSeconds(), TimeUnit.SECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        switch (message) {
            case String line -> handleLine(line);
            case JsonLineDecoder.TooLongLine tooLong -> reply(EngineMessage.ErrorReply.of(null, ErrorCode.TOO_LARGE,
                    "line longer than " + tooLong.maxLength() + " bytes; it was discarded"));
            default -> context.fireChannelRead(message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            for (Subscription subscription : List.copyOf(subscriptions.values())) {
                drain(subscription);
            }
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE
                && state == State.READY && subscriptions.isEmpty()) {
            LOG.info("management {}: {} idle for {} s, closing", label, operator.name(), server.config().idleTimeoutSeconds());
            context.close();
            return;
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (helloTimeout != null) {
            helloTimeout.cancel(false);
        }
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        for (Subscription subscription : subscriptions.values()) {
            subscription.registration.close();
        }
        subscriptions.clear();
        if (operator != null) {
            LOG.info("management {}: {} disconnected", label, operator.name());
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof IOException || cause instanceof DecoderException) {
            // Resets, TLS handshakes that fail: the peer's business, not the engine's.
            LOG.debug("management {}: closing after {}", label, cause.toString());
        } else {
            LOG.warn("management {}: closing after an unexpected failure", label, cause);
        }
        context.close();
    }

    // --- reading requests --------------------------------------------------------------------

    private void handleLine(String line) {
        JsonNode tree;
        try {
            tree = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            reply(EngineMessage.ErrorReply.of(null, ErrorCode.BAD_REQUEST, "malformed JSON at column "
                    + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())));
            return;
        }
        if (tree == null || !tree.isObject()) {
            reply(EngineMessage.ErrorReply.of(null, ErrorCode.BAD_REQUEST, "a message must be a JSON object"));
            return;
        }
        JsonNode idNode = tree.get("id");
        Long id = idNode != null && idNode.isIntegralNumber() && idNode.canConvertToLong() && idNode.asLong() > 0
                ? idNode.asLong() : null;
        ClientMessage message;
        try {
            message = JSON.treeToValue(tree, ClientMessage.class);
        } catch (InvalidTypeIdException e) {
            reply(e.getTypeId() == null
                    ? EngineMessage.ErrorReply.of(id, ErrorCode.BAD_REQUEST, "a message needs a \"type\"")
                    : EngineMessage.ErrorReply.of(id, ErrorCode.UNKNOWN_TYPE,
                            "unknown type \"" + printable(e.getTypeId(), 64) + "\""));
            return;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            reply(EngineMessage.ErrorReply.of(id, ErrorCode.BAD_REQUEST, describe(e)));
            return;
        }
        handle(message);
    }

    private void handle(ClientMessage message) {
        switch (state) {
            case AWAITING_HELLO -> {
                if (message instanceof ClientMessage.Hello hello) {
                    hello(hello);
                } else {
                    reply(EngineMessage.ErrorReply.of(message.id(), ErrorCode.UNAUTHORIZED, "say hello first"));
                }
            }
            case AUTHENTICATING -> reply(EngineMessage.ErrorReply.of(message.id(), ErrorCode.UNAUTHORIZED,
                    "the hello is still being checked; wait for its reply"));
            case READY -> authorized(message);
            case SIGNED_OUT -> reply(signedOutError(message.id()));
        }
    }

    private void hello(ClientMessage.Hello hello) {
        if (hello.protocol() != ProtocolVersion.CURRENT) {
            reply(EngineMessage.ErrorReply.of(hello.id(), ErrorCode.UNSUPPORTED_VERSION,
                    "this engine speaks management protocol " + ProtocolVersion.CURRENT
                            + ", the client asked for " + hello.protocol()));
            return;
        }
        String client = printable(hello.client(), 80);
        switch (transport) {
            case UNIX -> {
                Optional<PeerCredentials> peer = peerCredentials();
                Optional<AuthenticatedOperator> local = peer.flatMap(credentials ->
                        server.peerOperators().resolve(credentials.uid(), credentials.gids()[0]));
                if (local.isEmpty()) {
                    String who = peer.map(credentials -> "uid " + credentials.uid()).orElse("an unknown user");
                    LOG.warn("management {}: refused {} ({}): not an operator", label, who, client);
                    refuseHello(hello.id(), "the OS user (" + who + ") is not a Bulwark operator");
                    return;
                }
                welcome(hello, local.get(), client);
            }
            case TLS -> {
                if (hello.token() == null) {
                    refuseHello(hello.id(), "this listener needs a token in the hello");
                    return;
                }
                state = State.AUTHENTICATING;
                CompletableFuture<AuthenticatedOperator> verified;
                try {
                    verified = server.authenticator().authenticate(hello.token());
                } catch (RuntimeException e) {
                    verified = CompletableFuture.failedFuture(e);
                }
                verified.copy()
                        .orTimeout(server.config().requestTimeoutSeconds(), TimeUnit.SECONDS)
                        .whenComplete((found, failure) -> onLoop(() -> {
                            if (!ctx.channel().isActive()) {
                                return;
                            }
                            if (failure != null || found == null) {
                                state = State.AWAITING_HELLO;
                                // The class only: a verifier's message could quote the token.
                                LOG.warn("management {}: refused a token ({}): {}", label, client,
                                        failure == null ? "no operator" : unwrap(failure).getClass().getSimpleName());
                                refuseHello(hello.id(), "the token was not accepted");
                            } else if (found.expiresAt().isEmpty() || found.expiredAt(Instant.now())) {
                                // The verifier allows clock skew past exp; a connection's rights end at exp.
                                state = State.AWAITING_HELLO;
                                LOG.warn("management {}: refused an expired token of {} ({})", label, found.name(), client);
                                refuseHello(hello.id(), found.expiresAt().isEmpty()
                                        ? "the token was not accepted" : "the token has expired; sign in with a new one");
                            } else {
                                welcome(hello, found, client);
                            }
                        }));
            }
        }
    }

    private Optional<PeerCredentials> peerCredentials() {
        if (!(ctx.channel() instanceof EpollDomainSocketChannel domain)) {
            return Optional.empty();
        }
        try {
            PeerCredentials credentials = domain.peerCredentials();
            return credentials.gids().length == 0 ? Optional.empty() : Optional.of(credentials);
        } catch (IOException e) {
            LOG.warn("management {}: cannot read the peer's credentials: {}", label, e.toString());
            return Optional.empty();
        }
    }

    private void welcome(ClientMessage.Hello hello, AuthenticatedOperator found, String client) {
        state = State.READY;
        operator = found;
        helloTimeout.cancel(false);
        decoder.maxLength(server.config().maxLineBytes());
        found.expiresAt().ifPresent(expiry -> {
            long delay = Math.max(0, Duration.between(Instant.now(), expiry).toMillis() + 1);
            expiryTimer = ctx.executor().schedule(this::expiryDue, delay, TimeUnit.MILLISECONDS);
        });
        LOG.info("management {}: {} ({}) connected with {}{}", label, found.name(),
                found.operator().role().name().toLowerCase(), client,
                found.expiresAt().map(expiry -> ", token valid until " + expiry).orElse(""));
        reply(new EngineMessage.Welcome(hello.id(), ProtocolVersion.CURRENT, server.engineVersion(), found.operator()));
    }

    /** The expiry timer fired; it may fire a moment early by the wall clock, so look again. */
    private void expiryDue() {
        if (state != State.READY) {
            return;
        }
        Instant now = Instant.now();
        if (operator.expiredAt(now)) {
            signOut();
        } else {
            long delay = Math.max(1, Duration.between(now, operator.expiresAt().orElseThrow()).toMillis() + 1);
            expiryTimer = ctx.executor().schedule(this::expiryDue, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether the operator's rights have ended; signs the connection out the first time it finds so. */
    private boolean expired() {
        if (state == State.SIGNED_OUT) {
            return true;
        }
        if (state == State.READY && operator.expiredAt(Instant.now())) {
            signOut();
            return true;
        }
        return false;
    }

    /**
     * The token expired: end every subscription (queued events are dropped with them), stop reading,
     * say so once, and close. Replies of requests still in flight are not sent.
     */
    private void signOut() {
        if (state == State.SIGNED_OUT) {
            return;
        }
        state = State.SIGNED_OUT;
        signedOut = true;
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        for (Subscription subscription : subscriptions.values()) {
            subscription.registration.close();
            subscription.inbox.clear();
        }
        subscriptions.clear();
        ctx.channel().config().setAutoRead(false);
        LOG.info("management {}: {} signed out: the token expired at {}", label, operator.name(),
                operator.expiresAt().orElseThrow());
        reply(signedOutError(null)).addListener(ChannelFutureListener.CLOSE);
    }

    private EngineMessage.ErrorReply signedOutError(Long id) {
        return EngineMessage.ErrorReply.of(id, ErrorCode.SIGNED_OUT, "signed out: the operator token expired at "
                + operator.expiresAt().map(Instant::toString).orElse("?") + "; sign in again with a new token");
    }

    private void refuseHello(long id, String message) {
        failedHellos++;
        ChannelFuture written = reply(EngineMessage.ErrorReply.of(id, ErrorCode.UNAUTHORIZED, message));
        if (failedHellos >= MAX_FAILED_HELLOS) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void authorized(ClientMessage message) {
        if (expired()) {
            reply(signedOutError(message.id()));
            return;
        }
        OperatorRole required = OperatorRole.requiredFor(message);
        OperatorRole role = operator.operator().role();
        if (!role.includes(required)) {
            LOG.info("management {}: {} may not {}", label, operator.name(), typeName(message));
            reply(EngineMessage.ErrorReply.of(message.id(), ErrorCode.FORBIDDEN, typeName(message) + " needs the "
                    + required.name().toLowerCase() + " role; " + operator.name() + " is "
                    + role.name().toLowerCase()));
            return;
        }
        LOG.debug("management {}: {} {}", label, operator.name(), typeName(message));
        inFlight++;
        if (inFlight >= server.config().maxInFlight()) {
            ctx.channel().config().setAutoRead(false);
        }
        CompletableFuture<? extends EngineMessage.Reply> result =
                server.dispatcher().dispatch(message, operator, this);
        if (!RequestDispatcher.unbounded(message)) {
            result = result.copy().orTimeout(server.config().requestTimeoutSeconds(), TimeUnit.SECONDS);
        }
        result.whenComplete((reply, failure) -> onLoop(() -> finish(message, reply, failure)));
    }

    private void finish(ClientMessage message, EngineMessage.Reply result, Throwable failure) {
        inFlight--;
        if (inFlight < server.config().maxInFlight() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        if (expired()) {
            // Answered after the expiry: what it would show is no longer the operator's to see.
            reply(signedOutError(message.id()));
            return;
        }
        reply(failure == null ? result : errorFor(message, unwrap(failure)));
    }

    private EngineMessage.ErrorReply errorFor(ClientMessage message, Throwable failure) {
        if (failure instanceof ManagementException management) {
            return new EngineMessage.ErrorReply(message.id(), management.detail());
        }
        if (failure instanceof TimeoutException) {
            LOG.warn("management {}: {} got no answer from the engine within {} s", label, typeName(message),
                    server.config().requestTimeoutSeconds());
            return EngineMessage.ErrorReply.of(message.id(), ErrorCode.UNAVAILABLE,
                    "the engine did not answer within " + server.config().requestTimeoutSeconds() + " s");
        }
        LOG.warn("management {}: {} failed", label, typeName(message), failure);
        return EngineMessage.ErrorReply.of(message.id(), ErrorCode.INTERNAL, "internal error; see the engine log");
    }

    // --- the connection's part of requests -----------------------------------------------------

    @Override
    public EngineMessage.Subscribed subscribe(long requestId, List<EventTopic> topics) {
        if (subscriptions.size() >= server.config().maxSubscriptions()) {
            throw new ManagementException(ErrorCode.LIMIT_EXCEEDED,
                    "at most " + server.config().maxSubscriptions() + " subscriptions per connection");
        }
        Subscription subscription = new Subscription(nextSubscription++);
        int maxBacklog = server.config().maxQueuedEvents();
        // Runs on the publisher's thread, under the hub's lock. Events hop to this event loop and
        // queue behind the current task, so the subscribed reply goes out before any of them.
        EventHub.Registration registration = server.hub().subscribe(EnumSet.copyOf(topics), event -> {
            if (subscription.overflowed) {
                return;
            }
            if (subscription.backlog.incrementAndGet() > maxBacklog) {
                // From here on this sink returns at once; the event loop ends the registration.
                subscription.overflowed = true;
                ctx.executor().execute(() -> dropOverflowed(subscription));
                return;
            }
            subscription.inbox.add(event);
            if (subscription.drainScheduled.compareAndSet(false, true)) {
                ctx.executor().execute(() -> drain(subscription));
            }
        });
        subscription.registration = registration;
        subscriptions.put(subscription.id, subscription);
        return new EngineMessage.Subscribed(requestId, subscription.id, topics, registration.snapshot());
    }

    @Override
    public EngineMessage.Unsubscribed unsubscribe(long requestId, long subscription) {
        Subscription removed = subscriptions.remove(subscription);
        if (removed == null) {
            throw ManagementException.notFound("no subscription " + subscription + " on this connection");
        }
        removed.registration.close();
        return new EngineMessage.Unsubscribed(requestId, subscription);
    }

    @Override
    public ManagementBackend.LineSink auditSink(long requestId) {
        Channel channel = ctx.channel();
        AuthenticatedOperator exporter = operator;
        return lines -> {
            if (!channel.isActive()) {
                throw new IOException("the operator's connection is closed");
            }
            if (signedOut || exporter.expiredAt(Instant.now())) {
                throw new IOException("the operator's token expired");
            }
            ChannelFuture written = channel.writeAndFlush(new EngineMessage.AuditLines(requestId, lines));
            if (channel.eventLoop().inEventLoop()) {
                return;
            }
            // One batch in flight at a time: the export goes as fast as the operator reads.
            try {
                if (!written.await(EXPORT_STALL_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("the operator's connection stalled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("export interrupted");
            }
            if (!written.isSuccess()) {
                throw new IOException("the operator's connection failed");
            }
        };
    }

    /** Writes a subscription's waiting events while the channel takes them; the rest wait for writability. */
    private void drain(Subscription subscription) {
        // Cleared first: an event added after the loop below ends schedules another drain.
        subscription.drainScheduled.set(false);
        if (subscriptions.get(subscription.id) != subscription || subscription.overflowed || expired()) {
            return;
        }
        long snapshotSeq = subscription.registration.snapshot().seq();
        boolean wrote = false;
        Event event;
        while (ctx.channel().isWritable() && (event = subscription.inbox.poll()) != null) {
            subscription.backlog.decrementAndGet();
            if (event.seq() > snapshotSeq) {
                ctx.write(new EngineMessage.EventMessage(subscription.id, event));
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /** The connection fell behind: end the subscription and tell the client to subscribe again. */
    private void dropOverflowed(Subscription subscription) {
        subscription.registration.close();
        if (subscriptions.remove(subscription.id) != subscription) {
            return;
        }
        subscription.inbox.clear();
        LOG.warn("management {}: dropped subscription {} of {}: more than {} events behind", label,
                subscription.id, operator.name(), server.config().maxQueuedEvents());
        reply(new EngineMessage.EventsDropped(subscription.id,
                "the connection fell behind by more than " + server.config().maxQueuedEvents() + " events"));
    }

    // --- helpers --------------------------------------------------------------------------------

    private ChannelFuture reply(EngineMessage message) {
        return ctx.writeAndFlush(message);
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * A client-facing description of a message that did not bind. Built from the field path and
     * our own validation messages only: Jackson's messages can quote the offending value.
     */
    private static String describe(Exception e) {
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null
                && instantiation.getCause().getMessage() != null
                && (instantiation.getCause() instanceof IllegalArgumentException
                        || instantiation.getCause() instanceof NullPointerException)) {
            return "invalid message: " + instantiation.getCause().getMessage();
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder("$");
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append('.').append(reference.getFieldName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return "invalid value at " + path;
        }
        return "invalid message";
    }

    private static String printable(String text, int max) {
        StringBuilder clean = new StringBuilder();
        text.codePoints().limit(max).forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return clean.toString();
    }

    static String typeName(ClientMessage message) {
        return TYPE_NAMES.getOrDefault(message.getClass(), message.getClass().getSimpleName());
    }

    private static Map<Class<?>, String> typeNames() {
        Map<Class<?>, String> names = new HashMap<>();
        for (JsonSubTypes.Type type : ClientMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            names.put(type.value(), type.name());
        }
        return Map.copyOf(names);
    }
}
