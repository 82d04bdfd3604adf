package dev.bulwark.approval;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A clock and timers that tests move by hand: {@link #advance} moves the clock and runs, on the
 * calling thread, every task that has come due, in due order.
 */
final class ManualTime implements InstantSource, Timers {
    private Instant now;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualTime(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable action) {
        Task task = new Task(now.plus(delay), sequence++, action);
        tasks.add(task);
        return () -> {
            synchronized (ManualTime.this) {
                tasks.remove(task);
            }
        };
    }

    /** Timers still waiting (cancelled ones are gone). */
    synchronized int scheduled() {
        return tasks.size();
    }

    void advance(Duration duration) {
        Instant target;
        synchronized (this) {
            target = now.plus(duration);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(task -> !task.due.isAfter(target))
                        .min(Comparator.comparing(Task::due).thenComparingLong(Task::sequence))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = next.due;
            }
            next.action.run(); // outside the lock, as a real timer thread would
        }
    }

    private record Task(Instant due, long sequence, Runnable action) {}
}
