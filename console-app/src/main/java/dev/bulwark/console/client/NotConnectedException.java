package dev.bulwark.console.client;

/** A request made while the console has no connection to an engine. */
public final class NotConnectedException extends RuntimeException {
    public NotConnectedException() {
        super("not connected to an engine", null, false, false);
    }
}
