package dev.bulwark.management;

import java.util.concurrent.CompletableFuture;

/**
 * Turns the token of a TCP hello into an operator. The engine's implementation verifies the token
 * like a client session's (same issuers) but for the management audience, then maps its groups to
 * a role, for example with {@link ManagementConfig.RoleMapping#roleFor}. The result carries the
 * token's expiry: the connection's rights end then.
 *
 * <p>Called on the management event loop: it must not block; fetching keys goes on another thread.
 * Complete exceptionally (any exception) or with null to refuse the token. Nothing about the token
 * ends up in logs or replies, whatever the failure.
 */
@FunctionalInterface
public interface OperatorAuthenticator {
    /** Refuses every token, for engines without the TLS listener. */
    OperatorAuthenticator REFUSE_ALL = token -> CompletableFuture.failedFuture(
            new IllegalStateException("no operator authenticator configured"));

    CompletableFuture<AuthenticatedOperator> authenticate(String token);
}
