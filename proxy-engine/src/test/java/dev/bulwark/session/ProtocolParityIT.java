package dev.bulwark.session;

import dev.bulwark.session.WireClient.Message;
import dev.bulwark.testing.TestEngine;
import dev.bulwark.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.bulwark.session.WireClient.params;
import static dev.bulwark.session.WireClient.types;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact message sequences driven on a raw socket, once through the engine and once straight to
 * PostgreSQL (as the same upstream user), and the answers compared: the engine must not be visible.
 */
class ProtocolParityIT {
    private static TestEngine engine;
    private static final List<String> cancels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static TestPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        // Everything is allowed, except a statement marked to be held: it waits for a decision that never comes.
        StatementGate gate = (session, statement) -> statement.sql().contains("/* hold */")
                ? new StatementGate.Decision.Pending(new java.util.concurrent.CompletableFuture<>(), List.of("held for a test"))
                : StatementGate.Decision.ALLOW;
        engine = TestEngine.start(gate, session -> new SessionObserver() {
            @Override
            public void cancelRequested(String source, boolean fromOwnClient) {
                cancels.add(source + (fromOwnClient ? " own" : " other"));
            }
        });
        engine.gatekeeper.upstreamUser(TestPostgres.PLAIN_USER);
        postgres = engine.postgres;
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static WireClient viaEngine(String... extra) throws IOException {
        return WireClient.login(engine.port(), with(params("user", "alice", "database", "shop"), extra), "alice-token");
    }

    private static WireClient direct(String... extra) throws IOException {
        return WireClient.login(postgres.port(), with(params("user", TestPostgres.PLAIN_USER, "database", "shop"), extra),
                TestPostgres.PASSWORD);
    }

    private static Map<String, String> with(Map<String, String> base, String... extra) {
        base.putAll(params(extra));
        return base;
    }

    /** The login replies of a startup with these extra parameters: through the engine or straight. */
    private static List<Message> loginReplies(boolean throughEngine, String... extra) throws IOException {
        try (WireClient c = new WireClient(throughEngine ? engine.port() : postgres.port())) {
            c.startup(3, 0, with(params("user", throughEngine ? "alice" : TestPostgres.PLAIN_USER, "database", "shop"), extra));
            c.flush();
            return c.loginReplies(throughEngine ? "alice-token" : TestPostgres.PASSWORD);
        }
    }

    private static Message last(List<Message> messages) {
        return messages.get(messages.size() - 1);
    }

    // ------------------------------------------------------------------ issue 14 class 1: text decoding

    /** {@code E'Õ\'; SELECT 'second' --'}: one literal in UTF-8; in SJIS "Õ" ends in 0x95, which swallows the backslash. */
    private static final String SPLIT_BY_SJIS = "SELECT E'\u00d5\\'; SELECT 'second statement' --'";

    @Test
    void aStartupClientEncodingTheEngineCannotReadIsRefusedInEverySpelling() throws Exception {
        // Straight to PostgreSQL, SJIS splits the text into two statements where UTF-8 sees one.
        try (WireClient c = direct("client_encoding", "SJIS")) {
            List<Message> replies = c.query(SPLIT_BY_SJIS.getBytes(java.nio.charset.StandardCharsets.UTF_8)).flush().untilReady();
            assertEquals(2, replies.stream().filter(m -> m.type() == 'T').count(), types(replies));
        }
        String[][] spellings = {
                {"client_encoding", "SJIS"}, {"client_encoding", "Shift-JIS"}, {"client_encoding", "win932"},
                {"client_encoding", "big5"}, {"client_encoding", "GBK"}, {"client_encoding", "uhc"},
                {"client_encoding", "GB18030"}, {"client_encoding", "johab"}, {"client_encoding", "SHIFT_JIS_2004"},
                {"client_encoding", "LATIN1"}, {"Client_Encoding", "SJIS"},
                {"options", "-c client_encoding=SJIS"}, {"options", "-cclient_encoding=BIG5"},
                {"options", "--client_encoding=GBK"}, {"options", "--client-encoding=UHC"},
                {"options", "-c CLIENT_ENCODING=sjis"}, {"options", "-c search_path=public -c client_encoding=sjis"},
                {"options", "-c application_name=a\\ b -c client_encoding=SJIS"}, {"options", "-Ec client_encoding=SJIS"},
                {"client_encoding", "UTF8", "options", "-c client_encoding=mskanji"},
        };
        for (String[] spelling : spellings) {
            List<Message> replies = loginReplies(true, spelling);
            Message error = last(replies);
            assertEquals('E', error.type(), Arrays.toString(spelling) + ": " + types(replies));
            assertEquals("FATAL", error.severity(), Arrays.toString(spelling));
            assertEquals("0A000", error.sqlState(), Arrays.toString(spelling) + " " + error);
            assertTrue(error.fields().get('M').contains("client_encoding"), error.toString());
        }
        List<Message> unknown = loginReplies(true, "client_encoding", "klingon");
        assertEquals('E', last(unknown).type());
        assertTrue(last(unknown).fields().get('M').contains("invalid value for parameter"), last(unknown).toString());
        assertEquals("22023", last(unknown).sqlState());
    }

    @Test
    void utf8InEverySpellingAndSqlAsciiAreAccepted() throws Exception {
        for (String name : List.of("UTF8", "utf-8", "Unicode", "unicode", "SQL_ASCII")) {
            try (WireClient c = viaEngine("client_encoding", name)) {
                List<Message> replies = c.query("SELECT 1").flush().untilReady();
                assertEquals("T D C Z", types(replies), name);
            }
        }
        try (WireClient c = viaEngine("options", "-c client_encoding=utf8 -c application_name=x")) {
            assertEquals("T D C Z", types(c.query("SELECT 1").flush().untilReady()));
        }
    }

    @Test
    void aServerReportedClientEncodingTheEngineCannotReadEndsTheSession() throws Exception {
        // The test gate allows everything: only the ParameterStatus check stands between SJIS and the next statement.
        try (WireClient c = direct()) {
            List<Message> replies = c.query("SET client_encoding TO 'SJIS'").flush().untilReady();
            assertTrue(replies.stream().anyMatch(m -> m.type() == 'S'), types(replies));
        }
        try (WireClient c = viaEngine()) {
            List<Message> replies = c.query("SET client_encoding TO 'SJIS'").flush().untilClosed();
            Message error = last(replies);
            assertEquals('E', error.type(), types(replies));
            assertEquals("FATAL", error.severity());
            assertEquals("0A000", error.sqlState());
            assertFalse(replies.stream().anyMatch(m -> m.type() == 'S'), "the SJIS ParameterStatus reached the client");
        }
        // DEFAULT and the UTF8 spellings keep the session going.
        try (WireClient c = viaEngine()) {
            for (String sql : List.of("SET client_encoding TO DEFAULT", "SET client_encoding TO 'UTF8'",
                    "SET client_encoding = 'utf-8'", "SET NAMES 'Unicode'", "RESET client_encoding")) {
                List<Message> replies = c.query(sql).flush().untilReady();
                assertEquals('Z', last(replies).type(), sql);
                assertFalse(replies.stream().anyMatch(m -> m.type() == 'E'), sql + ": " + replies);
            }
        }
    }

    @Test
    void invalidUtf8IsRefusedWith22021AsPostgresDoesAndTheSessionGoesOn() throws Exception {
        byte[] sql = WireClient.concat("SELECT E'".getBytes(), new byte[] {(byte) 0x95, 0x5c}, "'; SELECT 1 --'".getBytes());
        List<Message> straight;
        try (WireClient c = direct()) {
            straight = c.query(sql).flush().untilReady();
        }
        try (WireClient c = viaEngine()) {
            List<Message> through = c.query(sql).flush().untilReady();
            assertEquals(types(straight), types(through));
            assertEquals("22021", straight.get(0).sqlState());
            assertEquals("22021", through.get(0).sqlState(), through.toString());
            assertEquals("ERROR", through.get(0).severity());
            // The extended protocol too; then the session still works.
            List<Message> parse = c.send('P', WireClient.concat(new byte[] {0}, WireClient.cstring(sql), new byte[] {0, 0}))
                    .bind("", "").execute("").sync().flush().untilReady();
            assertEquals("E Z", types(parse));
            assertEquals("22021", parse.get(0).sqlState());
            assertEquals("T D C Z", types(c.query("SELECT 1").flush().untilReady()));
        }
    }

    // ------------------------------------------------------------------ issue 14 class 9: expiry

    @Test
    void anExpiredTokenEndsAnIdleSessionWithFatal57P01() throws Exception {
        engine.gatekeeper.identity("idle-expiring", "alice", Instant.now().plusMillis(1500), "analysts");
        try (WireClient c = WireClient.login(engine.port(), params("user", "alice", "database", "shop"), "idle-expiring")) {
            List<Message> got = c.untilClosed();
            assertEquals("E", types(got));
            assertEquals("FATAL", got.get(0).severity());
            assertEquals("57P01", got.get(0).sqlState());
        }
    }

    @Test
    void anExpiredTokenEndsARunningResultWithFatal57P01() throws Exception {
        engine.gatekeeper.identity("busy-expiring", "alice", Instant.now().plusMillis(2000), "analysts");
        try (WireClient c = WireClient.login(engine.port(), params("user", "alice", "database", "shop"), "busy-expiring")) {
            c.query("SELECT g, repeat('x', 200) FROM generate_series(1, 100000000) g").flush();
            // The client pipelines more than the engine and the server take in while it reads nothing: the
            // engine's buffers towards it are full and some of what it sent is still unread when the token expires.
            String filler = "SELECT '" + "y".repeat(8000) + "'";
            for (int i = 0; i < 600; i++) {
                c.query(filler);
            }
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    c.flush();
                } catch (IOException ignored) {
                    // the engine closed the connection
                }
            });
            Thread.sleep(2500);
            List<Message> got = c.untilClosed();
            writer.join(5000);
            Message end = last(got);
            assertEquals('E', end.type(), "last message " + end.type() + " after " + got.size());
            assertEquals("FATAL", end.severity());
            assertEquals("57P01", end.sqlState());
        }
    }

    @Test
    void anExpiredTokenEndsACopyInWithFatal57P01ThoughTheClientIsStillSending() throws Exception {
        engine.gatekeeper.identity("copy-expiring", "alice", Instant.now().plusMillis(2000), "analysts");
        try (WireClient c = WireClient.login(engine.port(), params("user", "alice", "database", "shop"), "copy-expiring")) {
            c.query("CREATE TEMP TABLE sink (a text)").flush().untilReady();
            c.query("COPY sink FROM STDIN").flush();
            assertEquals('G', c.read().type());
            String row = "z".repeat(1000) + "\n";
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        for (int i = 0; i < 64; i++) {
                            c.copyData(row);
                        }
                        c.flush();
                    }
                } catch (IOException ended) {
                    // the engine closed the connection
                }
            });
            List<Message> got = c.untilClosed();
            writer.join(5000);
            assertFalse(got.isEmpty(), "nothing before the close");
            Message end = last(got);
            assertEquals('E', end.type(), types(got));
            assertEquals("FATAL", end.severity());
            assertEquals("57P01", end.sqlState());
        }
    }

    @Test
    void anExpiredTokenEndsAHeldSessionWithFatal57P01ThoughTheClientSentMore() throws Exception {
        engine.gatekeeper.identity("held-expiring", "alice", Instant.now().plusMillis(1500), "analysts");
        try (WireClient c = WireClient.login(engine.port(), params("user", "alice", "database", "shop"), "held-expiring")) {
            c.query("SELECT 1 /* hold */").flush();
            assertEquals('N', c.read().type());
            for (int i = 0; i < 50; i++) {
                c.query("SELECT " + i); // unread by the engine while the first statement waits
            }
            c.flush();
            List<Message> got = c.untilClosed();
            assertEquals("E", types(got));
            assertEquals("FATAL", got.get(0).severity());
            assertEquals("57P01", got.get(0).sqlState());
        }
    }

    // ------------------------------------------------------------------ issue 15

    @Test
    void aBackendTerminatedByTheServerGetsOnlyTheServersFatal() throws Exception {
        List<List<Message>> answers = new java.util.ArrayList<>();
        for (boolean throughEngine : new boolean[] {false, true}) {
            try (WireClient c = throughEngine ? viaEngine() : direct()) {
                List<Message> pid = c.query("SELECT pg_backend_pid()").flush().untilReady();
                int backend = Integer.parseInt(new String(pid.get(1).body(), 6, pid.get(1).body().length - 6));
                try (Connection admin = postgres.adminConnection("shop"); Statement s = admin.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + backend + ")");
                }
                answers.add(c.untilClosed());
            }
        }
        assertEquals(types(answers.get(0)), types(answers.get(1)));
        assertEquals("57P01", answers.get(1).get(0).sqlState());
    }

    @Test
    void aSyncDuringCopyInIsIgnoredAsTheServerIgnoresIt() throws Exception {
        List<String> runs = new java.util.ArrayList<>();
        for (boolean throughEngine : new boolean[] {false, true}) {
            StringBuilder seen = new StringBuilder();
            try (WireClient c = throughEngine ? viaEngine() : direct()) {
                c.query("CREATE TEMP TABLE copied (a int)").flush().untilReady();
                for (boolean fail : new boolean[] {false, true}) {
                    c.parse("", "COPY copied FROM STDIN").bind("", "").execute("").sync().flush();
                    seen.append(types(readUntil(c, 'G'))).append(" | ");
                    c.copyData("1\n2\n");
                    if (fail) {
                        c.copyFail("client gave up");
                    } else {
                        c.copyDone();
                    }
                    seen.append(types(c.sync().flush().untilReady())).append(" | ");
                    // The next statement, whose Bind makes the engine ask for its columns.
                    seen.append(types(c.parse("", "SELECT count(*) FROM copied").bind("", "").execute("").sync()
                            .flush().untilReady())).append(" || ");
                }
            }
            runs.add(seen.toString());
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    private static List<Message> readUntil(WireClient c, char type) throws IOException {
        List<Message> got = new java.util.ArrayList<>();
        while (true) {
            Message m = c.read();
            got.add(m);
            if (m.type() == type || m.type() == 'Z') {
                return got;
            }
        }
    }

    @Test
    void aCancelIsDeliveredBeforeItsSocketCloses() throws Exception {
        // The network to the server is slow to open connections. A client cancels while its session is idle,
        // waits for the cancel connection to close (libpq's "done"), then runs a statement. PostgreSQL closes
        // the cancel connection only after it signalled the backend, so the signal found it idle and was
        // ignored; an engine that closed at once would let the late cancel hit the next statement.
        try (DelayingRelay relay = new DelayingRelay(postgres.port(), 400)) {
            engine.gatekeeper.target(TestEngine.target("slow", TestPostgres.DATABASE, relay.port(), dev.bulwark.config.SslMode.DISABLE));
            List<String> answers = new java.util.ArrayList<>();
            for (boolean throughEngine : new boolean[] {false, true}) {
                int port = throughEngine ? engine.port() : relay.port();
                try (WireClient c = new WireClient(port)) {
                    c.startup(3, 0, throughEngine ? params("user", "alice", "database", "slow")
                            : params("user", TestPostgres.PLAIN_USER, "database", "shop"));
                    c.flush();
                    List<Message> login = c.loginReplies(throughEngine ? "alice-token" : TestPostgres.PASSWORD);
                    Message key = login.stream().filter(m -> m.type() == 'K').findFirst().orElseThrow();
                    long waitedNanos = sendCancel(port, key.body());
                    List<Message> after = c.query("SELECT pg_sleep(1)").flush().untilReady();
                    answers.add(types(after) + (after.get(0).type() == 'E' ? " " + after.get(0).sqlState() : ""));
                    assertTrue(waitedNanos > 300_000_000L, "the cancel connection closed after " + waitedNanos / 1_000_000 + " ms");
                }
            }
            assertEquals(answers.get(0), answers.get(1));
            assertEquals("T D C Z", answers.get(1));
        }
    }

    @Test
    void wrongCancelKeysAreLimitedPerSourceAddress() throws Exception {
        // An engine of its own, so the limit it reaches does not touch the other tests' cancels.
        try (TestEngine own = TestEngine.start()) {
            try (WireClient c = new WireClient(own.port())) {
                c.startup(3, 0, params("user", "alice", "database", "shop"));
                c.flush();
                Message key = c.loginReplies("alice-token").stream().filter(m -> m.type() == 'K').findFirst().orElseThrow();
                for (int i = 0; i < CancelGuard.MAX_FAILURES; i++) {
                    sendCancel(own.port(), new byte[] {0, 0, 0, 1, 0, 0, 0, (byte) i});
                }
                // Now even the right key is dropped from this address: the statement runs to its end.
                c.query("SELECT pg_sleep(0.5)").flush();
                Thread.sleep(100);
                sendCancel(own.port(), key.body());
                List<Message> replies = c.untilReady();
                assertEquals("T D C Z", types(replies));
            }
        }
    }

    @Test
    void aCancelFromAnotherAddressIsRecordedAsSuch() throws Exception {
        try (WireClient c = new WireClient(engine.port())) {
            c.startup(3, 0, params("user", "alice", "database", "shop"));
            c.flush();
            Message key = c.loginReplies("alice-token").stream().filter(m -> m.type() == 'K').findFirst().orElseThrow();
            cancels.clear();
            c.query("SELECT pg_sleep(5)").flush();
            Thread.sleep(200);
            // 127.0.0.2 is loopback too, but not the address the session's client came from.
            try (Socket s = new Socket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                s.connect(new java.net.InetSocketAddress("127.0.0.1", engine.port()));
                s.setSoTimeout(15_000);
                s.getOutputStream().write(ByteBuffer.allocate(16).putInt(16).putInt(80877102).put(key.body()).array());
                assertEquals(-1, s.getInputStream().read());
            }
            List<Message> replies = c.untilReady();
            assertEquals("57014", replies.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow().sqlState(),
                    types(replies));
            assertEquals(List.of("127.0.0.2 other"), cancels);
            sendCancel(engine.port(), key.body());
            assertEquals(List.of("127.0.0.2 other", "127.0.0.1 own"), cancels);
        }
    }

    /** Sends a CancelRequest and waits until the other side closes the socket, as libpq does. */
    static long sendCancel(int port, byte[] keyData) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(8 + keyData.length).putInt(8 + keyData.length).putInt(80877102).put(keyData).array());
            out.flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // PostgreSQL sends nothing back
            }
            return System.nanoTime() - start;
        }
    }

    @Test
    void negotiateProtocolVersionNamesTheVersionAsPostgresDoes() throws Exception {
        byte[][] bodies = new byte[2][];
        for (int i = 0; i < 2; i++) {
            boolean throughEngine = i == 1;
            try (WireClient c = new WireClient(throughEngine ? engine.port() : postgres.port())) {
                c.startup(3, 2, params("user", throughEngine ? "alice" : TestPostgres.PLAIN_USER, "database", "shop",
                        "_pq_.not_a_feature", "x"));
                c.flush();
                Message first = c.read();
                assertEquals('v', first.type());
                bodies[i] = first.body();
            }
        }
        assertEquals(196608, ByteBuffer.wrap(bodies[0]).getInt(), "PostgreSQL's own answer");
        assertArrayEquals(bodies[0], bodies[1]);
    }

    @Test
    void bytesBeforeTheStartupPacketCloseTheConnectionSilently() throws Exception {
        byte[] terminate = {'X', 0, 0, 0, 4};
        for (int port : new int[] {postgres.port(), engine.port()}) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(terminate);
                s.getOutputStream().flush();
                byte[] got = s.getInputStream().readAllBytes();
                assertEquals(0, got.length, "port " + port + " answered " + got.length + " bytes");
            }
        }
    }
}
