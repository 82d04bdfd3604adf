package dev.bulwark.masking;

/**
 * Masking could not be done safely (a malformed message, a COPY line longer than the limit). The
 * engine must not forward the data: it ends the query or session with an error. The message never
 * contains a value from the data.
 */
public final class MaskingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The SQLSTATE the engine should send: 08P01 for malformed messages, 42501 otherwise. */
    private final String sqlState;

    public MaskingException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    static MaskingException malformed(String message) {
        return new MaskingException("08P01", message);
    }

    static MaskingException refused(String message) {
        return new MaskingException("42501", message);
    }

    public String sqlState() {
        return sqlState;
    }
}
