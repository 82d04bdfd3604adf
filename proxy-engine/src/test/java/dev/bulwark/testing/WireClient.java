package dev.bulwark.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A PostgreSQL wire client for tests that writes exactly the messages it is told to, in one write when
 * asked (a pipelining client), and hands back every backend message. Cleartext password or trust
 * authentication, no TLS (the engine allows plaintext on loopback when configured so).
 */
public final class WireClient implements AutoCloseable {

    /** One backend message: its type and body (without type and length). */
    public record Message(char type, byte[] body) {
        /** ErrorResponse / NoticeResponse fields by code. */
        public Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                fields.put(code, new String(body, i, end - i, UTF_8));
                i = end + 1;
            }
            return fields;
        }

        public String sqlState() {
            return fields().get('C');
        }

        public String text() {
            return fields().get('M');
        }

        /** CommandComplete's tag. */
        public String tag() {
            return new String(body, 0, body.length - 1, UTF_8);
        }

        /** A DataRow's values as text (null for NULL). */
        public List<String> values() {
            ByteBuffer b = ByteBuffer.wrap(body);
            int count = b.getShort();
            List<String> values = new ArrayList<>(count);
            for (int c = 0; c < count; c++) {
                int length = b.getInt();
                if (length < 0) {
                    values.add(null);
                } else {
                    values.add(new String(body, b.position(), length, UTF_8));
                    b.position(b.position() + length);
                }
            }
            return values;
        }

        @Override
        public String toString() {
            return switch (type) {
                case 'E', 'N' -> type + fields().toString();
                case 'C' -> "C(" + tag() + ")";
                case 'D' -> "D" + values();
                default -> String.valueOf(type);
            };
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public WireClient(String host, int port, String user, String database, String password) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, 196608);
        for (String s : new String[] {"user", user, "database", database, "client_encoding", "UTF8"}) {
            body.writeBytes(cstring(s));
        }
        body.write(0);
        ByteArrayOutputStream startup = new ByteArrayOutputStream();
        writeInt(startup, body.size() + 4);
        startup.writeBytes(body.toByteArray());
        out.write(startup.toByteArray());
        out.flush();
        while (true) {
            Message m = read();
            if (m.type() == 'R') {
                int code = ByteBuffer.wrap(m.body()).getInt();
                if (code == 3) {
                    message('p', cstring(password));
                    flush();
                } else if (code != 0) {
                    throw new IOException("unsupported authentication " + code);
                }
            } else if (m.type() == 'E') {
                throw new IOException("startup failed: " + m.fields());
            } else if (m.type() == 'Z') {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- messages, buffered until flush()

    public WireClient query(String sql) {
        return message('Q', cstring(sql));
    }

    public WireClient parse(String statement, String sql) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(cstring(statement));
        b.writeBytes(cstring(sql));
        b.write(0);
        b.write(0);
        return message('P', b.toByteArray());
    }

    /** Bind with text-format parameters and text results. */
    public WireClient bind(String portal, String statement, String... parameters) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(cstring(portal));
        b.writeBytes(cstring(statement));
        writeShort(b, 0);
        writeShort(b, parameters.length);
        for (String p : parameters) {
            if (p == null) {
                writeInt(b, -1);
            } else {
                byte[] v = p.getBytes(UTF_8);
                writeInt(b, v.length);
                b.writeBytes(v);
            }
        }
        writeShort(b, 0);
        return message('B', b.toByteArray());
    }

    public WireClient describe(char kind, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(kind);
        b.writeBytes(cstring(name));
        return message('D', b.toByteArray());
    }

    public WireClient execute(String portal) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(cstring(portal));
        writeInt(b, 0);
        return message('E', b.toByteArray());
    }

    public WireClient close(char kind, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(kind);
        b.writeBytes(cstring(name));
        return message('C', b.toByteArray());
    }

    public WireClient sync() {
        return message('S', new byte[0]);
    }

    private WireClient message(char type, byte[] body) {
        pending.write(type);
        writeInt(pending, body.length + 4);
        pending.writeBytes(body);
        return this;
    }

    /** Writes everything buffered in one write. */
    public WireClient flush() throws IOException {
        out.write(pending.toByteArray());
        out.flush();
        pending.reset();
        return this;
    }

    // ---------------------------------------------------------------- replies

    /** Writes what is buffered, then reads every message up to the given number of ReadyForQuery. */
    public List<Message> exchange(int readyForQuery) throws IOException {
        flush();
        return readUntilReady(readyForQuery);
    }

    public List<Message> readUntilReady(int readyForQuery) throws IOException {
        List<Message> messages = new ArrayList<>();
        int ready = 0;
        while (ready < readyForQuery) {
            Message m = read();
            messages.add(m);
            if (m.type() == 'Z') {
                ready++;
            }
        }
        return messages;
    }

    /** Reads messages until one of the type arrives, or the timeout passes with nothing more (then returns what came). */
    public List<Message> readUntil(char type, int timeoutMillis) throws IOException {
        List<Message> messages = new ArrayList<>();
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMillis);
        try {
            while (true) {
                Message m = read();
                messages.add(m);
                if (m.type() == type) {
                    return messages;
                }
            }
        } catch (SocketTimeoutException e) {
            return messages;
        } finally {
            socket.setSoTimeout(previous);
        }
    }

    private Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    private static byte[] cstring(String s) {
        byte[] raw = s.getBytes(UTF_8);
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    private static void writeInt(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }

    private static void writeShort(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }

    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                out.write(new byte[] {'X', 0, 0, 0, 4});
                out.flush();
            }
        } catch (IOException ignored) {
            // already gone
        } finally {
            socket.close();
        }
    }
}
