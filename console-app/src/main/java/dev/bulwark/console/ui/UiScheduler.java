package dev.bulwark.console.ui;

import java.time.Duration;
import java.time.Instant;

/**
 * The UI thread and its clock, as view models see them. View models never call
 * {@code Platform.runLater} themselves: they hand work here, so tests can run it synchronously
 * with a hand-driven clock ({@code ManualUiScheduler} in the tests) and the application on the
 * JavaFX thread ({@link FxUiScheduler}).
 *
 * <p>Thread-safe: any thread may call {@link #execute} and {@link #schedule}.
 */
public interface UiScheduler {

    /** Runs a task on the UI thread soon, after the tasks handed over before it. */
    void execute(Runnable task);

    /** Runs a task on the UI thread once, after a delay. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs a task on the UI thread every period, the first time after one period. */
    Cancellable repeat(Duration period, Runnable task);

    /** The current time, from the same clock the delays are measured on. */
    Instant now();

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> {};

        /** Calls the task off; does nothing when it already ran (or was cancelled). */
        void cancel();
    }
}
