package dev.bulwark.console.client;

import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;

import java.util.List;

/**
 * Receives the engine's live state, always on the UI thread: who the console is connected as, a
 * snapshot to start from (after every connect and every resubscribe), then the events after it in
 * batches. A listener that applies the snapshot by replacing its state and then each batch in order
 * always shows the engine's state.
 */
public interface LiveListener {

    /** Connected; {@code operator} is who the engine takes the console's user to be. */
    default void connected(Operator operator) {}

    /** Replace everything with this state. Lists of topics not subscribed to are empty. */
    default void snapshot(EventSnapshot snapshot) {}

    /** Events after the snapshot, in order; batched, so a busy engine costs one UI update per batch. */
    default void events(List<Event> events) {}

    /** The connection ended; a snapshot follows when it is back. */
    default void disconnected() {}
}
