package dev.bulwark.console.fake;

import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.TextInputControl;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quick ways to drive views by node id. TestFX's mouse moves in Monocle take about a second per
 * click, so most tests fire buttons and set text directly on the FX thread (a disabled button
 * still does nothing, as for a user); a few tests click and type for real to cover that path.
 */
public final class FxActions {
    private FxActions() {}

    public static <T extends Node> T node(FxRobot robot, String query, Class<T> type) {
        return robot.lookup(query).queryAs(type);
    }

    /** Presses a button the way a click would; fails when it is hidden or disabled. */
    public static void fire(FxRobot robot, String query) {
        ButtonBase button = node(robot, query, ButtonBase.class);
        assertTrue(button.isVisible(), query + " is visible");
        assertFalse(button.isDisabled(), query + " is enabled");
        robot.interact(button::fire);
    }

    public static void setText(FxRobot robot, String query, String text) {
        TextInputControl field = node(robot, query, TextInputControl.class);
        robot.interact(() -> {
            field.requestFocus();
            field.setText(text);
        });
    }

    public static void run(FxRobot robot, Runnable action) {
        robot.interact(action);
    }

    /** Waits up to five seconds for a condition (checked off the FX thread, on values the FX thread sets). */
    public static void waitUntil(String what, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
