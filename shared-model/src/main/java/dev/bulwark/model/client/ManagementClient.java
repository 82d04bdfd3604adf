package dev.bulwark.model.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineMessage.AuditExported;
import dev.bulwark.model.EngineMessage.AuditLines;
import dev.bulwark.model.EngineMessage.ErrorReply;
import dev.bulwark.model.EngineMessage.EventMessage;
import dev.bulwark.model.EngineMessage.EventsDropped;
import dev.bulwark.model.EngineMessage.Reply;
import dev.bulwark.model.EngineMessage.Subscribed;
import dev.bulwark.model.EngineMessage.Welcome;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.ProtocolVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import static java.util.Objects.requireNonNull;

/**
 * A client of the engine's management socket, for {@code bulwark ctl} and the console. Plain JDK
 * sockets, no Netty: a Unix domain {@code SocketChannel}, or an {@code SSLSocket} for the TLS listener.
 *
 * <p>{@link #connect} opens the connection and says hello; then {@link #call} sends a request and
 * returns a future completed by the reply with the same id (or failed with a
 * {@link ManagementException} carrying the engine's error code, or with an {@link IOException}
 * when the connection ends or the reply does not come within the timeout). One reader thread
 * reads every line the engine sends and hands pushed events to the {@link ManagementListener}.
 *
 * <p>Thread-safe. {@link #call} writes on the calling thread and may block while the socket's
 * send buffer is full; futures complete on the reader thread.
 */
public final class ManagementClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagementClient.class.getName());
    private static final ObjectMapper JSON = ManagementJson.mapper();
    private static final int READ_CHUNK = 64 * 1024;

    private final Endpoint endpoint;
    private final ClientOptions options;
    private final Transport transport;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Long, Consumer<List<String>>> streams = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile Welcome welcome;

    private record Pending(Class<? extends Reply> type, CompletableFuture<Reply> future) {}

    private ManagementClient(Endpoint endpoint, ClientOptions options, Transport transport) {
        this.endpoint = endpoint;
        this.options = options;
        this.transport = transport;
    }

    /**
     * Connects and says hello. Blocks until the engine welcomes the client.
     *
     * @throws IOException when the engine cannot be reached or does not answer in time
     * @throws ManagementException when the engine refuses the hello (unauthorized, unsupported_version)
     */
    public static ManagementClient connect(Endpoint endpoint, ClientOptions options) throws IOException {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(options, "options is null");
        ManagementClient client = new ManagementClient(endpoint, options, Transport.open(endpoint, options.timeout()));
        Thread.ofPlatform().daemon().name("bulwark-mgmt-reader-" + endpoint).start(client::readLoop);
        try {
            client.welcome = client.await(client.call(
                    id -> new ClientMessage.Hello(id, ProtocolVersion.CURRENT, options.clientName(), options.token()),
                    Welcome.class));
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The engine's answer to the hello: its version and who it takes this client to be. */
    public Welcome welcome() {
        return welcome;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Sends a request and returns its reply. The request is built from the id this client assigns:
     * {@code client.call(id -> new ClientMessage.SessionsList(id), EngineMessage.Sessions.class)}.
     *
     * @param replyType the reply the request is answered with; another type fails the future
     */
    public <R extends Reply> CompletableFuture<R> call(LongFunction<? extends ClientMessage> request, Class<R> replyType) {
        requireNonNull(request, "request is null");
        requireNonNull(replyType, "replyType is null");
        long id = ids.incrementAndGet();
        ClientMessage message = requireNonNull(request.apply(id), "request built null");
        if (message.id() != id) {
            throw new IllegalArgumentException("request must carry the id it was given");
        }
        CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, new Pending(replyType, future));
        future.orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    pending.remove(id);
                    streams.remove(id);
                });
        if (closed.get()) {
            future.completeExceptionally(new ClosedChannelException());
        } else {
            try {
                send(message);
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
        return future.thenApply(replyType::cast);
    }

    /**
     * Waits for a call's reply, turning the future's failures back into exceptions: the engine's
     * error replies as {@link ManagementException}, a lost connection or a missing reply as
     * {@link IOException}.
     */
    public <R> R await(CompletableFuture<R> call) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the engine");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ManagementException management) {
                // A fresh exception, so the waiting thread's stack shows where it waited.
                throw new ManagementException(management.code(), management.getMessage());
            }
            if (cause instanceof TimeoutException) {
                throw new SocketTimeoutException("no reply from the engine within " + options.timeout().toSeconds() + "s");
            }
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage() == null ? "connection to the engine lost" : io.getMessage(), io);
            }
            throw new IOException("request failed: " + cause, cause);
        }
    }

    /** {@link #call} and {@link #await} in one. */
    public <R extends Reply> R callAndWait(LongFunction<? extends ClientMessage> request, Class<R> replyType)
            throws IOException {
        return await(call(request, replyType));
    }

    /**
     * Subscribes to events. The snapshot and the events go to the {@link ManagementListener} in order;
     * the future completes with the same {@code subscribed} reply.
     */
    public CompletableFuture<Subscribed> subscribe(List<EventTopic> topics) {
        return call(id -> new ClientMessage.EventsSubscribe(id, topics), Subscribed.class);
    }

    /**
     * Exports the audit records as a stream: {@code lines} gets each batch on the reader thread.
     * The future completes when the engine says the export is complete. The timeout applies to
     * the whole export.
     */
    public CompletableFuture<AuditExported> exportAudit(Consumer<List<String>> lines) {
        requireNonNull(lines, "lines is null");
        // The stream is registered while the request is built, so before it can be answered.
        return call(id -> {
            streams.put(id, lines);
            return new ClientMessage.AuditExport(id, null);
        }, AuditExported.class);
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Completes when the connection has ended, for whatever reason. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public void close() {
        shutdown(null);
    }

    private void send(ClientMessage message) throws IOException {
        byte[] line;
        try {
            line = JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + message.getClass().getSimpleName(), e);
        }
        byte[] framed = new byte[line.length + 1];
        System.arraycopy(line, 0, framed, 0, line.length);
        framed[line.length] = '\n';
        synchronized (writeLock) {
            transport.write(framed);
        }
    }

    private void readLoop() {
        byte[] chunk = new byte[READ_CHUNK];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        Throwable cause = null;
        try {
            int read;
            while ((read = transport.read(chunk)) >= 0) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] == '\n') {
                        line.write(chunk, start, i - start);
                        start = i + 1;
                        handleLine(line.toByteArray());
                        line.reset();
                    }
                }
                line.write(chunk, start, read - start);
                if (line.size() > options.maxLineBytes()) {
                    throw new IOException("the engine sent a line longer than " + options.maxLineBytes() + " bytes");
                }
            }
            cause = new ClosedChannelException();
        } catch (IOException | RuntimeException e) {
            cause = e;
        } finally {
            shutdown(closed.get() ? null : cause);
        }
    }

    private void handleLine(byte[] line) {
        if (line.length == 0 || (line.length == 1 && line[0] == '\r')) {
            return;
        }
        EngineMessage message;
        try {
            message = JSON.readValue(line, EngineMessage.class);
        } catch (IOException e) {
            failUnreadable(line, e);
            return;
        }
        switch (message) {
            case Reply reply -> complete(reply);
            case ErrorReply error -> {
                Pending waiting = error.id() == null ? null : pending.remove(error.id());
                if (waiting == null) {
                    options.listener().onUncorrelatedError(error);
                } else {
                    waiting.future().completeExceptionally(
                            new ManagementException(error.error().code(), error.error().message()));
                }
            }
            case AuditLines lines -> {
                Consumer<List<String>> stream = streams.get(lines.id());
                if (stream != null) {
                    stream.accept(lines.lines());
                }
            }
            case EventMessage event -> options.listener().onEvent(event);
            case EventsDropped dropped -> options.listener().onDropped(dropped);
        }
    }

    private void complete(Reply reply) {
        Pending waiting = pending.remove(reply.id());
        if (waiting == null) {
            LOG.log(System.Logger.Level.DEBUG, "reply {0} to no pending request (timed out?)", reply.id());
            return;
        }
        if (!waiting.type().isInstance(reply)) {
            waiting.future().completeExceptionally(new ManagementException(ErrorCode.INTERNAL,
                    "expected a " + waiting.type().getSimpleName() + " reply, got " + reply.getClass().getSimpleName()));
            return;
        }
        if (reply instanceof Subscribed subscribed) {
            options.listener().onSubscribed(subscribed);
        }
        waiting.future().complete(reply);
    }

    /**
     * A line this client cannot read (a newer engine's message type, say). Skipping it keeps the
     * connection; a request waiting for it fails rather than times out.
     */
    private void failUnreadable(byte[] line, IOException e) {
        LOG.log(System.Logger.Level.WARNING, "skipping an unreadable message from the engine: {0}",
                e.getClass().getSimpleName());
        try {
            JsonNode id = JSON.readTree(line).get("id");
            Pending waiting = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
            if (waiting != null) {
                waiting.future().completeExceptionally(new ManagementException(ErrorCode.INTERNAL,
                        "unreadable reply from the engine (" + e.getClass().getSimpleName() + ")"));
            }
        } catch (IOException notJson) {
            // Not even JSON: nothing to correlate.
        }
    }

    private void shutdown(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            transport.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        ClosedChannelException ended = new ClosedChannelException();
        if (cause != null) {
            ended.initCause(cause);
        }
        for (Long id : List.copyOf(pending.keySet())) {
            Pending waiting = pending.remove(id);
            if (waiting != null) {
                waiting.future().completeExceptionally(ended);
            }
        }
        try {
            options.listener().onClosed(cause);
        } finally {
            closeFuture.complete(null);
        }
    }
}
