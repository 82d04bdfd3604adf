package dev.bulwark.console.client;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;

import static java.util.Objects.requireNonNull;

/** Opens {@link SocketConnection}s with shared-model's {@link ManagementClient}. */
public final class SocketConnector implements Connector {
    /** Replies to the console's requests should be quick; a dead engine should show soon. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final String clientName;

    public SocketConnector(String clientName) {
        this.clientName = requireNonNull(clientName, "clientName is null");
    }

    @Override
    public Connection open(ConnectTarget target, ConnectionEvents events) throws IOException {
        ClientOptions options = ClientOptions.defaults(clientName).withTimeout(TIMEOUT);
        Endpoint endpoint = switch (target.address()) {
            case EngineAddress.Local local -> new Endpoint.Unix(local.socket());
            case EngineAddress.Remote remote -> {
                options = options.withToken(token(target, remote));
                yield new Endpoint.Tls(remote.host(), remote.port(), tls(remote.caCertificate()));
            }
        };
        return SocketConnection.open(endpoint, options, events);
    }

    /** The typed token, else the token file's content (read now, so a refreshed token is used). */
    static String token(ConnectTarget target, EngineAddress.Remote remote) throws IOException {
        if (target.token() != null) {
            return target.token();
        }
        if (remote.tokenFile() == null) {
            throw new ManagementException(ErrorCode.UNAUTHORIZED,
                    "a remote engine needs a token: type one or name a token file");
        }
        String token = Files.readString(remote.tokenFile(), StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new ManagementException(ErrorCode.UNAUTHORIZED, "the token file " + remote.tokenFile() + " is empty");
        }
        return token;
    }

    /** Trusts the PEM certificates in {@code caFile}, or the JDK's trust store when it is null. */
    static SSLContext tls(Path caFile) throws IOException {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caFile)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + caFile);
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the certificates in " + caFile + ": " + e.getMessage(), e);
        }
    }
}
