package dev.bulwark.engine;

import dev.bulwark.auth.AuthenticationException;
import dev.bulwark.auth.Grant;
import dev.bulwark.auth.Grants;
import dev.bulwark.auth.Identity;
import dev.bulwark.auth.TokenVerifier;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.session.Admission;
import dev.bulwark.session.AdmissionException;
import dev.bulwark.session.Gatekeeper;
import dev.bulwark.session.UpstreamLogin;
import dev.bulwark.vault.CredentialReference;
import dev.bulwark.vault.CredentialResolver;
import dev.bulwark.vault.VaultException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Admits a client: the password is an OIDC token, verified against the configured issuers; the
 * identity must hold a grant for the target it names; the upstream login comes from the vault (or
 * the grant's own credential). The database user name a client sends must be the token's subject
 * (the issuer's {@code subject_claim}): the token says who it is, and the user name may not say otherwise.
 */
final class TokenGatekeeper implements Gatekeeper {
    private static final Logger log = LoggerFactory.getLogger(TokenGatekeeper.class);

    private final EngineConfig config;
    private final TokenVerifier verifier;
    private final Grants grants;
    private final CredentialResolver credentials;

    private final java.util.Map<String, CredentialReference> serviceCredentials = new java.util.HashMap<>();

    TokenGatekeeper(EngineConfig config, TokenVerifier verifier, Grants grants, CredentialResolver credentials) {
        this.config = config;
        this.verifier = verifier;
        this.grants = grants;
        this.credentials = credentials;
        for (TargetConfig target : config.targets()) {
            serviceCredentials.put(target.name(), CredentialResolver.check("targets[" + target.name() + "].credential", target.credential()));
        }
    }

    @Override
    public CompletableFuture<Admission> admit(String target, String user, String password, InetSocketAddress client) {
        return verifier.verify(password)
                .exceptionallyCompose(TokenGatekeeper::asAdmissionFailure)
                .thenCompose(identity -> {
                    if (!identity.subject().equals(user)) {
                        // The startup user must be who the token says (its subject, or the issuer's subject_claim),
                        // so what a client, its logs and PostgreSQL-facing tools show as the user is true.
                        log.info("login refused: startup user \"{}\" is not the token's subject \"{}\"", printable(user),
                                printable(identity.subject()));
                        return CompletableFuture.failedFuture(new AdmissionException(SqlState.INVALID_AUTHORIZATION,
                                "user \"" + printable(user) + "\" does not match the token's subject \""
                                        + printable(identity.subject()) + "\""));
                    }
                    return login(identity, target);
                });
    }

    private CompletableFuture<Admission> login(Identity identity, String targetName) {
        TargetConfig target = config.target(targetName);
        if (target == null) {
            return CompletableFuture.failedFuture(new AdmissionException(SqlState.INVALID_CATALOG_NAME,
                    "target \"" + printable(targetName) + "\" does not exist"));
        }
        Grant grant;
        try {
            grant = grants.authorize(identity, targetName);
        } catch (AuthenticationException e) {
            return CompletableFuture.failedFuture(new AdmissionException(e.sqlState(), e.getMessage()));
        }
        CredentialReference reference = grant.roleCredential().orElseGet(() -> serviceCredentials.get(targetName));
        return credentials.resolve(target.username(), reference)
                .handle((credential, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        log.warn("cannot resolve the credential for target {}: {}", targetName,
                                cause instanceof VaultException ? cause.getMessage() : cause.getClass().getSimpleName());
                        throw new AdmissionException(SqlState.CONNECTION_REJECTED,
                                "could not log in to target \"" + targetName + "\"");
                    }
                    return new Admission(identity, new UpstreamLogin(target, credential.user(), credential.password(),
                            grant.setRole() ? grant.role() : null));
                });
    }

    private static CompletableFuture<Identity> asAdmissionFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof AuthenticationException e) {
            return CompletableFuture.failedFuture(new AdmissionException(e.sqlState(), e.getMessage()));
        }
        log.warn("token verification failed unexpectedly: {}", cause.getClass().getSimpleName());
        return CompletableFuture.failedFuture(new AdmissionException(SqlState.INVALID_PASSWORD, "token could not be verified"));
    }

    private static String printable(String name) {
        String cut = name.length() > 63 ? name.substring(0, 63) + "..." : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
