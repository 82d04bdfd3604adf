package dev.bulwark.console.ui;

import javafx.application.Platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The JavaFX application thread as a {@link UiScheduler}. Timers run on one small daemon thread
 * and only hand their task over to the FX thread, so a slow task never delays the timers.
 */
public final class FxUiScheduler implements UiScheduler, AutoCloseable {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bulwark-console-timers");
        thread.setDaemon(true);
        return thread;
    });
    private final Clock clock;

    public FxUiScheduler() {
        this(Clock.systemUTC());
    }

    public FxUiScheduler(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void execute(Runnable task) {
        requireNonNull(task, "task is null");
        Platform.runLater(task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        requireNonNull(task, "task is null");
        ScheduledFuture<?> future = timers.schedule(() -> Platform.runLater(task),
                Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Cancellable repeat(Duration period, Runnable task) {
        requireNonNull(task, "task is null");
        long millis = Math.max(1, period.toMillis());
        ScheduledFuture<?> future = timers.scheduleAtFixedRate(() -> Platform.runLater(task),
                millis, millis, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
