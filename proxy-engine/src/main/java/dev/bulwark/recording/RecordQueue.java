package dev.bulwark.recording;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The recorder's queue: bounded for admission, never dropping. An item offered while {@code capacity}
 * items are admitted waits (in order) until the writer has taken enough; its owner learns it was
 * admitted through {@link Entry#admitted()}, called on the writer thread. Items are only handed to
 * the writer once admitted, so FIFO order holds across both stages. Offering never blocks.
 *
 * <p>Waiting items are bounded too ({@code waitingLimit}), as a guard against a caller that ignores
 * backpressure: beyond it {@link #offer} refuses, loudly, instead of growing without bound.
 */
final class RecordQueue<E extends RecordQueue.Entry> {
    interface Entry {
        /** The item moved from waiting to admitted (writer thread). */
        void admitted();

        /** Whether the writer must handle this item alone, in its own transaction. */
        boolean exclusive();
    }

    enum Offer { ADMITTED, WAITING, REFUSED, CLOSED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<E> admitted = new ArrayDeque<>();
    private final ArrayDeque<E> waiting = new ArrayDeque<>();
    private final int capacity;
    private final int waitingLimit;
    private boolean closed;

    RecordQueue(int capacity, int waitingLimit) {
        this.capacity = capacity;
        this.waitingLimit = waitingLimit;
    }

    Offer offer(E entry) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (waiting.isEmpty() && admitted.size() < capacity) {
                admitted.addLast(entry);
                available.signal();
                return Offer.ADMITTED;
            }
            if (waiting.size() >= waitingLimit) {
                return Offer.REFUSED;
            }
            waiting.addLast(entry);
            return Offer.WAITING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} admitted items, waiting up to the timeout for the first. An exclusive
     * item comes alone. Returns an empty list on timeout and null once closed and drained. Items that
     * become admitted are told so before this returns.
     */
    List<E> take(int max, long timeout, TimeUnit unit) throws InterruptedException {
        List<E> batch = new ArrayList<>();
        List<E> newlyAdmitted = new ArrayList<>();
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (admitted.isEmpty()) {
                if (closed) {
                    return null;
                }
                if (nanos <= 0) {
                    return batch;
                }
                nanos = available.awaitNanos(nanos);
            }
            if (admitted.peekFirst().exclusive()) {
                batch.add(admitted.pollFirst());
            } else {
                while (batch.size() < max && !admitted.isEmpty() && !admitted.peekFirst().exclusive()) {
                    batch.add(admitted.pollFirst());
                }
            }
            while (admitted.size() < capacity && !waiting.isEmpty()) {
                E next = waiting.pollFirst();
                admitted.addLast(next);
                newlyAdmitted.add(next);
            }
        } finally {
            lock.unlock();
        }
        for (E entry : newlyAdmitted) {
            entry.admitted();
        }
        return batch;
    }

    /** Stops accepting; the writer drains what is queued (waiting items are admitted as room frees). */
    void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the writer (e.g. to run scheduled work) without adding an item. */
    void wake() {
        lock.lock();
        try {
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return admitted.size() + waiting.size();
        } finally {
            lock.unlock();
        }
    }
}
