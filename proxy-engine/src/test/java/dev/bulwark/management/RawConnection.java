package dev.bulwark.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ManagementJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bytes on the socket without the client library, to send what a well-behaved client never would:
 * malformed JSON, huge lines, requests before hello. A reader thread queues every line received.
 */
final class RawConnection implements AutoCloseable {
    private static final String CLOSED = "\u0000closed";
    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private RawConnection(SocketChannel channel) {
        this.channel = channel;
        Thread.ofPlatform().daemon().name("raw-reader").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // Closed.
            } finally {
                lines.add(CLOSED);
            }
        });
    }

    static RawConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawConnection(channel);
    }

    RawConnection send(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    RawConnection hello() throws IOException, InterruptedException {
        send("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"client\":\"raw\"}\n");
        JsonNode welcome = next();
        if (!welcome.get("type").asText().equals("welcome")) {
            throw new AssertionError("expected a welcome, got " + welcome);
        }
        return this;
    }

    /** The next message, parsed; fails after 5 s or when the engine hangs up. */
    JsonNode next() throws InterruptedException, IOException {
        String line = lines.poll(5, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no message within 5 s");
        }
        if (line.equals(CLOSED)) {
            throw new AssertionError("the engine closed the connection");
        }
        return ManagementJson.mapper().readTree(line);
    }

    /** Whether nothing arrives for a while (to show a refused request got no data). */
    boolean quietFor(long millis) throws InterruptedException {
        String line = lines.poll(millis, TimeUnit.MILLISECONDS);
        if (line != null) {
            lines.add(line);
        }
        return line == null;
    }

    /** Waits until the engine hangs up. */
    boolean closedWithin(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (CLOSED.equals(line)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
