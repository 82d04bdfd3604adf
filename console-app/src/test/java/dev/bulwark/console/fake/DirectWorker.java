package dev.bulwark.console.fake;

import dev.bulwark.console.ui.Worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/** A {@link Worker} that runs the work at once on the calling thread, for view model tests. */
public final class DirectWorker implements Worker {
    private final List<String> progressMessages = new ArrayList<>();
    private volatile boolean cancelNext;

    /** The next job sees itself cancelled from the start (to test cancel paths). */
    public void cancelNext() {
        cancelNext = true;
    }

    public List<String> progressMessages() {
        return progressMessages;
    }

    @Override
    public <T> Job start(Work<T> work, Progress progress, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        boolean[] cancelled = {cancelNext};
        cancelNext = false;
        T result;
        try {
            result = work.run(new Context() {
                @Override
                public boolean isCancelled() {
                    return cancelled[0];
                }

                @Override
                public void progress(long done, long total, String message) {
                    progressMessages.add(message);
                    progress.update(total <= 0 ? -1 : (double) done / total, message);
                }
            });
        } catch (CancellationException e) {
            onFailure.accept(e);
            return () -> {};
        } catch (Exception e) {
            onFailure.accept(e);
            return () -> {};
        }
        if (cancelled[0]) {
            onFailure.accept(new CancellationException("cancelled"));
        } else {
            onSuccess.accept(result);
        }
        return () -> cancelled[0] = true;
    }
}
