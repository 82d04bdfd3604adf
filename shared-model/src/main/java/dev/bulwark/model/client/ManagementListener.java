package dev.bulwark.model.client;

import dev.bulwark.model.EngineMessage;

/**
 * Receives what the engine pushes. Every method is called on the client's reader thread, in the
 * order the engine sent the messages, so an implementation must return quickly (hand work to its
 * own executor or UI thread) and must not wait for a reply of the same client.
 */
public interface ManagementListener {
    /** Does nothing: for clients that do not subscribe. */
    ManagementListener NONE = new ManagementListener() {};

    /**
     * A subscription started. Called before the {@code subscribe} call's future completes and
     * before the subscription's first event, so applying the snapshot here and the events in
     * {@link #onEvent} keeps the state consistent.
     */
    default void onSubscribed(EngineMessage.Subscribed subscribed) {}

    /** An event of a subscription. */
    default void onEvent(EngineMessage.EventMessage event) {}

    /** The engine ended a subscription because the connection fell behind; subscribe again. */
    default void onDropped(EngineMessage.EventsDropped dropped) {}

    /** An error the engine could not tie to a request (it could not read the line). */
    default void onUncorrelatedError(EngineMessage.ErrorReply error) {}

    /** The connection ended; {@code cause} is null when this side closed it. */
    default void onClosed(Throwable cause) {}
}
