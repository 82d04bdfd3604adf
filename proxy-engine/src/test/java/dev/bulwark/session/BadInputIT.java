package dev.bulwark.session;

import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.FrontendCodec;
import dev.bulwark.protocol.FrontendMessage;
import dev.bulwark.protocol.StartupPacket;
import dev.bulwark.testing.TestEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and broken clients on raw sockets: each gets a clear ErrorResponse with a SQLSTATE and a
 * closed connection, while a session opened before keeps working.
 */
class BadInputIT {
    private static TestEngine engine;
    private static Connection bystander;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start();
        bystander = engine.connect("dba-token");
    }

    @AfterAll
    static void stop() throws Exception {
        bystander.close();
        engine.close();
    }

    /** What the engine said before it closed: the ErrorResponse fields, or empty. */
    record Reply(byte type, Map<Character, String> fields, boolean closed) {
        String sqlState() {
            return fields.get('C');
        }
    }

    private Reply exchange(byte[]... chunks) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", engine.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (byte[] chunk : chunks) {
                out.write(chunk);
            }
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                byte type = in.readByte();
                int length = in.readInt();
                byte[] body = in.readNBytes(length - 4);
                if (type == BackendMessage.ERROR_RESPONSE) {
                    Map<Character, String> fields = parseFields(body);
                    boolean closed;
                    try {
                        closed = in.read() == -1;
                    } catch (IOException e) {
                        closed = true;
                    }
                    return new Reply(type, fields, closed);
                }
            }
        } catch (EOFException e) {
            return new Reply((byte) 0, Map.of(), true);
        }
    }

    private static Map<Character, String> parseFields(byte[] body) {
        Map<Character, String> fields = new HashMap<>();
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

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] startup(String user, String database) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", user);
        params.put("database", database);
        return bytes(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, params), ByteBufAllocator.DEFAULT));
    }

    private static byte[] password(String token) {
        return bytes(FrontendCodec.encode(new FrontendMessage.PasswordMessage(token), ByteBufAllocator.DEFAULT));
    }

    private void assertBystanderWorks() throws Exception {
        try (Statement s = bystander.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            assertTrue(rs.next());
            assertEquals(500, rs.getInt(1));
        }
    }

    @Test
    void garbageBytes() throws Exception {
        // As PostgreSQL: a first packet whose length is no startup packet's is logged, and the connection
        // closed without a reply ("invalid length of startup packet").
        Reply r = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, r.type(), "no reply");
        assertTrue(r.closed());
        assertBystanderWorks();
    }

    @Test
    void twoGibLengthPrefixBeforeStartup() throws Exception {
        Reply r = exchange(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 3, 0, 0});
        assertEquals(0, r.type(), "no reply, as PostgreSQL");
        assertTrue(r.closed());
        assertBystanderWorks();
    }

    @Test
    void twoGibLengthPrefixAfterStartup() throws Exception {
        byte[] huge = {'p', 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        Reply r = exchange(startup("agent", "shop"), huge);
        assertEquals("54000", r.sqlState());
        assertTrue(r.fields().get('M').contains("exceeds the limit"), r.fields().toString());
        assertTrue(r.closed());
        assertBystanderWorks();
    }

    @Test
    void negativeLengthAfterStartup() throws Exception {
        Reply r = exchange(startup("agent", "shop"), new byte[] {'p', (byte) 0x80, 0, 0, 0});
        assertEquals("08P01", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void badToken() throws Exception {
        Reply r = exchange(startup("agent", "shop"), password("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertEquals("28P01", r.sqlState());
        assertEquals("FATAL", r.fields().get('S'));
        assertTrue(!r.fields().get('M').contains("eyJ"), "the token must not be echoed");
        assertTrue(r.closed());
        assertBystanderWorks();
    }

    @Test
    void unknownTarget() throws Exception {
        Reply r = exchange(startup("agent", "nosuchdb"), password("alice-token"));
        assertEquals("3D000", r.sqlState());
        assertTrue(r.closed());
        assertBystanderWorks();
    }

    @Test
    void wrongMessageInsteadOfPassword() throws Exception {
        Reply r = exchange(startup("agent", "shop"), bytes(FrontendCodec.encode(new FrontendMessage.Query("SELECT 1"), ByteBufAllocator.DEFAULT)));
        assertEquals("08P01", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void unknownMessageTypeAfterLogin() throws Exception {
        Reply r = exchange(startup("agent", "shop"), password("alice-token"), new byte[] {'!', 0, 0, 0, 4});
        assertEquals("08P01", r.sqlState());
        assertTrue(r.fields().get('M').contains("invalid frontend message type"), r.fields().toString());
        assertBystanderWorks();
    }

    @Test
    void malformedBindAfterLogin() throws Exception {
        byte[] bind = {'B', 0, 0, 0, 10, 0, 0, 0, 0, 0, 5}; // claims 5 parameter values, has none
        Reply r = exchange(startup("agent", "shop"), password("alice-token"), bind);
        assertEquals("08P01", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void missingUser() throws Exception {
        Reply r = exchange(bytes(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, Map.of("database", "shop")), ByteBufAllocator.DEFAULT)));
        assertEquals("28000", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void unsupportedProtocolVersion() throws Exception {
        byte[] v2 = {0, 0, 0, 8, 0, 2, 0, 0};
        Reply r = exchange(v2);
        assertEquals("0A000", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void replicationConnectionsAreRefused() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "agent");
        params.put("database", "shop");
        params.put("replication", "database");
        Reply r = exchange(bytes(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, params), ByteBufAllocator.DEFAULT)));
        assertEquals("0A000", r.sqlState());
        assertBystanderWorks();
    }

    @Test
    void protocol32GetsNegotiateProtocolVersionThenWorks() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "agent");
        params.put("database", "shop");
        byte[] startup = bytes(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 2, params), ByteBufAllocator.DEFAULT));
        try (Socket socket = new Socket("127.0.0.1", engine.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(startup);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals('v', in.readByte());
            int len = in.readInt();
            ByteBuffer body = ByteBuffer.wrap(in.readNBytes(len - 4));
            assertEquals(196608, body.getInt()); // the newest version supported, as PostgreSQL sends it: 3.0
            assertEquals('R', in.readByte());
        }
    }
}
