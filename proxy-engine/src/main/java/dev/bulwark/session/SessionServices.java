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
        StatementGate gate,
        SessionObserver.Factory observers,
        SessionRegistry registry,
        UpstreamConnector upstreamConnector) {

    SessionServices {
        requireNonNull(listener, "listener is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(gatekeeper, "gatekeeper is null");
        requireNonNull(gate, "gate is null");
        requireNonNull(observers, "observers is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(upstreamConnector, "upstreamConnector is null");
    }

    FrameLimits frameLimits() {
        return new FrameLimits(FrameLimits.PG_STARTUP_LIMIT, limits.maxMessageBytesBeforeAuth(), limits.maxMessageBytes());
    }
}
