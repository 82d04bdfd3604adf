package dev.bulwark.store;

import java.util.Iterator;

/** Streams a node's chain records in seq order. Close it to release its connection. */
public interface ChainCursor extends Iterator<ChainRecord>, AutoCloseable {
    @Override
    void close();
}
