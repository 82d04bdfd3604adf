package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A minimal PostgreSQL wire client for tests: it hands back the raw backend messages (the bytes the
 * gateway would see), so RowDescription, DataRow, ErrorResponse, NotificationResponse and CopyData
 * reach the maskers exactly as PostgreSQL wrote them. Trust authentication only.
 */
final class RawPgClient implements AutoCloseable {

    /** One backend message: type byte and the complete message bytes (type, length, body). */
    record Message(char type, byte[] bytes) {
        ByteBuf buf() {
            return Unpooled.wrappedBuffer(bytes);
        }

        ByteBuffer body() {
            return ByteBuffer.wrap(bytes, 5, bytes.length - 5).slice();
        }
    }

    /** What one query produced. */
    record Result(List<ResultColumn> columns, List<Message> rows, List<Message> all) {
        Message error() {
            return all.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawPgClient(String host, int port, String user, String database) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        ByteBuffer body = ByteBuffer.allocate(1024);
        body.putInt(196608);
        for (String s : new String[] {"user", user, "database", database, "client_encoding", "UTF8", "DateStyle", "ISO"}) {
            body.put(s.getBytes(UTF_8)).put((byte) 0);
        }
        body.put((byte) 0);
        byte[] startup = new byte[body.position() + 4];
        ByteBuffer.wrap(startup).putInt(startup.length).put(body.array(), 0, body.position());
        out.write(startup);
        out.flush();
        while (true) {
            Message m = read();
            if (m.type() == 'R' && m.body().getInt() != 0) {
                throw new IOException("only trust authentication is supported");
            }
            if (m.type() == 'E') {
                throw new IOException("startup failed: " + errorFields(m));
            }
            if (m.type() == 'Z') {
                return;
            }
        }
    }

    /** Simple query protocol: every message up to ReadyForQuery. */
    Result query(String sql) throws IOException {
        send('Q', cstring(sql));
        return collect();
    }

    /** Extended protocol with the given result format for every column, and optional typed parameters. */
    Result extended(String sql, int resultFormat, List<Param> params) throws IOException {
        ByteBuffer parse = ByteBuffer.allocate(65536);
        parse.put((byte) 0).put(cstring(sql)).putShort((short) params.size());
        for (Param p : params) {
            parse.putInt(p.typeOid());
        }
        send('P', slice(parse));
        ByteBuffer bind = ByteBuffer.allocate(65536);
        bind.put((byte) 0).put((byte) 0).putShort((short) params.size());
        for (Param p : params) {
            bind.putShort((short) p.format());
        }
        bind.putShort((short) params.size());
        for (Param p : params) {
            if (p.value() == null) {
                bind.putInt(-1);
            } else {
                bind.putInt(p.value().length).put(p.value());
            }
        }
        bind.putShort((short) 1).putShort((short) resultFormat);
        send('B', slice(bind));
        send('D', new byte[] {'P', 0});
        ByteBuffer execute = ByteBuffer.allocate(5).put((byte) 0).putInt(0);
        send('E', execute.array());
        send('S', new byte[0]);
        return collect();
    }

    record Param(int typeOid, int format, byte[] value) {
    }

    /** Reads until ReadyForQuery (for asynchronous messages after a query, e.g. NOTIFY to self). */
    private Result collect() throws IOException {
        List<ResultColumn> columns = List.of();
        List<Message> rows = new ArrayList<>();
        List<Message> all = new ArrayList<>();
        while (true) {
            Message m = read();
            all.add(m);
            switch (m.type()) {
                case 'T' -> columns = rowDescription(m);
                case 'D' -> rows.add(m);
                case 'Z' -> {
                    return new Result(columns, rows, all);
                }
                default -> {
                }
            }
        }
    }

    static List<ResultColumn> rowDescription(Message m) {
        ByteBuffer body = m.body();
        int count = body.getShort();
        List<ResultColumn> columns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = readCString(body);
            columns.add(new ResultColumn(name, body.getInt(), body.getShort(), body.getInt(), body.getShort(),
                    body.getInt(), body.getShort()));
        }
        return columns;
    }

    /** ErrorResponse / NoticeResponse fields by code. */
    static Map<Character, String> errorFields(Message m) {
        ByteBuffer body = m.body();
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            byte code = body.get();
            if (code == 0) {
                return fields;
            }
            fields.put((char) code, readCString(body));
        }
    }

    /** NotificationResponse: pid, channel, payload. */
    static String[] notification(Message m) {
        ByteBuffer body = m.body();
        int pid = body.getInt();
        return new String[] {Integer.toString(pid), readCString(body), readCString(body)};
    }

    /** The values of a DataRow as byte arrays (null for NULL). */
    static List<byte[]> values(ByteBuf dataRow) {
        int i = dataRow.readerIndex() + 5;
        int count = dataRow.getUnsignedShort(i);
        i += 2;
        List<byte[]> values = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            int length = dataRow.getInt(i);
            i += 4;
            if (length < 0) {
                values.add(null);
                continue;
            }
            byte[] value = new byte[length];
            dataRow.getBytes(i, value);
            values.add(value);
            i += length;
        }
        return values;
    }

    private Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] bytes = new byte[length + 1];
        bytes[0] = (byte) type;
        ByteBuffer.wrap(bytes, 1, 4).putInt(length);
        in.readFully(bytes, 5, length - 4);
        return new Message(type, bytes);
    }

    private void send(char type, byte[] body) throws IOException {
        byte[] message = new byte[body.length + 5];
        ByteBuffer.wrap(message).put((byte) type).putInt(body.length + 4).put(body);
        out.write(message);
        out.flush();
    }

    private static byte[] slice(ByteBuffer buffer) {
        byte[] out = new byte[buffer.position()];
        System.arraycopy(buffer.array(), 0, out, 0, out.length);
        return out;
    }

    private static byte[] cstring(String s) {
        byte[] raw = s.getBytes(UTF_8);
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    private static String readCString(ByteBuffer body) {
        int start = body.position();
        while (body.get() != 0) {
            // scan to the terminator
        }
        byte[] raw = new byte[body.position() - start - 1];
        body.position(start);
        body.get(raw);
        body.get();
        return new String(raw, UTF_8);
    }

    @Override
    public void close() throws IOException {
        try {
            send('X', new byte[0]);
        } finally {
            socket.close();
        }
    }
}
