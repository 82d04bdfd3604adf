package dev.bulwark.model.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ManagementJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A hand-written stand-in for the engine, on a real Unix domain socket: it answers each request
 * line with whatever lines the responder returns, and can push lines or hang up on demand.
 */
final class FakeEngine implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Function<JsonNode, List<String>> responder;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CountDownLatch connected = new CountDownLatch(1);
    private final Thread thread;
    private volatile SocketChannel connection;

    FakeEngine(Path directory, Function<JsonNode, List<String>> responder) throws IOException {
        this.socket = directory.resolve("fake.sock");
        this.responder = responder;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = Thread.ofPlatform().daemon().name("fake-engine").start(this::serve);
    }

    /** Answers hello with a welcome for an admin, everything else through {@code then}. */
    static Function<JsonNode, List<String>> welcoming(Function<JsonNode, List<String>> then) {
        return request -> request.get("type").asText().equals("hello")
                ? List.of("{\"type\":\"welcome\",\"id\":" + request.get("id").asLong()
                        + ",\"protocol\":1,\"engine\":\"test\",\"operator\":{\"name\":\"tester\",\"role\":\"admin\"}}")
                : then.apply(request);
    }

    Path socket() {
        return socket;
    }

    JsonNode nextRequest() throws InterruptedException {
        JsonNode request = received.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request within 5 s");
        }
        return request;
    }

    void send(String line) throws IOException {
        SocketChannel channel = connection;
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    void hangUp() throws IOException {
        connection.close();
    }

    private void serve() {
        try (SocketChannel channel = server.accept()) {
            connection = channel;
            connected.countDown();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (channel.read(buffer.clear()) >= 0) {
                for (int i = 0; i < buffer.position(); i++) {
                    byte b = buffer.get(i);
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    JsonNode request = ManagementJson.mapper().readTree(line.toByteArray());
                    line.reset();
                    received.add(request);
                    for (String reply : responder.apply(request)) {
                        send(reply);
                    }
                }
            }
        } catch (IOException e) {
            // The test hung up or closed the engine.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        SocketChannel channel = connection;
        if (channel != null) {
            channel.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
