package dev.bulwark.approval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/** Runs a task after a delay. Tests use a hand-driven implementation tied to their clock. */
interface Timers {

    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that may be called off. Cancelling a task that ran is harmless. */
    interface Cancellable {
        void cancel();
    }

    static Timers of(ScheduledExecutorService scheduler) {
        requireNonNull(scheduler, "scheduler is null");
        Logger log = LoggerFactory.getLogger(Timers.class);
        return (delay, task) -> {
            // A throwing task would be swallowed by the executor; say so instead.
            ScheduledFuture<?> future = scheduler.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("approval timer task failed", e);
                }
            }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
    }
}
