package dev.bulwark.store;

/**
 * The audit store could not be read or written. Messages name the operation and the database's
 * error text; they never carry credentials or recorded values.
 */
public final class StoreException extends RuntimeException {
    private final String sqlState;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
        this.sqlState = cause instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
    }

    public StoreException(String message) {
        super(message);
        this.sqlState = null;
    }

    /** The database's SQLSTATE when the cause was an {@link java.sql.SQLException}, else null. */
    public String sqlState() {
        return sqlState;
    }

    static StoreException wrap(String operation, java.sql.SQLException e) {
        return new StoreException(operation + " failed: " + e.getMessage(), e);
    }
}
