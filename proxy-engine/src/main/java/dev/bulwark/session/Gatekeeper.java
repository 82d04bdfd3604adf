package dev.bulwark.session;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Decides who may open a session on which target. Called on the event loop; must not block:
 * slow work (fetching keys, reading the vault) runs elsewhere and completes the future.
 * Failures complete the future with an {@link AdmissionException}.
 */
public interface Gatekeeper {
    CompletableFuture<Admission> admit(String target, String user, String password, InetSocketAddress client);
}
