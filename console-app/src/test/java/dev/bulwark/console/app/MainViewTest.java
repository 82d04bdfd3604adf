package dev.bulwark.console.app;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class MainViewTest {
    static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private ConsoleFixture fixture;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        fixture = ConsoleFixture.start(stage, new Operator("carol", OperatorRole.ADMIN), NOW);
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(fixture::close);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theWindowSaysBulwarkAndWhoIsConnected(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> robot.lookup("#statusLabel").queryAs(Label.class).getText().startsWith("Connected"));
        assertTrue(stage.getTitle().contains("Bulwark"), stage.getTitle());
        assertEquals("Connected to /var/lib/bulwark/bulwark.sock as carol (admin) · engine 0.1.0-test",
                robot.lookup("#statusLabel").queryAs(Label.class).getText());
        assertEquals("2", robot.lookup("#approvalsBadge").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#approvalsBadge").queryAs(Label.class).isVisible());
    }

    @Test
    void theNavigationShowsEachView(FxRobot robot) {
        robot.clickOn("#navApprovals");
        assertTrue(robot.lookup("#approvalsView").tryQuery().isPresent(), "a real click navigates");
        for (Page page : Page.values()) {
            FxActions.fire(robot, "#" + page.navId());
            WaitForAsyncUtils.waitForFxEvents();
            String viewId = "#" + page.name().toLowerCase(java.util.Locale.ROOT) + "View";
            assertTrue(robot.lookup(viewId).tryQuery().isPresent(), viewId + " shows");
            assertTrue(robot.lookup("#" + page.navId()).queryAs(ToggleButton.class).isSelected());
        }
        FxActions.fire(robot, "#navAudit");
        assertTrue(robot.lookup("#navAudit").queryAs(ToggleButton.class).isSelected(), "clicking again keeps the page");
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#approvalsView").tryQuery().isPresent(), "Ctrl+2 shows the approvals");
    }

    @Test
    void theThemeToggleSwitchesStylesheets(FxRobot robot) {
        assertTrue(fixture.scene().getStylesheets().get(0).endsWith("light.css"));
        FxActions.fire(robot, "#themeToggle");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fixture.scene().getStylesheets().get(0).endsWith("dark.css"));
        assertEquals(Theme.DARK, fixture.console().main().themeProperty().get());
    }

    @Test
    void theConnectDialogValidatesAndSwitchesEngines(FxRobot robot) {
        robot.clickOn("#connectButton");
        FxActions.fire(robot, "#connectRemote");
        assertEquals("Give the engine's host name", robot.lookup("#connectProblem").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#connectOk").queryAs(javafx.scene.control.Button.class).isDisabled());
        FxActions.fire(robot, "#connectLocal");
        FxActions.setText(robot, "#connectSocket", "/run/other/bulwark.sock");
        robot.clickOn("#connectOk");

        FxActions.waitUntil("connected to the other engine", () -> robot.lookup("#statusLabel").queryAs(Label.class)
                .getText().startsWith("Connected to /run/other/bulwark.sock as carol"));
        assertEquals(new dev.bulwark.console.client.EngineAddress.Local(java.nio.file.Path.of("/run/other/bulwark.sock")),
                fixture.connector().targets().get(fixture.connector().targets().size() - 1).address());
    }

    @Test
    void aLostConnectionShowsTheCountdown(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> robot.lookup("#statusLabel").queryAs(Label.class).getText().startsWith("Connected"));
        fixture.connector().failNext(100);
        fixture.engine().breakConnection();
        FxActions.waitUntil("the status bar counts down", () -> robot.lookup("#statusLabel").queryAs(Label.class)
                .getText().equals("Not connected to /var/lib/bulwark/bulwark.sock (connection reset by peer) · reconnecting in 1s…"));

        fixture.connector().failNext(0);
        FxActions.fire(robot, "#retryNow");

        FxActions.waitUntil("connected again", () -> robot.lookup("#statusLabel").queryAs(Label.class).getText()
                .startsWith("Connected"));
    }
}
