package dev.bulwark.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The management socket: newline-delimited JSON ({@link dev.bulwark.model.ClientMessage} in,
 * {@link dev.bulwark.model.EngineMessage} out) on a Unix domain socket, where the kernel tells who
 * the peer is (SO_PEERCRED), and optionally on a TLS listener, where a token in the hello does.
 *
 * <p>It runs on its own single-thread epoll event loop, so operators keep control of an engine
 * whose client traffic is saturated, and a slow backend call cannot stall client sessions.
 *
 * <p>The socket file is bound inside a fresh 0700 directory, given its mode and group there, and
 * only then renamed into place, so there is no moment at which it is reachable with the umask's
 * permissions. A stale socket left by a crashed engine is replaced; a live one is not.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** The longest path a Unix socket address holds (sun_path is 108 bytes with its NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final int SOCKET_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel unixListener;
    private final Path socketPath;
    private final Object socketFileKey;
    private final Channel tcpListener;

    private ManagementServer(EventLoopGroup group, ChannelGroup connections, Channel unixListener, Path socketPath,
            Object socketFileKey, Channel tcpListener) {
        this.group = group;
        this.connections = connections;
        this.unixListener = unixListener;
        this.socketPath = socketPath;
        this.socketFileKey = socketFileKey;
        this.tcpListener = tcpListener;
    }

    /**
     * Binds the Unix socket (unless disabled) and the TLS listener (if enabled). Blocks while it
     * binds and reads /etc/passwd, /etc/group and the key files: call it at startup, not on an event loop.
     *
     * @param dataDirectory where the socket goes unless {@code management.socket} says otherwise
     * @param authenticator verifies TLS hellos' tokens; {@link OperatorAuthenticator#REFUSE_ALL} without the listener
     * @throws IOException when a listener cannot be bound (another engine on the socket, a bad key)
     */
    public static ManagementServer start(ManagementConfig config, Path dataDirectory, ManagementBackend backend,
            EventHub hub, OperatorAuthenticator authenticator) throws IOException {
        return start(config, dataDirectory, backend, hub, authenticator, UnixAccounts.system());
    }

    static ManagementServer start(ManagementConfig config, Path dataDirectory, ManagementBackend backend, EventHub hub,
            OperatorAuthenticator authenticator, UnixAccounts accounts) throws IOException {
        requireNonNull(config, "config is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        if (!Epoll.isAvailable()) {
            throw new IOException("the management socket needs Linux epoll: " + Epoll.unavailabilityCause());
        }
        ServerContext context = new ServerContext(config, new RequestDispatcher(backend), hub, authenticator,
                new PeerOperators(config, accounts, engineUid()), backend.engine().version());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bulwark-mgmt", true),
                EpollIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("management", GlobalEventExecutor.INSTANCE);
        Channel unix = null;
        Channel tcp = null;
        try {
            Path socket = null;
            Object fileKey = null;
            if (config.enabled()) {
                socket = config.socketPath(dataDirectory).toAbsolutePath();
                unix = bindUnix(config, socket, group, context, connections);
                fileKey = Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).fileKey();
                LOG.info("management socket listening on {} (mode {}{})", socket, config.socketMode(),
                        config.socketGroup() == null ? "" : ", group " + config.socketGroup());
            }
            if (config.tcp().enabled()) {
                tcp = bindTls(config, group, context, connections);
                LOG.info("management TLS listener on {}", tcp.localAddress());
            }
            return new ManagementServer(group, connections, unix, socket, fileKey, tcp);
        } catch (IOException | RuntimeException e) {
            if (unix != null) {
                unix.close().syncUninterruptibly();
            }
            if (tcp != null) {
                tcp.close().syncUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /** Where the Unix socket listens, absent when disabled. */
    public Optional<Path> socketPath() {
        return Optional.ofNullable(socketPath);
    }

    /** Where the TLS listener listens (with the actual port when configured as 0), absent when disabled. */
    public Optional<InetSocketAddress> tcpAddress() {
        return tcpListener == null ? Optional.empty() : Optional.of((InetSocketAddress) tcpListener.localAddress());
    }

    /**
     * Closes the listeners and every connection (ending their subscriptions) and removes the socket
     * file. Blocks up to a few seconds: call it at shutdown, not on an event loop.
     */
    @Override
    public void close() {
        if (unixListener != null) {
            unixListener.close().syncUninterruptibly();
        }
        if (tcpListener != null) {
            tcpListener.close().syncUninterruptibly();
        }
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (socketPath != null) {
            try {
                // Only our own file: a newer engine may have replaced it meanwhile.
                if (Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS) && socketFileKey != null
                        && socketFileKey.equals(Files.readAttributes(socketPath,
                                java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey())) {
                    Files.delete(socketPath);
                }
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", socketPath, e.toString());
            }
        }
    }

    private static Channel bindUnix(ManagementConfig config, Path socket, EventLoopGroup group, ServerContext context,
            ChannelGroup connections) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("management.socket: " + socket + " is longer than a Unix socket path may be ("
                    + MAX_SOCKET_PATH_BYTES + " bytes)");
        }
        Path directory = socket.getParent();
        Files.createDirectories(directory);
        removeStaleSocket(socket);
        Path staging = Files.createTempDirectory(directory, ".mgmt-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = staging.resolve("s");
        Channel listener = null;
        try {
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                    .childHandler(initializer(context, connections, null))
                    .bind(new DomainSocketAddress(staged.toString()))
                    .syncUninterruptibly()
                    .channel();
            Files.setPosixFilePermissions(staged, config.socketPermissions());
            if (config.socketGroup() != null) {
                try {
                    Files.getFileAttributeView(staged, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setGroup(FileSystems.getDefault().getUserPrincipalLookupService()
                                    .lookupPrincipalByGroupName(config.socketGroup()));
                } catch (IOException e) {
                    throw new IOException("management.socket_group: cannot give the socket to group "
                            + config.socketGroup() + " (" + e.getMessage() + "); the engine's user must belong to it", e);
                }
            }
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE);
            return listener;
        } catch (IOException | RuntimeException e) {
            if (listener != null) {
                listener.close().syncUninterruptibly();
            }
            throw e;
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(staging);
        }
    }

    /** Removes a socket file nobody listens on; refuses to touch a live socket or a non-socket. */
    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & SOCKET_TYPE_MASK) != SOCKET_TYPE) {
            throw new IOException("management.socket: " + socket + " exists and is not a socket; not replacing it");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            live = probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            live = false;
        }
        if (live) {
            throw new IOException("management.socket: another engine already listens on " + socket);
        }
        LOG.info("removing the stale management socket {}", socket);
        Files.delete(socket);
    }

    private static Channel bindTls(ManagementConfig config, EventLoopGroup group, ServerContext context,
            ChannelGroup connections) throws IOException {
        ManagementConfig.TcpListener tcp = config.tcp();
        SslContext tls;
        try {
            tls = SslContextBuilder.forServer(new File(tcp.certificate()), new File(tcp.privateKey()))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (IOException | RuntimeException e) {
            // The message names the files, never their content.
            throw new IOException("management.tcp: cannot load the certificate " + tcp.certificate()
                    + " and private key " + tcp.privateKey() + ": " + e.getClass().getSimpleName(), e);
        }
        try {
            return new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer(context, connections, tls))
                    .bind(tcp.host(), tcp.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            throw new IOException("management.tcp: cannot listen on " + tcp.host() + ":" + tcp.port() + ": " + e.getMessage(), e);
        }
    }

    /** Subscriptions queue their events past the high mark (see max_queued_events) rather than grow the buffer. */
    private static WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024);
    }

    private static ChannelInitializer<Channel> initializer(ServerContext context, ChannelGroup connections, SslContext tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                connections.add(channel);
                ChannelPipeline pipeline = channel.pipeline();
                if (tls != null) {
                    pipeline.addLast("tls", tls.newHandler(channel.alloc()));
                }
                JsonLineDecoder decoder = new JsonLineDecoder(
                        Math.min(ManagementConfig.MAX_HELLO_LINE_BYTES, context.config().maxLineBytes()));
                pipeline.addLast("flush", new FlushConsolidationHandler(256, true));
                pipeline.addLast("idle", new IdleStateHandler(context.config().idleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS));
                pipeline.addLast("lines", decoder);
                pipeline.addLast("json", EngineMessageEncoder.INSTANCE);
                pipeline.addLast("connection", new ManagementConnection(context,
                        tls == null ? ManagementConnection.Transport.UNIX : ManagementConnection.Transport.TLS, decoder));
            }
        };
    }

    /** The engine's own uid, from /proc (Linux), or -1 when unknown. */
    private static int engineUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot tell the engine's own uid: {}", e.toString());
            return -1;
        }
    }
}
