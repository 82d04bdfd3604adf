package dev.bulwark.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A violation of the wire protocol or of the engine's limits. The message is safe to send to the
 * client: it never carries the bytes that caused it.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;
    private final boolean silent;

    public ProtocolException(String sqlState, String message) {
        this(sqlState, message, false);
    }

    private ProtocolException(String sqlState, String message, boolean silent) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.sqlState = requireNonNull(sqlState, "sqlState is null");
        this.silent = silent;
    }

    /**
     * A violation PostgreSQL only logs (COMMERROR) before it closes the connection without a reply,
     * such as a first packet whose length is no startup packet's (a client that sends Terminate before
     * it ever sent a StartupMessage).
     */
    public static ProtocolException silent(String message) {
        return new ProtocolException(SqlState.PROTOCOL_VIOLATION, message, true);
    }

    /** True when the client gets no ErrorResponse, only the close. */
    public boolean silent() {
        return silent;
    }

    public static ProtocolException violation(String message) {
        return new ProtocolException(SqlState.PROTOCOL_VIOLATION, message);
    }

    public String sqlState() {
        return sqlState;
    }
}
