package dev.bulwark.console.replay;

import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.console.ui.Worker;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Frame;
import dev.bulwark.model.RecordingQuery;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.VerdictAction;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Replay: search recorded sessions, load one (in pages, with progress, cancellable), then step,
 * play at 1x/2x/10x on the recorded timing, scrub, and export. Runs on the UI thread; loading runs
 * on the {@link Worker}.
 */
public final class ReplayViewModel {
    public static final List<Integer> SPEEDS = List.of(1, 2, 10);
    /** Frames per request while loading. */
    static final int PAGE = 1000;
    /** A session longer than this is shown cut, so one huge recording cannot exhaust the console's memory. */
    static final int MAX_FRAMES = 200_000;

    private final ConsoleClient client;
    private final UiScheduler ui;
    private final Worker worker;
    private final ZoneId zone;

    // Search
    private final StringProperty subject = new SimpleStringProperty(this, "subject", "");
    private final StringProperty target = new SimpleStringProperty(this, "target", "");
    private final ObjectProperty<LocalDate> from = new SimpleObjectProperty<>(this, "from");
    private final ObjectProperty<LocalDate> to = new SimpleObjectProperty<>(this, "to");
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final StringProperty table = new SimpleStringProperty(this, "table", "");
    private final ObjectProperty<VerdictAction> verdict = new SimpleObjectProperty<>(this, "verdict");
    private final ObservableList<RecordingSummary> recordings = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper searching = new ReadOnlyBooleanWrapper(this, "searching");
    private final ReadOnlyBooleanWrapper moreAvailable = new ReadOnlyBooleanWrapper(this, "moreAvailable");
    private final ReadOnlyStringWrapper searchMessage = new ReadOnlyStringWrapper(this, "searchMessage", "");
    private final ObjectProperty<RecordingSummary> selectedRecording = new SimpleObjectProperty<>(this, "selectedRecording");
    private RecordingQuery lastQuery;
    private String nextCursor;

    // Loading
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private Worker.Job loadJob = Worker.Job.DONE;

    // Player
    private final ReadOnlyObjectWrapper<RecordingSummary> openRecording = new ReadOnlyObjectWrapper<>(this, "openRecording");
    private final ReadOnlyObjectWrapper<FrameView> current = new ReadOnlyObjectWrapper<>(this, "current");
    private final ReadOnlyIntegerWrapper index = new ReadOnlyIntegerWrapper(this, "index", -1);
    private final ReadOnlyIntegerWrapper frameCount = new ReadOnlyIntegerWrapper(this, "frameCount");
    private final ReadOnlyStringWrapper position = new ReadOnlyStringWrapper(this, "position", "");
    private final ReadOnlyStringWrapper sessionTitle = new ReadOnlyStringWrapper(this, "sessionTitle", "");
    private final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper(this, "playing");
    private final IntegerProperty speed = new SimpleIntegerProperty(this, "speed", 1);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private ReplayTimeline timeline = ReplayTimeline.of(List.of());
    private List<Frame> frames = List.of();
    private UiScheduler.Cancellable playTimer = UiScheduler.Cancellable.NONE;

    public ReplayViewModel(ConsoleClient client, UiScheduler ui, Worker worker, ZoneId zone) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.worker = requireNonNull(worker, "worker is null");
        this.zone = requireNonNull(zone, "zone is null");
        speed.addListener((observable, old, value) -> {
            if (playing.get()) {
                scheduleNext();
            }
        });
    }

    // --- search ----------------------------------------------------------------------------------

    /** The query the search fields describe; throws IllegalArgumentException when they contradict. */
    RecordingQuery query() {
        return new RecordingQuery(subject.get(), target.get(),
                from.get() == null ? null : from.get().atStartOfDay(zone).toInstant(),
                to.get() == null ? null : to.get().plusDays(1).atStartOfDay(zone).toInstant(),
                text.get(), table.get(), verdict.get(), 0, null);
    }

    public void search() {
        RecordingQuery query;
        try {
            query = query();
        } catch (IllegalArgumentException e) {
            searchMessage.set("Check the search: " + e.getMessage());
            return;
        }
        lastQuery = query;
        recordings.clear();
        fetch(query);
    }

    public void loadMore() {
        if (lastQuery == null || nextCursor == null || searching.get()) {
            return;
        }
        RecordingQuery previous = lastQuery;
        fetch(new RecordingQuery(previous.subject(), previous.target(), previous.from(), previous.to(), previous.text(),
                previous.table(), previous.verdict(), previous.limit(), nextCursor));
    }

    private void fetch(RecordingQuery query) {
        searching.set(true);
        searchMessage.set("Searching…");
        client.searchRecordings(query).whenComplete((page, failure) -> ui.execute(() -> {
            searching.set(false);
            if (failure != null) {
                searchMessage.set("Search failed: " + Failures.message(failure));
                moreAvailable.set(false);
                return;
            }
            recordings.addAll(page.recordings());
            nextCursor = page.next();
            moreAvailable.set(nextCursor != null);
            searchMessage.set(recordings.isEmpty() ? "No recorded session matches"
                    : Format.count(recordings.size()) + (recordings.size() == 1 ? " session" : " sessions")
                            + (nextCursor != null ? " (more available)" : ""));
        }));
    }

    // --- loading ---------------------------------------------------------------------------------

    /** Loads a recorded session's frames; the previous one stays until the new one has loaded. */
    public void open(RecordingSummary recording) {
        requireNonNull(recording, "recording is null");
        loadJob.cancel();
        pause();
        loading.set(true);
        progress.set(recording.frames() > 0 ? 0 : -1);
        progressText.set("Loading " + recording.sessionId() + "…");
        String sessionId = recording.sessionId();
        long expected = recording.frames();
        loadJob = worker.start(context -> loadFrames(sessionId, expected, context),
                (fraction, text) -> {
                    progress.set(fraction);
                    progressText.set(text == null ? "" : text);
                },
                loaded -> {
                    loading.set(false);
                    progressText.set("");
                    show(recording, loaded);
                },
                failure -> {
                    loading.set(false);
                    progressText.set("");
                    message.set(failure instanceof CancellationException
                            ? "Loading " + sessionId + " cancelled"
                            : "Could not load " + sessionId + ": " + Failures.message(failure));
                });
    }

    /** Runs on the worker: asks for pages until the end, the cap, or a cancel. */
    private List<Frame> loadFrames(String sessionId, long expected, Worker.Context context) throws Exception {
        List<Frame> loaded = new ArrayList<>();
        long fromSeq = 1;
        while (true) {
            if (context.isCancelled()) {
                throw new CancellationException("cancelled");
            }
            EngineMessage.Frames page = await(client.frames(sessionId, fromSeq, PAGE), context);
            loaded.addAll(page.frames());
            long total = Math.max(expected, loaded.size());
            context.progress(loaded.size(), total, "Loaded " + Format.count(loaded.size()) + " of "
                    + Format.count(total) + " frames");
            if (page.next() == null || page.frames().isEmpty() || loaded.size() >= MAX_FRAMES) {
                break;
            }
            fromSeq = page.next();
        }
        return loaded.size() > MAX_FRAMES ? List.copyOf(loaded.subList(0, MAX_FRAMES)) : loaded;
    }

    /** Waits for a page, checking for a cancel a few times a second. */
    private static <T> T await(CompletableFuture<T> future, Worker.Context context) throws Exception {
        while (true) {
            if (context.isCancelled()) {
                future.cancel(true);
                throw new CancellationException("cancelled");
            }
            try {
                return future.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                // Check for a cancel, then wait again.
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    public void cancelLoading() {
        loadJob.cancel();
    }

    private void show(RecordingSummary recording, List<Frame> loaded) {
        frames = List.copyOf(loaded);
        timeline = ReplayTimeline.of(frames);
        openRecording.set(recording);
        frameCount.set(timeline.size());
        sessionTitle.set(SafeText.line(recording.subject()) + " on " + SafeText.line(recording.target()) + " · "
                + SafeText.line(recording.sessionId())
                + " · " + Format.dateTime(recording.startedAt(), zone)
                + (recording.endedAt() == null ? " (still open)" : " to " + Format.time(recording.endedAt(), zone)));
        message.set(loaded.size() >= MAX_FRAMES
                ? "Showing the first " + Format.count(MAX_FRAMES) + " frames of " + Format.count(recording.frames()) : "");
        index.set(-1);
        seek(timeline.isEmpty() ? -1 : 0);
    }

    // --- player ----------------------------------------------------------------------------------

    public void seek(int newIndex) {
        if (timeline.isEmpty()) {
            index.set(-1);
            current.set(null);
            position.set("");
            return;
        }
        int clamped = Math.max(0, Math.min(timeline.size() - 1, newIndex));
        index.set(clamped);
        FrameView view = timeline.at(clamped);
        current.set(view);
        position.set("Frame " + Format.count(clamped + 1) + " of " + Format.count(timeline.size())
                + " · seq " + view.frame().seq() + " · " + view.kind() + " · " + Format.gapMicros(view.gapMicros())
                + " after the previous");
    }

    public void next() {
        if (index.get() + 1 < timeline.size()) {
            seek(index.get() + 1);
        }
        if (index.get() + 1 >= timeline.size()) {
            pause();
        }
    }

    public void previous() {
        if (index.get() > 0) {
            seek(index.get() - 1);
        }
    }

    public void first() {
        seek(0);
    }

    public void last() {
        pause();
        seek(timeline.size() - 1);
    }

    public void togglePlay() {
        if (playing.get()) {
            pause();
        } else {
            play();
        }
    }

    public void play() {
        if (timeline.isEmpty()) {
            return;
        }
        if (index.get() >= timeline.size() - 1) {
            seek(0);
        }
        playing.set(true);
        scheduleNext();
    }

    public void pause() {
        playing.set(false);
        playTimer.cancel();
    }

    private void scheduleNext() {
        playTimer.cancel();
        playTimer = ui.schedule(timeline.delayAfter(index.get(), speed.get()), () -> {
            if (playing.get()) {
                next();
                if (playing.get()) {
                    scheduleNext();
                }
            }
        });
    }

    // --- export ----------------------------------------------------------------------------------

    /** Writes the open session as JSON lines (see {@link ReplayExport}); blocks on the writer. */
    public long export(Writer out) throws java.io.IOException {
        RecordingSummary recording = openRecording.get();
        if (recording == null) {
            throw new IllegalStateException("no session is open");
        }
        return ReplayExport.write(recording.sessionId(), frames, out);
    }

    /** Exports the open session to a file, on the worker. */
    public void exportTo(Path file) {
        if (openRecording.get() == null) {
            return;
        }
        String sessionId = openRecording.get().sessionId();
        List<Frame> exported = frames;
        message.set("Exporting to " + file + "…");
        worker.start(context -> {
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                return ReplayExport.write(sessionId, exported, out);
            }
        }, Worker.Progress.NONE,
                lines -> message.set("Exported " + Format.count(lines) + " frames to " + file),
                failure -> message.set("Export failed: " + Failures.message(failure)));
    }

    // --- properties -------------------------------------------------------------------------------

    public StringProperty subjectProperty() {
        return subject;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public ObjectProperty<LocalDate> fromProperty() {
        return from;
    }

    public ObjectProperty<LocalDate> toProperty() {
        return to;
    }

    public StringProperty textProperty() {
        return text;
    }

    public StringProperty tableProperty() {
        return table;
    }

    public ObjectProperty<VerdictAction> verdictProperty() {
        return verdict;
    }

    public ObservableList<RecordingSummary> recordings() {
        return recordings;
    }

    public ReadOnlyBooleanProperty searchingProperty() {
        return searching.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty moreAvailableProperty() {
        return moreAvailable.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty searchMessageProperty() {
        return searchMessage.getReadOnlyProperty();
    }

    public ObjectProperty<RecordingSummary> selectedRecordingProperty() {
        return selectedRecording;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RecordingSummary> openRecordingProperty() {
        return openRecording.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FrameView> currentProperty() {
        return current.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty indexProperty() {
        return index.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty frameCountProperty() {
        return frameCount.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty sessionTitleProperty() {
        return sessionTitle.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty playingProperty() {
        return playing.getReadOnlyProperty();
    }

    public IntegerProperty speedProperty() {
        return speed;
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ZoneId zone() {
        return zone;
    }
}
