package dev.bulwark.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A violation of the wire protocol or of the engine's limits. The message is safe to send to the
 * client: it never carries the bytes that caused it.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    public ProtocolException(String sqlState, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.sqlState = requireNonNull(sqlState, "sqlState is null");
    }

    public static ProtocolException violation(String message) {
        return new ProtocolException(SqlState.PROTOCOL_VIOLATION, message);
    }

    public String sqlState() {
        return sqlState;
    }
}
