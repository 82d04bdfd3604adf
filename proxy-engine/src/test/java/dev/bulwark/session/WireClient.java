package dev.bulwark.session;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw PostgreSQL wire client for tests that drive exact message sequences, against the engine
 * (cleartext password = token) and against PostgreSQL directly (a user with {@code password}
 * authentication), so both answers can be compared byte for byte.
 */
final class WireClient implements AutoCloseable {
    /** One backend message: its type and body (without type and length). */
    record Message(char type, byte[] body) {
        Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return fields;
        }

        String sqlState() {
            return fields().get('C');
        }

        String severity() {
            return fields().get('V');
        }

        @Override
        public String toString() {
            return type == 'E' || type == 'N' ? type + fields().toString() : String.valueOf(type);
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    WireClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    /** Connects and logs in; returns the messages up to and including the first ReadyForQuery. */
    static WireClient login(int port, Map<String, String> parameters, String password) throws IOException {
        WireClient client = new WireClient(port);
        client.startup(3, 0, parameters);
        client.flush();
        List<Message> got = client.loginReplies(password);
        if (got.get(got.size() - 1).type() != 'Z') {
            throw new IOException("login failed: " + got);
        }
        return client;
    }

    static Map<String, String> params(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Answers a cleartext password request; reads up to ReadyForQuery or an ErrorResponse. */
    List<Message> loginReplies(String password) throws IOException {
        List<Message> got = new ArrayList<>();
        while (true) {
            Message m = read();
            got.add(m);
            if (m.type() == 'R') {
                int code = ByteBuffer.wrap(m.body()).getInt();
                if (code == 3) {
                    send('p', cstring(password));
                    flush();
                } else if (code != 0) {
                    throw new IOException("unsupported authentication " + code);
                }
            } else if (m.type() == 'Z' || m.type() == 'E') {
                return got;
            }
        }
    }

    void startup(int major, int minor, Map<String, String> parameters) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer version = ByteBuffer.allocate(4).putInt(major << 16 | minor);
        body.write(version.array());
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            body.write(cstring(e.getKey()));
            body.write(cstring(e.getValue()));
        }
        body.write(0);
        raw(ByteBuffer.allocate(4).putInt(body.size() + 4).array());
        raw(body.toByteArray());
    }

    /** Queues a typed message; nothing is sent before {@link #flush}. */
    WireClient send(char type, byte[] body) {
        pending.write(type);
        pending.writeBytes(ByteBuffer.allocate(4).putInt(body.length + 4).array());
        pending.writeBytes(body);
        return this;
    }

    WireClient raw(byte[] bytes) {
        pending.writeBytes(bytes);
        return this;
    }

    WireClient flush() throws IOException {
        out.write(pending.toByteArray());
        out.flush();
        pending.reset();
        return this;
    }

    WireClient query(String sql) {
        return send('Q', cstring(sql));
    }

    WireClient query(byte[] sql) {
        return send('Q', cstring(sql));
    }

    WireClient parse(String name, String sql) {
        return send('P', concat(cstring(name), cstring(sql), new byte[] {0, 0}));
    }

    WireClient bind(String portal, String statement) {
        return send('B', concat(cstring(portal), cstring(statement), new byte[] {0, 0, 0, 0, 0, 0}));
    }

    WireClient describePortal(String portal) {
        return send('D', concat(new byte[] {'P'}, cstring(portal)));
    }

    WireClient execute(String portal) {
        return send('E', concat(cstring(portal), new byte[] {0, 0, 0, 0}));
    }

    WireClient sync() {
        return send('S', new byte[0]);
    }

    WireClient copyData(String data) {
        return send('d', data.getBytes(StandardCharsets.UTF_8));
    }

    WireClient copyDone() {
        return send('c', new byte[0]);
    }

    WireClient copyFail(String why) {
        return send('f', cstring(why));
    }

    Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads messages up to and including the next ReadyForQuery. */
    List<Message> untilReady() throws IOException {
        List<Message> got = new ArrayList<>();
        while (true) {
            Message m = read();
            got.add(m);
            if (m.type() == 'Z') {
                return got;
            }
        }
    }

    /** Reads messages until the server closes the connection; the messages it sent before. */
    List<Message> untilClosed() throws IOException {
        List<Message> got = new ArrayList<>();
        while (true) {
            try {
                got.add(read());
            } catch (EOFException | SocketException e) {
                return got;
            }
        }
    }

    /** True when the peer has closed the connection (read returns end of stream). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Message types in order, e.g. "1 2 T D C Z". */
    static String types(List<Message> messages) {
        StringBuilder b = new StringBuilder();
        for (Message m : messages) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(m.type());
        }
        return b.toString();
    }

    static byte[] cstring(String s) {
        return cstring(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] cstring(byte[] raw) {
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
