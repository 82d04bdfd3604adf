package dev.bulwark.testing;

import dev.bulwark.auth.Identity;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.session.Admission;
import dev.bulwark.session.AdmissionException;
import dev.bulwark.session.Gatekeeper;
import dev.bulwark.session.UpstreamLogin;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A hand-written gatekeeper for session tests: passwords are names of known identities. */
public final class TestGatekeeper implements Gatekeeper {
    private final Map<String, TargetConfig> targets = new ConcurrentHashMap<>();
    private final Map<String, Identity> identities = new ConcurrentHashMap<>();
    private volatile String upstreamUser = TestPostgres.SCRAM_USER;
    private volatile String setRole;

    public TestGatekeeper target(TargetConfig target) {
        targets.put(target.name(), target);
        return this;
    }

    public TestGatekeeper identity(String password, String subject, Instant expiresAt, String... groups) {
        identities.put(password, new Identity(subject, Set.of(groups), "test", "jti-" + subject, expiresAt, Map.of()));
        return this;
    }

    public TestGatekeeper upstreamUser(String user) {
        this.upstreamUser = user;
        return this;
    }

    public TestGatekeeper setRole(String role) {
        this.setRole = role;
        return this;
    }

    @Override
    public CompletableFuture<Admission> admit(String target, String user, String password, InetSocketAddress client) {
        Identity identity = identities.get(password);
        if (identity == null) {
            return CompletableFuture.failedFuture(new AdmissionException(SqlState.INVALID_PASSWORD, "token signature invalid"));
        }
        TargetConfig config = targets.get(target);
        if (config == null) {
            return CompletableFuture.failedFuture(new AdmissionException(SqlState.INVALID_CATALOG_NAME,
                    "target \"" + target + "\" does not exist"));
        }
        return CompletableFuture.completedFuture(new Admission(identity,
                new UpstreamLogin(config, upstreamUser, TestPostgres.PASSWORD, setRole)));
    }
}
