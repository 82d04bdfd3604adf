package dev.bulwark.management;

import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementListener;
import dev.bulwark.model.client.ManagementClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real management server on a real Unix socket in a temp directory, in front of a
 * {@link FakeBackend}. Public so the ctl tests can use it.
 */
public final class TestServer implements AutoCloseable {
    public final EventHub hub = new EventHub();
    public final FakeBackend fake = new FakeBackend(hub);
    public final ManagementServer server;
    private final Path directory;

    private TestServer(Path directory, ManagementConfig config, OperatorAuthenticator authenticator,
            UnixAccounts accounts) throws IOException {
        this.directory = directory;
        this.server = ManagementServer.start(config, directory, fake.backend(), hub, authenticator, accounts);
    }

    /** Default configuration, socket in {@code directory}: the test process's user is an admin. */
    public static TestServer start(Path directory) throws IOException {
        return start(directory, new Config().build());
    }

    public static TestServer start(Path directory, ManagementConfig config) throws IOException {
        return new TestServer(directory, config, OperatorAuthenticator.REFUSE_ALL, UnixAccounts.system());
    }

    static TestServer start(Path directory, ManagementConfig config, OperatorAuthenticator authenticator,
            UnixAccounts accounts) throws IOException {
        return new TestServer(directory, config, authenticator, accounts);
    }

    public Path socket() {
        return server.socketPath().orElseThrow();
    }

    public Path directory() {
        return directory;
    }

    public ManagementClient connect() throws IOException {
        return connect(ManagementListener.NONE);
    }

    public ManagementClient connect(ManagementListener listener) throws IOException {
        return ManagementClient.connect(new Endpoint.Unix(socket()),
                ClientOptions.defaults("test").withListener(listener).withTimeout(Duration.ofSeconds(10)));
    }

    public RawConnection raw() throws IOException {
        return RawConnection.open(socket());
    }

    @Override
    public void close() {
        server.close();
        fake.close();
    }

    /** A ManagementConfig with test-friendly knobs; unset ones keep their defaults. */
    public static final class Config {
        Boolean trustEngineUser;
        List<ManagementConfig.LocalOperator> operators;
        ManagementConfig.TcpListener tcp;
        Integer maxLineBytes;
        Integer maxSubscriptions;
        Integer maxQueuedEvents;
        Integer helloTimeoutSeconds;
        Integer idleTimeoutSeconds;
        Integer requestTimeoutSeconds;
        String socket;

        public Config trustEngineUser(boolean value) {
            trustEngineUser = value;
            return this;
        }

        public Config operators(ManagementConfig.LocalOperator... value) {
            operators = List.of(value);
            return this;
        }

        public Config tcp(ManagementConfig.TcpListener value) {
            tcp = value;
            return this;
        }

        public Config maxLineBytes(int value) {
            maxLineBytes = value;
            return this;
        }

        public Config maxSubscriptions(int value) {
            maxSubscriptions = value;
            return this;
        }

        public Config maxQueuedEvents(int value) {
            maxQueuedEvents = value;
            return this;
        }

        public Config helloTimeoutSeconds(int value) {
            helloTimeoutSeconds = value;
            return this;
        }

        public Config idleTimeoutSeconds(int value) {
            idleTimeoutSeconds = value;
            return this;
        }

        public Config requestTimeoutSeconds(int value) {
            requestTimeoutSeconds = value;
            return this;
        }

        public Config socket(Path value) {
            socket = value.toString();
            return this;
        }

        public ManagementConfig build() {
            return new ManagementConfig(null, socket, null, null, trustEngineUser, operators, tcp, maxLineBytes,
                    maxSubscriptions, null, maxQueuedEvents, helloTimeoutSeconds, idleTimeoutSeconds,
                    requestTimeoutSeconds);
        }
    }
}
