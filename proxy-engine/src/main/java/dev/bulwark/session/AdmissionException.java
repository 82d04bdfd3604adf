package dev.bulwark.session;

import static java.util.Objects.requireNonNull;

/** A client may not open a session; the message is safe to show the client (no secrets, no other targets). */
public final class AdmissionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    public AdmissionException(String sqlState, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.sqlState = requireNonNull(sqlState, "sqlState is null");
    }

    public String sqlState() {
        return sqlState;
    }
}
