package dev.bulwark.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A few idle connections kept for queries. Not a full pool: connections are opened on demand when
 * none is idle and closed when the idle set is full, which is enough for the management socket and
 * the CLI. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
    interface Factory {
        Connection open() throws SQLException;
    }

    private final Factory factory;
    private final ArrayBlockingQueue<Connection> idle;
    private volatile boolean closed;

    ConnectionPool(Factory factory, int maxIdle) {
        this.factory = factory;
        this.idle = new ArrayBlockingQueue<>(maxIdle);
    }

    Connection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("audit store is closed", "08003");
        }
        Connection connection;
        while ((connection = idle.poll()) != null) {
            if (!connection.isClosed()) {
                return connection;
            }
        }
        return factory.open();
    }

    /** Returns a connection; a broken one (after an error) is closed instead of kept. */
    void giveBack(Connection connection, boolean broken) {
        boolean keep = !broken && !closed;
        if (keep) {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                keep = false;
            }
        }
        if (!keep || !idle.offer(connection)) {
            closeQuietly(connection);
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection connection;
        while ((connection = idle.poll()) != null) {
            closeQuietly(connection);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing after a failure: nothing more to do
        }
    }
}
