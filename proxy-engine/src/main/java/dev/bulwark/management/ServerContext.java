package dev.bulwark.management;

import static java.util.Objects.requireNonNull;

/** What every connection of one server shares. */
record ServerContext(
        ManagementConfig config,
        RequestDispatcher dispatcher,
        EventHub hub,
        OperatorAuthenticator authenticator,
        PeerOperators peerOperators,
        String engineVersion) {

    ServerContext {
        requireNonNull(config, "config is null");
        requireNonNull(dispatcher, "dispatcher is null");
        requireNonNull(hub, "hub is null");
        requireNonNull(authenticator, "authenticator is null");
        requireNonNull(peerOperators, "peerOperators is null");
        requireNonNull(engineVersion, "engineVersion is null");
    }
}
