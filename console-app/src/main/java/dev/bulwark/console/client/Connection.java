package dev.bulwark.console.client;

import dev.bulwark.model.EventTopic;
import dev.bulwark.model.Operator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One open, welcomed connection to an engine. */
public interface Connection extends ConsoleClient, AutoCloseable {

    /** Who the engine says the user is (from the hello reply). */
    Operator operator();

    /** The engine's version, from the hello reply. */
    String engineVersion();

    /**
     * Subscribes to events: the snapshot, then each event, go to the {@link ConnectionEvents} the
     * connection was opened with, in order.
     */
    CompletableFuture<Void> subscribe(List<EventTopic> topics);

    /** A round trip, to find a dead connection. */
    CompletableFuture<Void> ping();

    /** Closes the connection; {@link ConnectionEvents#closed} follows with a null cause. */
    @Override
    void close();
}
