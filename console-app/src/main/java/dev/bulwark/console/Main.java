package dev.bulwark.console;

import dev.bulwark.console.app.ConsoleApplication;
import dev.bulwark.console.app.LaunchOptions;
import javafx.application.Application;

import java.util.List;

/**
 * Launches the console. A plain class rather than the Application subclass, so the JavaFX runtime
 * loads from the class path ({@code java -jar console-app.jar}, with its jars in {@code lib/}).
 *
 * <pre>bulwark console [--data DIR | --socket PATH | --connect HOST:PORT ...] [--theme light|dark]</pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("bulwark console: " + e.getMessage());
            System.err.println(LaunchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LaunchOptions.USAGE);
            return;
        }
        Application.launch(ConsoleApplication.class, args);
    }
}
