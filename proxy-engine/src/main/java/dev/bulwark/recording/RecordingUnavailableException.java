package dev.bulwark.recording;

/**
 * A frame could not be recorded (the store failed, or the recorder is closed). For a STRICT target
 * the engine must not run the statement: it answers the client with {@link #SQLSTATE} and
 * {@link #CLIENT_MESSAGE}.
 *
 * <p>Why 58030 (io_error) and not 57P03 (cannot_connect_now): the server is up and the connection
 * is fine; a write to durable storage failed, which is what class 58 (system error) means. 57P03
 * tells pools and drivers that the server is starting up or shutting down, which would make them
 * drop healthy connections.
 */
public final class RecordingUnavailableException extends RuntimeException {
    /** The SQLSTATE a client gets when a statement is refused because it cannot be recorded. */
    public static final String SQLSTATE = "58030";
    /** The message a client gets (no internal details). */
    public static final String CLIENT_MESSAGE =
            "audit recording is unavailable: statement refused (this target requires every statement to be recorded)";

    public RecordingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public String sqlState() {
        return SQLSTATE;
    }
}
