package dev.bulwark.console.ui;

import java.util.function.Consumer;

/**
 * Long work (loading a large recording, streaming the audit trail) off the UI thread, with progress
 * and cancellation. The application runs it as a {@code javafx.concurrent.Task} ({@link FxWorker});
 * tests run it synchronously on the calling thread.
 */
public interface Worker {

    /**
     * Starts work. Progress, success and failure are reported on the UI thread; a cancelled job
     * reports a {@link java.util.concurrent.CancellationException} to {@code onFailure}.
     */
    <T> Job start(Work<T> work, Progress progress, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure);

    /** The work itself. It runs on a background thread and may block. */
    @FunctionalInterface
    interface Work<T> {
        T run(Context context) throws Exception;
    }

    /** What running work may ask and tell. */
    interface Context {
        /** Whether the user cancelled; long loops check it between steps and stop. */
        boolean isCancelled();

        /** Reports progress; {@code total} is -1 when unknown. */
        void progress(long done, long total, String message);
    }

    /** Receives progress on the UI thread: a fraction from 0 to 1, or -1 when unknown. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = (fraction, message) -> {};

        void update(double fraction, String message);
    }

    /** Started work. */
    interface Job {
        Job DONE = () -> {};

        void cancel();
    }
}
