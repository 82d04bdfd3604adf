package dev.bulwark.console.sessions;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.SessionState;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;

import static dev.bulwark.console.fake.FxActions.node;
import static dev.bulwark.console.fake.FxActions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class SessionsViewTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private ConsoleFixture fixture;

    @Start
    void start(Stage stage) {
        fixture = ConsoleFixture.start(stage, new Operator("carol", OperatorRole.ADMIN), NOW);
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(fixture::close);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @SuppressWarnings("unchecked")
    private TableView<SessionRow> table(FxRobot robot) {
        return node(robot, "#sessionsTable", TableView.class);
    }

    @Test
    void theTableFollowsTheEngineLive(FxRobot robot) {
        TableView<SessionRow> table = table(robot);
        waitUntil("the snapshot shows", () -> table.getItems().size() == 8);
        SessionRow alice = table.getItems().get(0);

        fixture.sendLastStatements();
        fixture.engine().changeSession(FakeEngine.session("s-7f3a", "alice", "orders", SessionState.ACTIVE, NOW));
        fixture.engine().startSession(FakeEngine.session("s-new", "zoe", "billing", SessionState.IDLE, NOW));
        fixture.engine().endSession("s-c302", "client closed the connection");

        waitUntil("the events show", () -> table.getItems().size() == 8
                && table.getItems().get(0).stateProperty().get() == SessionState.ACTIVE);
        assertSame(alice, table.getItems().get(0), "rows are updated in place");
        assertEquals("zoe", table.getItems().get(7).subjectProperty().get());
        assertTrue(robot.lookup("#sessionsTable .pill").queryAllAs(Label.class).stream()
                .anyMatch(pill -> pill.getText().equals("running") && pill.getStyleClass().contains("state-active")));
        assertTrue(robot.lookup("#sessionsTable .text").queryAllAs(javafx.scene.text.Text.class).stream()
                .anyMatch(text -> text.getText().startsWith("SELECT o.id, o.total FROM orders")), "last statements show");
        assertEquals("8 sessions · 4 running · 1 in transaction · 1 held",
                node(robot, "#sessionsSummary", Label.class).getText());

        FxActions.setText(robot, "#sessionsFilter", "held");
        waitUntil("the filter applies", () -> table.getItems().size() == 1);
        assertEquals("bob", table.getItems().get(0).subjectProperty().get());
    }

    @Test
    void theSelectedSessionsStatementsShowAndKillAsksFirst(FxRobot robot) {
        TableView<SessionRow> table = table(robot);
        waitUntil("the snapshot shows", () -> table.getItems().size() == 8);
        FxActions.run(robot, () -> table.getSelectionModel().select(2));
        @SuppressWarnings("unchecked")
        ListView<StatementRow> statements = node(robot, "#sessionStatements", ListView.class);
        waitUntil("the detail loads", () -> statements.getItems().size() == 1);
        assertTrue(node(robot, "#sessionTitle", Label.class).getText().startsWith("ci-agent on orders · running"));
        fixture.engine().statement("s-91d0", "SELECT count(*) FROM orders", dev.bulwark.model.VerdictAction.ALLOW, null);
        waitUntil("a live statement arrives", () -> statements.getItems().size() == 2);

        robot.clickOn("#killButton");
        FxActions.setText(robot, "#killReason", "runaway export");
        robot.clickOn("#killConfirm");

        waitUntil("the session is gone", () -> table.getItems().size() == 7);
        assertEquals("Session s-91d0 of ci-agent ended: killed by carol: runaway export",
                node(robot, "#sessionsMessage", Label.class).getText());
        assertTrue(fixture.engine().calls().contains("sessions.kill"));
    }

    @Test
    void hundredsOfSessionsAndThousandsOfEventsStayResponsive(FxRobot robot) {
        TableView<SessionRow> table = table(robot);
        waitUntil("the snapshot shows", () -> table.getItems().size() == 8);
        int sessions = 600;
        for (int i = 0; i < sessions; i++) {
            fixture.engine().startSession(FakeEngine.session("s-load-" + i, "user" + i, "orders", SessionState.IDLE, NOW));
        }
        long start = System.nanoTime();
        int events = 0;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < sessions; i++) {
                fixture.engine().changeSession(FakeEngine.session("s-load-" + i, "user" + i, "orders",
                        round % 2 == 0 ? SessionState.ACTIVE : SessionState.IDLE, NOW));
                fixture.engine().statement("s-load-" + i, "SELECT " + round, dev.bulwark.model.VerdictAction.ALLOW, null);
                events += 2;
            }
        }
        waitUntil("every event is applied", () -> table.getItems().size() == sessions + 8
                && "SELECT 9".equals(table.getItems().get(sessions + 7).lastStatementProperty().get()));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("applied " + events + " events to " + (sessions + 8) + " rows in " + millis + " ms");
        assertEquals(SessionState.IDLE, table.getItems().get(sessions + 7).stateProperty().get());
        assertTrue(millis < 5_000, "took " + millis + " ms");
    }

    @Test
    void onlyAdminsCanEndSessions(FxRobot robot) {
        fixture.engine().operator(new Operator("rita", OperatorRole.REVIEWER));
        FxActions.run(robot, () -> fixture.connection().connect(fixture.connection().target()));
        TableView<SessionRow> table = table(robot);
        waitUntil("the snapshot shows", () -> table.getItems().size() == 8);
        FxActions.run(robot, () -> table.getSelectionModel().select(0));

        Button kill = node(robot, "#killButton", Button.class);
        assertTrue(kill.isDisabled());
        assertEquals("Only admins can end sessions (you are reviewer)", kill.getTooltip().getText());
    }
}
