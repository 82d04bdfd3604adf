package dev.bulwark.session;

import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.config.TlsMode;
import dev.bulwark.protocol.BackendCodec;
import dev.bulwark.protocol.BackendDecoder;
import dev.bulwark.protocol.BackendMessage;
import dev.bulwark.protocol.FrontendCodec;
import dev.bulwark.protocol.FrontendMessage;
import dev.bulwark.protocol.StartupPacket;
import dev.bulwark.recording.AuditMode;
import dev.bulwark.testing.TestGatekeeper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's handling of the prepared-statement namespace, byte for byte, with an embedded client
 * channel and an embedded upstream standing in for the server (the test writes the server's replies):
 * what reaches the server, when, and what the client gets.
 */
final class PreparedStatementsRelayTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** A gate that allows everything, keeps a Parse's text as its judgement, and knows what DEALLOCATE does. */
    static final class RecordingGate implements StatementGate {
        final List<Statement> seen = new CopyOnWriteArrayList<>();

        record Kept(String sql) implements Judgement {
            @Override
            public List<NameEffect> effects() {
                return List.of();
            }

            @Override
            public boolean readsNames() {
                return false;
            }
        }

        @Override
        public Decision check(SessionInfo session, Statement statement) {
            seen.add(statement);
            String sql = statement.sql();
            if (sql.startsWith("DEALLOCATE ")) {
                String name = sql.substring("DEALLOCATE ".length());
                return new Decision.Allow(null, null, new Judgement() {
                    @Override
                    public List<NameEffect> effects() {
                        return List.of(new NameEffect.Deallocate(name));
                    }

                    @Override
                    public boolean readsNames() {
                        return false;
                    }
                });
            }
            return new Decision.Allow(null, null, new Kept(sql));
        }
    }

    /** A client channel on loopback, so that the listener's plaintext-on-loopback applies. */
    static final class LoopbackChannel extends EmbeddedChannel {
        LoopbackChannel(io.netty.channel.ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
        }
    }

    /** Connects to an embedded channel whose inbound bytes the test writes as the server. */
    static final class EmbeddedUpstream extends UpstreamConnector {
        EmbeddedChannel server;

        EmbeddedUpstream() {
            super(1 << 20, Duration.ofSeconds(5));
        }

        @Override
        Promise<UpstreamConnection> connect(EventLoop loop, UpstreamLogin login, Map<String, String> clientParameters,
                String sessionId) {
            server = new EmbeddedChannel(new BackendDecoder(1 << 20));
            Promise<UpstreamConnection> promise = loop.newPromise();
            promise.setSuccess(new UpstreamConnection(server, List.of(), 4242, new byte[] {1, 2, 3, 4}, (byte) 'I',
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432)));
            return promise;
        }
    }

    private final RecordingGate gate = new RecordingGate();
    private final EmbeddedUpstream connector = new EmbeddedUpstream();
    private EmbeddedChannel client;

    @BeforeEach
    void connect() {
        TargetConfig target = new TargetConfig("shop", "127.0.0.1", 5432, "shop", "unused", "env:UNUSED", null, null,
                AuditMode.ASYNC, null);
        TestGatekeeper gatekeeper = new TestGatekeeper().target(target)
                .identity("token", "alice", Instant.now().plusSeconds(3600), "analysts");
        SessionServices services = new SessionServices(new ListenerConfig("127.0.0.1", 0, TlsMode.OFF, true),
                LimitsConfig.defaults(), null, gatekeeper, SessionHooks.Factory.of(gate, SessionObserver.Factory.NONE),
                new SessionRegistry(), connector);
        ClientConnection session = new ClientConnection(services);
        client = new LoopbackChannel(session.decoder(), session);
        client.writeInbound(FrontendCodec.encode(new StartupPacket.StartupMessage(3, 0, Map.of("user", "alice", "database", "shop")), ALLOC));
        client.writeInbound(FrontendCodec.encode(new FrontendMessage.PasswordMessage("token"), ALLOC));
        settle();
        List<Character> login = new ArrayList<>();
        for (ByteBuf b : clientReceived()) {
            login.add((char) b.getByte(0));
            b.release();
        }
        assertEquals('Z', login.get(login.size() - 1), "logged in: " + login);
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        if (connector.server != null) {
            connector.server.finishAndReleaseAll();
        }
    }

    private void settle() {
        for (int i = 0; i < 5; i++) {
            client.runPendingTasks();
            if (connector.server != null) {
                connector.server.runPendingTasks();
            }
        }
    }

    private void clientSends(FrontendMessage... messages) {
        ByteBuf all = Unpooled.buffer();
        for (FrontendMessage m : messages) {
            ByteBuf b = FrontendCodec.encode(m, ALLOC);
            all.writeBytes(b);
            b.release();
        }
        client.writeInbound(all); // one read: a pipelining client
        settle();
    }

    private void serverSends(BackendMessage... messages) {
        ByteBuf all = Unpooled.buffer();
        for (BackendMessage m : messages) {
            ByteBuf b = BackendCodec.encode(m, ALLOC);
            all.writeBytes(b);
            b.release();
        }
        connector.server.writeInbound(all);
        settle();
    }

    private static String hex(FrontendMessage... messages) {
        StringBuilder out = new StringBuilder();
        for (FrontendMessage m : messages) {
            ByteBuf b = FrontendCodec.encode(m, ALLOC);
            out.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
    }

    private static String hex(BackendMessage... messages) {
        StringBuilder out = new StringBuilder();
        for (BackendMessage m : messages) {
            ByteBuf b = BackendCodec.encode(m, ALLOC);
            out.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
    }

    /** Everything the engine wrote to the server since the last call, as hex. */
    private String serverReceived() {
        StringBuilder out = new StringBuilder();
        Object m;
        while ((m = connector.server.readOutbound()) != null) {
            out.append(ByteBufUtil.hexDump((ByteBuf) m));
            ReferenceCountUtil.release(m);
        }
        return out.toString();
    }

    private List<ByteBuf> clientReceived() {
        List<ByteBuf> out = new ArrayList<>();
        Object m;
        while ((m = client.readOutbound()) != null) {
            out.add((ByteBuf) m);
        }
        return out;
    }

    private String clientReceivedHex() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b : clientReceived()) {
            out.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
    }

    private static final BackendMessage READY = new BackendMessage.ReadyForQuery((byte) 'I');

    @Test
    void aBindPipelinedPastASyncWaitsForTheParseToBeConfirmed() {
        var parse = new FrontendMessage.Parse("s1", "SELECT 1", List.of());
        var bind = new FrontendMessage.Bind("", "s1", List.of(), List.of(), List.of());
        clientSends(parse, new FrontendMessage.Sync(), bind, new FrontendMessage.Execute("", 0), new FrontendMessage.Sync());
        assertEquals(hex(parse, new FrontendMessage.Sync()), serverReceived(), "the Bind waits: the Parse may fail");

        serverSends(new BackendMessage.ParseComplete(), READY);
        assertEquals(hex(bind, new FrontendMessage.Describe((byte) 'P', ""), new FrontendMessage.Execute("", 0),
                new FrontendMessage.Sync()), serverReceived(), "confirmed: the Bind goes on, with the engine's Describe");
        assertEquals(hex(new BackendMessage.ParseComplete(), READY), clientReceivedHex());
        StatementGate.Statement executed = gate.seen.get(gate.seen.size() - 1);
        assertEquals(StatementGate.Protocol.EXECUTE, executed.protocol());
        assertEquals("SELECT 1", executed.sql());
    }

    @Test
    void aParseTheServerRefusesLeavesTheOldStatementToBeJudged() {
        clientSends(new FrontendMessage.Parse("s1", "UPDATE t SET a = 1", List.of()), new FrontendMessage.Sync());
        serverSends(new BackendMessage.ParseComplete(), READY);
        clientSends(new FrontendMessage.Parse("s1", "SELECT 1", List.of()), new FrontendMessage.Sync(),
                new FrontendMessage.Bind("", "s1", List.of(), List.of(), List.of()), new FrontendMessage.Execute("", 0),
                new FrontendMessage.Sync());
        serverReceived();
        serverSends(BackendMessage.ErrorResponse.of("ERROR", "42P05", "prepared statement \"s1\" already exists"), READY);
        StatementGate.Statement executed = gate.seen.get(gate.seen.size() - 1);
        assertEquals(StatementGate.Protocol.EXECUTE, executed.protocol());
        assertEquals("UPDATE t SET a = 1", executed.sql(), "what the server holds, not what the refused Parse sent");
        assertTrue(executed.prepared() instanceof RecordingGate.Kept kept && kept.sql().equals("UPDATE t SET a = 1"));
    }

    @Test
    void aBindOfANameTheGatewayDoesNotKnowIsRefusedAndNeverForwarded() {
        clientSends(new FrontendMessage.Bind("", "nope", List.of(), List.of(), List.of()), new FrontendMessage.Execute("", 0),
                new FrontendMessage.Sync());
        assertEquals(hex(new FrontendMessage.Parse(PreparedStatements.REFUSED_STAND_IN, DeniedStatement.STAND_IN_SQL, List.of()),
                new FrontendMessage.Sync()), serverReceived(), "a stand-in that fails, so the server skips to Sync; no Bind, no Execute");
        serverSends(BackendMessage.ErrorResponse.of("ERROR", "42601", "syntax error"), READY);
        assertEquals(hex(BackendMessage.ErrorResponse.of("ERROR", "26000",
                "prepared statement \"nope\" does not exist (the gateway does not know it)"), READY), clientReceivedHex());
    }

    @Test
    void anExecuteOfAPortalTheGatewayDoesNotKnowIsRefused() {
        clientSends(new FrontendMessage.Execute("cur", 0), new FrontendMessage.Sync());
        assertEquals(hex(new FrontendMessage.Parse(PreparedStatements.REFUSED_STAND_IN, DeniedStatement.STAND_IN_SQL, List.of()),
                new FrontendMessage.Sync()), serverReceived());
        serverSends(BackendMessage.ErrorResponse.of("ERROR", "42601", "syntax error"), READY);
        assertEquals(hex(BackendMessage.ErrorResponse.of("ERROR", "34000",
                "portal \"cur\" does not exist (the gateway does not know it)"), READY), clientReceivedHex());
    }

    @Test
    void aDeallocateTakesEffectOnItsCommandComplete() {
        clientSends(new FrontendMessage.Parse("s1", "SELECT 1", List.of()), new FrontendMessage.Sync());
        serverSends(new BackendMessage.ParseComplete(), READY);
        serverReceived();
        clientReceivedHex();
        var bind = new FrontendMessage.Bind("", "s1", List.of(), List.of(), List.of());
        clientSends(new FrontendMessage.Query("DEALLOCATE s1"), bind, new FrontendMessage.Execute("", 0), new FrontendMessage.Sync());
        assertEquals(hex(new FrontendMessage.Query("DEALLOCATE s1")), serverReceived(), "the Bind waits for the DEALLOCATE's answer");

        serverSends(new BackendMessage.CommandComplete("DEALLOCATE"), READY);
        assertEquals(hex(new FrontendMessage.Parse(PreparedStatements.REFUSED_STAND_IN, DeniedStatement.STAND_IN_SQL, List.of()),
                new FrontendMessage.Sync()), serverReceived(), "s1 is gone: refused");
    }

    @Test
    void aDeallocateTheServerRefusesLeavesTheStatement() {
        clientSends(new FrontendMessage.Parse("s1", "SELECT 1", List.of()), new FrontendMessage.Sync());
        serverSends(new BackendMessage.ParseComplete(), READY);
        serverReceived();
        var bind = new FrontendMessage.Bind("", "s1", List.of(), List.of(), List.of());
        clientSends(new FrontendMessage.Query("DEALLOCATE s1"), bind, new FrontendMessage.Execute("", 0), new FrontendMessage.Sync());
        serverReceived();
        serverSends(BackendMessage.ErrorResponse.of("ERROR", "25P02", "current transaction is aborted"), READY);
        assertEquals(hex(bind, new FrontendMessage.Describe((byte) 'P', ""), new FrontendMessage.Execute("", 0),
                new FrontendMessage.Sync()), serverReceived());
    }
}
