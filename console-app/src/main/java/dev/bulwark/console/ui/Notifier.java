package dev.bulwark.console.ui;

/** Desktop notifications, so a view model can raise one without knowing about windows. */
@FunctionalInterface
public interface Notifier {
    Notifier NONE = (title, text) -> {};

    void notify(String title, String text);
}
