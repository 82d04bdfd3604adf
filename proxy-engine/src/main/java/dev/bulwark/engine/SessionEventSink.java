package dev.bulwark.engine;

import dev.bulwark.session.LiveSession;
import dev.bulwark.session.StatementGate;

/** Live session events for the management socket. Called on event loops; must be cheap and never block. */
interface SessionEventSink {
    SessionEventSink NONE = new SessionEventSink() {};

    default void started(LiveSession session) {}

    default void changed(LiveSession session) {}

    default void statement(LiveSession session, String sql, StatementGate.Decision decision) {}

    default void ended(LiveSession session, String reason) {}
}
