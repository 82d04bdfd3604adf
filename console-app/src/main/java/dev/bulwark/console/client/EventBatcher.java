package dev.bulwark.console.client;

import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Collects what a connection's reader thread pushes and hands it to the UI thread in batches: the
 * first event after a flush schedules the next flush {@link #DELAY} later, so a burst of hundreds
 * of events becomes one UI update, while a single event still shows within the delay. A snapshot
 * is handed over at once; events queued before it are dropped, as the snapshot already holds them.
 *
 * <p>{@link #add} and {@link #snapshot} may be called from any thread; the sinks run on the UI thread.
 */
final class EventBatcher {
    static final Duration DELAY = Duration.ofMillis(150);

    private final UiScheduler ui;
    private final Consumer<EventSnapshot> snapshotSink;
    private final Consumer<List<Event>> eventSink;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private List<Object> pending = new ArrayList<>();
    /** Guarded by lock. */
    private boolean flushScheduled;
    /** The last snapshot's sequence number: older events are already in it. UI thread only. */
    private long floor;

    EventBatcher(UiScheduler ui, Consumer<EventSnapshot> snapshotSink, Consumer<List<Event>> eventSink) {
        this.ui = requireNonNull(ui, "ui is null");
        this.snapshotSink = requireNonNull(snapshotSink, "snapshotSink is null");
        this.eventSink = requireNonNull(eventSink, "eventSink is null");
    }

    void add(Event event) {
        requireNonNull(event, "event is null");
        boolean schedule;
        synchronized (lock) {
            pending.add(event);
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule) {
            ui.schedule(DELAY, this::flush);
        }
    }

    void snapshot(EventSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot is null");
        synchronized (lock) {
            pending.clear();
            pending.add(snapshot);
        }
        ui.execute(this::flush);
    }

    /** Forgets what is queued (the connection it came from is gone). */
    void clear() {
        synchronized (lock) {
            pending.clear();
        }
    }

    /** On the UI thread. */
    void flush() {
        List<Object> batch;
        synchronized (lock) {
            batch = pending;
            pending = new ArrayList<>();
            flushScheduled = false;
        }
        List<Event> events = new ArrayList<>();
        for (Object item : batch) {
            if (item instanceof EventSnapshot snapshot) {
                events.clear();
                floor = snapshot.seq();
                snapshotSink.accept(snapshot);
            } else if (item instanceof Event event && event.seq() > floor) {
                events.add(event);
            }
        }
        if (!events.isEmpty()) {
            eventSink.accept(List.copyOf(events));
        }
    }
}
