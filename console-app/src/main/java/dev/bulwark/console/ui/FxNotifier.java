package dev.bulwark.console.ui;

import javafx.geometry.Pos;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

import java.util.function.Supplier;

/** Desktop notifications with ControlsFX, shown at the bottom right of the console's screen. */
public final class FxNotifier implements Notifier {
    private final Supplier<Window> owner;

    public FxNotifier(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void notify(String title, String text) {
        Window window = owner.get();
        if (window == null || !window.isShowing()) {
            return;
        }
        Notifications.create()
                .owner(window)
                .title(title)
                .text(text)
                .position(Pos.BOTTOM_RIGHT)
                .hideAfter(Duration.seconds(8))
                .showInformation();
    }
}
