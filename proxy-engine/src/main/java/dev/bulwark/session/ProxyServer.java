package dev.bulwark.session;

import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A client listener. Each accepted connection gets its own {@link ClientConnection}; its upstream
 * connection is opened on the same event loop, so a session never crosses threads.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    /** Stop reading from the other side once this much is waiting to be written. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private ProxyServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
    }

    public static ProxyServer start(ListenerConfig listener, LimitsConfig limits, SslContext serverTls,
                                    Gatekeeper gatekeeper, SessionHooks.Factory hooks,
                                    SessionRegistry registry, int workerThreads) throws InterruptedException {
        UpstreamConnector connector = new UpstreamConnector(limits.maxMessageBytes(), limits.upstreamConnectTimeout());
        SessionServices services = new SessionServices(listener, limits, serverTls, gatekeeper, hooks, registry, connector);
        EventLoopGroup boss = Transport.group(1, "bulwark-accept");
        EventLoopGroup workers = Transport.group(workerThreads, "bulwark-io");
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(Transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ClientConnection session = new ClientConnection(services);
                            ch.pipeline().addLast("decoder", session.decoder());
                            ch.pipeline().addLast("session", session);
                        }
                    });
            Channel channel = bootstrap.bind(listener.host(), listener.port()).sync().channel();
            log.info("listening on {} (tls: {}, transport: {})", channel.localAddress(),
                    listener.tls().name().toLowerCase(), Transport.nativeEpoll() ? "epoll" : "nio");
            return new ProxyServer(boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
