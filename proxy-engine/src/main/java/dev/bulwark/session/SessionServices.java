package dev.bulwark.session;

import dev.bulwark.config.LimitsConfig;
import dev.bulwark.config.ListenerConfig;
import dev.bulwark.protocol.FrameLimits;
import io.netty.handler.ssl.SslContext;

import static java.util.Objects.requireNonNull;

/** What every session of one listener shares. */
record SessionServices(
        ListenerConfig listener,
        LimitsConfig limits,
        SslContext serverTls,
        Gatekeeper gatekeeper,
        SessionHooks.Factory hooks,
        SessionRegistry registry,
        UpstreamConnector upstreamConnector) {

    SessionServices {
        requireNonNull(listener, "listener is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(gatekeeper, "gatekeeper is null");
        requireNonNull(hooks, "hooks is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(upstreamConnector, "upstreamConnector is null");
    }

    FrameLimits frameLimits() {
        return new FrameLimits(FrameLimits.PG_STARTUP_LIMIT, limits.maxMessageBytesBeforeAuth(), limits.maxMessageBytes());
    }
}
