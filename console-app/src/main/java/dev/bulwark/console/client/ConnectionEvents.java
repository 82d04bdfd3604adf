package dev.bulwark.console.client;

import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;

/**
 * What a {@link Connection} pushes, on its reader thread, in the order the engine sent it. Must
 * return quickly.
 */
public interface ConnectionEvents {
    /** A subscription started from this state. */
    void snapshot(EventSnapshot snapshot);

    void event(Event event);

    /** The engine dropped the subscription because the console fell behind: subscribe again. */
    void dropped(String reason);

    /** The connection ended; {@code cause} is null when the console closed it. */
    void closed(Throwable cause);
}
