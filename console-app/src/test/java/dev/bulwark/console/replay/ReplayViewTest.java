package dev.bulwark.console.replay;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RecordingSummary;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.bulwark.console.fake.FxActions.node;
import static dev.bulwark.console.fake.FxActions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ReplayViewTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private ConsoleFixture fixture;

    @TempDir
    Path directory;

    @Start
    void start(Stage stage) {
        fixture = ConsoleFixture.start(stage, new Operator("carol", OperatorRole.ADMIN), NOW);
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(fixture::close);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private Label frameInfo(FxRobot robot) {
        return node(robot, "#frameInfo", Label.class);
    }

    private void openFirst(FxRobot robot) {
        FxActions.fire(robot, "#navReplay");
        FxActions.fire(robot, "#replaySearch");
        @SuppressWarnings("unchecked")
        TableView<RecordingSummary> recordings = node(robot, "#recordingsTable", TableView.class);
        waitUntil("recordings are listed", () -> recordings.getItems().size() == 4);
        FxActions.run(robot, () -> recordings.getSelectionModel().select(0));
        FxActions.fire(robot, "#replayOpen");
        waitUntil("the session opens", () -> frameInfo(robot).getText().startsWith("Frame 1 of 14"));
    }

    @Test
    void aSessionIsSteppedFrameByFrameWithTheResultAsTheClientSawIt(FxRobot robot) {
        openFirst(robot);
        robot.clickOn("#replaySessionTitle");
        robot.type(KeyCode.RIGHT, 2);

        waitUntil("two frames on", () -> frameInfo(robot).getText().startsWith("Frame 3 of 14 · seq 3 · result · +31 ms"));
        @SuppressWarnings("unchecked")
        TableView<List<String>> grid = node(robot, "#frameGrid", TableView.class);
        assertEquals(List.of("id", "full_name", "email", "card_number", "city"),
                grid.getColumns().stream().map(TableColumn::getText).toList());
        assertEquals(5, grid.getItems().size());
        assertTrue(robot.lookup("#frameGrid .table-cell").queryAllAs(TableCell.class).stream()
                .anyMatch(cell -> "****@orange.fr".equals(cell.getText())), "masked values as recorded");
        assertTrue(robot.lookup("#frameGrid .table-cell").queryAllAs(TableCell.class).stream()
                .anyMatch(cell -> "NULL".equals(cell.getText())
                        && cell.getPseudoClassStates().stream().anyMatch(state -> state.getPseudoClassName().equals("null-value"))));
        assertEquals("masked", node(robot, "#frameVerdict", Label.class).getText());
        @SuppressWarnings("unchecked")
        javafx.scene.control.ListView<List<dev.bulwark.console.ui.SqlText.StyledRun>> statement =
                node(robot, "#frameStatement", javafx.scene.control.ListView.class);
        assertTrue(statement.getItems().stream().flatMap(List::stream)
                .anyMatch(run -> run.text().equals("SELECT") && run.styleClass().equals("sql-keyword")));

        FxActions.fire(robot, "#replayPrev");
        assertTrue(frameInfo(robot).getText().startsWith("Frame 2 of 14"));
        FxActions.run(robot, () -> node(robot, "#replaySlider", Slider.class).setValue(10));
        assertTrue(frameInfo(robot).getText().startsWith("Frame 11 of 14"));
        assertEquals("ERROR 42501: denied by Bulwark rule no-ddl: only dba may run DDL or change privileges",
                node(robot, "#frameMessage", Label.class).getText());
        assertEquals("denied", node(robot, "#frameVerdict", Label.class).getText());
    }

    @Test
    void playsFasterAndExports(FxRobot robot) throws Exception {
        openFirst(robot);
        @SuppressWarnings("unchecked")
        ComboBox<Integer> speed = node(robot, "#replaySpeed", ComboBox.class);
        FxActions.run(robot, () -> speed.setValue(10));

        FxActions.fire(robot, "#replayPlay");
        waitUntil("playback moves on", () -> frameInfo(robot).getText().startsWith("Frame 4 of 14"));
        FxActions.fire(robot, "#replayPlay");
        String paused = frameInfo(robot).getText();
        Thread.sleep(400);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(paused, frameInfo(robot).getText(), "paused");

        Path file = directory.resolve("session.jsonl");
        fixture.files().answer(file);
        FxActions.fire(robot, "#replayExport");
        waitUntil("exported", () -> node(robot, "#replayMessage", Label.class).getText().startsWith("Exported 14 frames"));
        assertEquals(14, Files.readAllLines(file).size());
    }
}
