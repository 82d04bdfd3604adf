package dev.bulwark.console.sessions;

import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.SessionState;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.model.VerdictAction;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionsViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final SessionsViewModel viewModel = new SessionsViewModel(engine, ui, ZoneOffset.UTC);
    private long seq = 100;

    private void connect(OperatorRole role) {
        Samples.populate(engine, NOW);
        viewModel.connected(new Operator("carol", role));
        viewModel.snapshot(new EventSnapshot(seq, Samples.sessions(NOW), List.of(), List.of()));
    }

    private Event.SessionChanged changed(SessionSummary session) {
        return new Event.SessionChanged(++seq, NOW, session);
    }

    @Test
    void theSnapshotFillsTheTableAndTheSummaryCountsStates() {
        connect(OperatorRole.ADMIN);

        assertEquals(8, viewModel.rows().size());
        assertEquals("alice", viewModel.rows().get(0).subjectProperty().get());
        assertEquals("10.20.1.14:51234 (psql)", viewModel.rows().get(0).clientProperty().get());
        assertEquals("analytics / warehouse", viewModel.row("s-b117").targetProperty().get());
        assertEquals("47m 00s", viewModel.rows().get(0).sinceProperty().get());
        assertEquals("8 sessions · 3 running · 1 in transaction · 1 held", viewModel.summaryProperty().get());
    }

    @Test
    void eventsUpdateRowsInPlaceWithoutTouchingTheList() {
        connect(OperatorRole.ADMIN);
        SessionRow alice = viewModel.row("s-7f3a");
        List<ListChangeListener.Change<? extends SessionRow>> changes = new ArrayList<>();
        viewModel.rows().addListener((ListChangeListener<SessionRow>) changes::add);

        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(changed(alice.summary().withState(i % 2 == 0 ? SessionState.ACTIVE : SessionState.IN_TRANSACTION)));
            batch.add(new Event.StatementExecuted(++seq, NOW, "s-7f3a", "alice", "SELECT " + i, false, VerdictAction.ALLOW,
                    null));
        }
        viewModel.events(batch);

        assertTrue(changes.isEmpty(), "no list change for in-place updates");
        assertSame(alice, viewModel.row("s-7f3a"));
        assertEquals(SessionState.IN_TRANSACTION, alice.stateProperty().get());
        assertEquals("SELECT 199", alice.lastStatementProperty().get());
    }

    @Test
    void startedAndEndedSessionsComeAndGo() {
        connect(OperatorRole.ADMIN);
        SessionSummary newcomer = FakeEngine.session("s-new", "zoe", "orders", SessionState.IDLE, NOW);

        viewModel.events(List.of(new Event.SessionStarted(++seq, NOW, newcomer),
                new Event.SessionEnded(++seq, NOW, "s-c302", "client closed the connection")));

        assertEquals(8, viewModel.rows().size());
        assertEquals("zoe", viewModel.rows().get(7).subjectProperty().get());
        assertNull(viewModel.row("s-c302"));
    }

    @Test
    void aResnapshotKeepsRowsThatStillExist() {
        connect(OperatorRole.ADMIN);
        SessionRow alice = viewModel.row("s-7f3a");
        viewModel.selectedProperty().set(alice);

        viewModel.snapshot(new EventSnapshot(++seq, Samples.sessions(NOW).subList(0, 3), List.of(), List.of()));

        assertEquals(3, viewModel.rows().size());
        assertSame(alice, viewModel.row("s-7f3a"));
        assertSame(alice, viewModel.selectedProperty().get());
    }

    @Test
    void theFilterMatchesWhoTargetStateAndStatement() {
        connect(OperatorRole.ADMIN);

        viewModel.filterProperty().set("held");
        assertEquals(List.of("s-8c21"), viewModel.visibleRows().stream().map(SessionRow::id).toList());
        viewModel.filterProperty().set("ANALYTICS");
        assertEquals(2, viewModel.visibleRows().size());
        viewModel.filterProperty().set("");
        assertEquals(8, viewModel.visibleRows().size());
    }

    @Test
    void selectingASessionLoadsItsStatementsAndFollowsNewOnes() {
        connect(OperatorRole.ADMIN);

        viewModel.selectedProperty().set(viewModel.row("s-7f3a"));

        assertEquals(4, viewModel.statements().size());
        assertEquals(VerdictAction.DENY, viewModel.statements().get(2).verdict());
        assertTrue(viewModel.detailInfoProperty().get().contains("token expires"), viewModel.detailInfoProperty().get());
        assertTrue(viewModel.detailTitleProperty().get().startsWith("alice on orders · idle"));

        viewModel.events(List.of(new Event.StatementExecuted(++seq, NOW.plusSeconds(1), "s-7f3a", "alice", "SELECT now()",
                false, VerdictAction.ALLOW, null),
                new Event.StatementExecuted(++seq, NOW.plusSeconds(1), "s-8c21", "bob", "SELECT 2", false,
                        VerdictAction.ALLOW, null)));

        assertEquals(5, viewModel.statements().size());
        assertEquals("SELECT now()", viewModel.statements().get(4).text());
    }

    @Test
    void theStatementListIsBounded() {
        connect(OperatorRole.ADMIN);
        viewModel.selectedProperty().set(viewModel.row("s-91d0"));
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < SessionsViewModel.MAX_STATEMENTS + 50; i++) {
            batch.add(new Event.StatementExecuted(++seq, NOW, "s-91d0", "ci-agent", "SELECT " + i, false,
                    VerdictAction.ALLOW, null));
        }
        viewModel.events(batch);
        assertEquals(SessionsViewModel.MAX_STATEMENTS, viewModel.statements().size());
        assertEquals("SELECT " + (SessionsViewModel.MAX_STATEMENTS + 49),
                viewModel.statements().get(SessionsViewModel.MAX_STATEMENTS - 1).text());
    }

    @Test
    void onlyAdminsMayKillAndTheReasonSaysWhy() {
        connect(OperatorRole.REVIEWER);
        viewModel.selectedProperty().set(viewModel.row("s-7f3a"));

        assertFalse(viewModel.canKillProperty().get());
        assertEquals("Only admins can end sessions (you are reviewer)", viewModel.killBlockedReasonProperty().get());
        viewModel.killSelected("nope");
        assertFalse(engine.calls().contains("sessions.kill"));
    }

    @Test
    void anAdminKillsTheSelectedSession() {
        connect(OperatorRole.ADMIN);
        assertEquals("Select a session to end it", viewModel.killBlockedReasonProperty().get());
        viewModel.selectedProperty().set(viewModel.row("s-91d0"));
        assertTrue(viewModel.canKillProperty().get());

        viewModel.killSelected("runaway query");

        assertTrue(engine.calls().contains("sessions.kill"));
        assertEquals("Ended session s-91d0 of ci-agent", viewModel.messageProperty().get());
        viewModel.events(List.of(new Event.SessionEnded(++seq, NOW, "s-91d0", "killed by carol: runaway query")));
        assertNull(viewModel.row("s-91d0"));
        assertNull(viewModel.selectedProperty().get());
    }

    @Test
    void theSinceColumnTicks() {
        connect(OperatorRole.ADMIN);
        viewModel.start();
        ui.advance(Duration.ofSeconds(65));
        assertEquals("48m 05s", viewModel.row("s-7f3a").sinceProperty().get());
        viewModel.stop();
        ui.advance(Duration.ofSeconds(10));
        assertEquals("48m 05s", viewModel.row("s-7f3a").sinceProperty().get());
    }
}
