package dev.bulwark.console.client;

import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.VerdictAction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventBatcherTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final List<Object> delivered = new ArrayList<>();
    private final EventBatcher batcher = new EventBatcher(ui, delivered::add, delivered::add);

    private static Event statement(long seq) {
        return new Event.StatementExecuted(seq, NOW, "s-1", "alice", "SELECT " + seq, false, VerdictAction.ALLOW, null);
    }

    @Test
    void aSnapshotReplacesWhatWasQueuedBeforeIt() {
        batcher.add(statement(1));
        batcher.add(statement(2));
        EventSnapshot snapshot = new EventSnapshot(2, List.of(), List.of(), List.of());

        batcher.snapshot(snapshot);
        batcher.add(statement(3));
        ui.advance(EventBatcher.DELAY);

        assertEquals(List.of(snapshot, List.of(statement(3))), delivered);
    }

    @Test
    void eventsNotNewerThanTheSnapshotAreDropped() {
        batcher.snapshot(new EventSnapshot(5, List.of(), List.of(), List.of()));
        delivered.clear();
        batcher.add(statement(4));
        batcher.add(statement(6));
        ui.advance(EventBatcher.DELAY);
        assertEquals(List.of(List.of(statement(6))), delivered);
    }
}
