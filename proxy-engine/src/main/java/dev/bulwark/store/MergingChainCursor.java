package dev.bulwark.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * Merges a node's frames and admin actions, each read in seq order, into one seq-ordered stream.
 * Holds a pooled connection until closed.
 */
final class MergingChainCursor implements ChainCursor {
    private final ConnectionPool pool;
    private final Connection connection;
    private final ResultSet frames;
    private final ResultSet admins;
    private ChainRecord nextFrame;
    private ChainRecord nextAdmin;
    private boolean broken;

    MergingChainCursor(Connection connection, ResultSet frames, ResultSet admins, ConnectionPool pool) throws SQLException {
        this.pool = pool;
        this.connection = connection;
        this.frames = frames;
        this.admins = admins;
        nextFrame = frames.next() ? Rows.frame(frames) : null;
        nextAdmin = admins.next() ? Rows.admin(admins) : null;
    }

    @Override
    public boolean hasNext() {
        return nextFrame != null || nextAdmin != null;
    }

    @Override
    public ChainRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        try {
            if (nextAdmin == null || (nextFrame != null && nextFrame.seq() <= nextAdmin.seq())) {
                ChainRecord result = nextFrame;
                nextFrame = frames.next() ? Rows.frame(frames) : null;
                return result;
            }
            ChainRecord result = nextAdmin;
            nextAdmin = admins.next() ? Rows.admin(admins) : null;
            return result;
        } catch (SQLException e) {
            broken = true;
            throw StoreException.wrap("read the audit chain", e);
        }
    }

    @Override
    public void close() {
        ConnectionPool.closeQuietly(frames);
        ConnectionPool.closeQuietly(admins);
        pool.giveBack(connection, broken);
    }
}
