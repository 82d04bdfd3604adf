package dev.bulwark.console.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.console.fake.DirectWorker;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.VerdictAction;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final DirectWorker worker = new DirectWorker();
    private final ReplayViewModel viewModel = new ReplayViewModel(engine, ui, worker, ZoneOffset.UTC);

    private void openAlice() {
        Samples.populate(engine, NOW);
        viewModel.search();
        viewModel.open(viewModel.recordings().get(0));
    }

    @Test
    void searchListsRecordingsAndPagesOnWithTheCursor() {
        for (int i = 0; i < 60; i++) {
            Instant start = NOW.minusSeconds(3600 + i);
            engine.putRecording(new RecordingSummary("s-" + i, "user" + i, List.of(), "orders", "orders", "10.0.0.1:1",
                    start, start.plusSeconds(10), 1, 0, 0, 4), List.of());
        }

        viewModel.search();
        assertEquals(50, viewModel.recordings().size());
        assertTrue(viewModel.moreAvailableProperty().get());
        assertEquals("50 sessions (more available)", viewModel.searchMessageProperty().get());

        viewModel.loadMore();
        assertEquals(60, viewModel.recordings().size());
        assertFalse(viewModel.moreAvailableProperty().get());
    }

    @Test
    void searchCriteriaGoIntoTheQuery() {
        viewModel.subjectProperty().set(" alice ");
        viewModel.fromProperty().set(LocalDate.of(2026, 11, 20));
        viewModel.toProperty().set(LocalDate.of(2026, 11, 21));
        viewModel.verdictProperty().set(VerdictAction.DENY);
        var query = viewModel.query();
        assertEquals(" alice ", query.subject());
        assertEquals(Instant.parse("2026-11-20T00:00:00Z"), query.from());
        assertEquals(Instant.parse("2026-11-22T00:00:00Z"), query.to(), "the whole last day");
        assertEquals(VerdictAction.DENY, query.verdict());

        viewModel.fromProperty().set(LocalDate.of(2026, 11, 25));
        viewModel.search();
        assertEquals("Check the search: to is before from", viewModel.searchMessageProperty().get());
    }

    @Test
    void openingASessionShowsItsFirstFrame() {
        openAlice();

        assertEquals(14, viewModel.frameCountProperty().get());
        assertEquals(0, viewModel.indexProperty().get());
        FrameView first = viewModel.currentProperty().get();
        assertEquals("session start", first.kind());
        assertEquals("Session started: alice (analysts) on orders/orders as bulwark_ro from 10.20.1.14:50188 (psql)",
                first.message());
        assertTrue(viewModel.positionProperty().get().startsWith("Frame 1 of 14 · seq 1 · session start"));
        assertFalse(viewModel.loadingProperty().get());
    }

    @Test
    void steppingShowsTheStatementItsVerdictAndTheResultAsTheClientSawIt() {
        openAlice();

        viewModel.next();
        FrameView statement = viewModel.currentProperty().get();
        assertEquals(VerdictAction.MASK, statement.verdict());
        assertNull(statement.result());
        assertEquals(2_400_000, statement.gapMicros());

        viewModel.next();
        FrameView result = viewModel.currentProperty().get();
        assertEquals("result", result.kind());
        assertTrue(result.statement().startsWith("SELECT id, full_name, email"), "a result shows its statement");
        assertEquals(VerdictAction.MASK, result.verdict());
        assertEquals("****@orange.fr", result.result().rows().get(0).get(2));
        assertNull(result.result().rows().get(2).get(3), "SQL NULL stays null");
        assertTrue(viewModel.positionProperty().get().endsWith("+31 ms after the previous"), viewModel.positionProperty().get());

        viewModel.previous();
        assertEquals(1, viewModel.indexProperty().get());
        viewModel.last();
        assertEquals("Session ended: client closed the connection", viewModel.currentProperty().get().message());
        viewModel.next();
        assertEquals(13, viewModel.indexProperty().get(), "stays on the last frame");
        viewModel.seek(10);
        assertEquals(FrameView.MessageKind.ERROR, viewModel.currentProperty().get().messageKind());
        assertEquals("ERROR 42501: denied by Bulwark rule no-ddl: only dba may run DDL or change privileges",
                viewModel.currentProperty().get().message());
        viewModel.first();
        assertEquals(0, viewModel.indexProperty().get());
    }

    @Test
    void playbackFollowsTheRecordedTimingCappedAndFaster() {
        openAlice();
        viewModel.play();
        assertTrue(viewModel.playingProperty().get());

        ui.advance(Duration.ofMillis(2000));
        assertEquals(1, viewModel.indexProperty().get(), "2.4 s gap capped at 2 s");
        ui.advance(Duration.ofMillis(60));
        assertEquals(2, viewModel.indexProperty().get(), "31 ms gap raised to the 60 ms minimum");

        viewModel.speedProperty().set(10);
        ui.advance(Duration.ofMillis(736));
        assertEquals(2, viewModel.indexProperty().get());
        ui.advance(Duration.ofMillis(1));
        assertEquals(3, viewModel.indexProperty().get(), "a 7.37 s gap at 10x is 737 ms");

        viewModel.pause();
        ui.advance(Duration.ofSeconds(30));
        assertEquals(3, viewModel.indexProperty().get());

        viewModel.play();
        ui.advance(Duration.ofMinutes(2));
        assertEquals(13, viewModel.indexProperty().get());
        assertFalse(viewModel.playingProperty().get(), "stops at the end");
    }

    @Test
    void largeSessionsLoadInPagesWithProgress() {
        List<Frame> many = new ArrayList<>();
        long t = NOW.toEpochMilli() * 1000;
        for (int i = 1; i <= 2_500; i++) {
            many.add(new Frame(i, t + i * 1000L, new FramePayload.Statement(FramePayload.Protocol.SIMPLE, "SELECT " + i,
                    List.of(), VerdictAction.ALLOW, null)));
        }
        RecordingSummary big = new RecordingSummary("s-big", "ci-agent", List.of(), "orders", "orders", "10.0.0.1:1",
                NOW, NOW.plusSeconds(3), 2_500, 0, 0, 2_500);
        engine.putRecording(big, many);

        viewModel.open(big);

        assertEquals(3, engine.calls().stream().filter("recordings.frames"::equals).count());
        assertEquals(List.of("Loaded 1,000 of 2,500 frames", "Loaded 2,000 of 2,500 frames", "Loaded 2,500 of 2,500 frames"),
                worker.progressMessages());
        assertEquals(2_500, viewModel.frameCountProperty().get());
    }

    @Test
    void cancellingALoadKeepsWhatWasOpen() {
        openAlice();
        RecordingSummary other = viewModel.recordings().get(1);
        worker.cancelNext();

        viewModel.open(other);

        assertEquals("Loading s-4d77 cancelled", viewModel.messageProperty().get());
        assertEquals("s-5e02", viewModel.openRecordingProperty().get().sessionId());
        assertFalse(viewModel.loadingProperty().get());
    }

    @Test
    void aFailedLoadSaysWhy() {
        openAlice();
        engine.failCalls("recordings.frames", dev.bulwark.model.ManagementException.notFound("no recording of session s-4d77"));
        viewModel.open(viewModel.recordings().get(1));
        assertEquals("Could not load s-4d77: Not found: no recording of session s-4d77", viewModel.messageProperty().get());
    }

    @Test
    void theExportIsOneFramePerLineWithTheSessionId() throws Exception {
        openAlice();
        StringWriter out = new StringWriter();

        long lines = viewModel.export(out);

        assertEquals(14, lines);
        List<String> written = out.toString().lines().toList();
        assertEquals(14, written.size());
        JsonNode result = ManagementJson.mapper().readTree(written.get(2));
        assertEquals("s-5e02", result.path("session_id").asText());
        assertEquals(3, result.path("seq").asInt());
        assertEquals("result", result.path("payload").path("kind").asText());
        assertEquals("****@orange.fr", result.path("payload").path("rows").get(0).get(2).asText());
        assertTrue(result.path("payload").path("rows").get(2).get(3).isNull());
        Frame back = ManagementJson.mapper().treeToValue(((com.fasterxml.jackson.databind.node.ObjectNode) result)
                .without("session_id"), Frame.class);
        assertEquals(Samples.frames(NOW.minus(Duration.ofMinutes(42))).get(2), back);
    }

    @Test
    void timelineDelaysAreCapped() {
        ReplayTimeline timeline = ReplayTimeline.of(Samples.frames(NOW));
        assertEquals(ReplayTimeline.MAX_DELAY, timeline.delayAfter(6, 1), "a 37 s wait for approval plays in 2 s");
        assertEquals(Duration.ofMillis(350), timeline.delayAfter(7, 1));
        assertEquals(ReplayTimeline.MIN_DELAY, timeline.delayAfter(7, 10));
        assertEquals(ReplayTimeline.MIN_DELAY, timeline.delayAfter(13, 1), "after the last frame");
    }
}
