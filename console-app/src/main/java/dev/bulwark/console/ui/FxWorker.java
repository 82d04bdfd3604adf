package dev.bulwark.console.ui;

import javafx.concurrent.Task;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Runs {@link Worker.Work} as JavaFX {@link Task}s on a small pool of daemon threads. */
public final class FxWorker implements Worker, AutoCloseable {
    private final ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "bulwark-console-worker");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public <T> Job start(Work<T> work, Progress progress, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return work.run(new Context() {
                    @Override
                    public boolean isCancelled() {
                        return Thread.currentThread().isInterrupted() || isTaskCancelled();
                    }

                    @Override
                    public void progress(long done, long total, String message) {
                        updateProgress(done, total);
                        updateMessage(message);
                    }
                });
            }

            private boolean isTaskCancelled() {
                return super.isCancelled();
            }
        };
        task.progressProperty().addListener((observable, old, value) ->
                progress.update(value.doubleValue(), task.getMessage()));
        task.messageProperty().addListener((observable, old, value) ->
                progress.update(task.getProgress(), value));
        task.setOnSucceeded(event -> onSuccess.accept(task.getValue()));
        task.setOnFailed(event -> onFailure.accept(task.getException()));
        task.setOnCancelled(event -> onFailure.accept(new CancellationException("cancelled")));
        pool.execute(task);
        return () -> task.cancel(true);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
