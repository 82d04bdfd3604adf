package dev.bulwark.console.fake;

import dev.bulwark.console.ui.UiScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link UiScheduler} for view model tests: {@link #execute} runs at once on the calling thread,
 * timers wait for {@link #advance}, and {@link #now} is a clock the test moves.
 */
public final class ManualUiScheduler implements UiScheduler {
    private final List<Timer> timers = new ArrayList<>();
    private Instant now;
    private long order;

    private final class Timer implements Cancellable {
        Instant due;
        final Duration period;
        final Runnable task;
        final long created = order++;
        boolean cancelled;

        Timer(Instant due, Duration period, Runnable task) {
            this.due = due;
            this.period = period;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    public ManualUiScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized void execute(Runnable task) {
        task.run();
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Timer timer = new Timer(now.plus(delay), null, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public synchronized Cancellable repeat(Duration period, Runnable task) {
        Timer timer = new Timer(now.plus(period), period, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /** Moves the clock on, running every timer that falls due, in order. */
    public synchronized void advance(Duration duration) {
        Instant end = now.plus(duration);
        while (true) {
            timers.removeIf(timer -> timer.cancelled);
            Timer next = timers.stream()
                    .filter(timer -> !timer.due.isAfter(end))
                    .min(Comparator.<Timer, Instant>comparing(timer -> timer.due).thenComparingLong(timer -> timer.created))
                    .orElse(null);
            if (next == null) {
                break;
            }
            now = next.due;
            if (next.period == null) {
                timers.remove(next);
            } else {
                next.due = next.due.plus(next.period);
            }
            next.task.run();
        }
        now = end;
    }

    /** Timers still waiting (not cancelled). */
    public synchronized int pendingTimers() {
        timers.removeIf(timer -> timer.cancelled);
        return timers.size();
    }
}
