package dev.bulwark;

import dev.bulwark.cli.BulwarkCommand;
import picocli.CommandLine;

/** The engine's entry point: {@code bulwark run|demo|token|...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Quiet defaults for slf4j-simple; an operator overrides them with -D.
        defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        defaultProperty("org.slf4j.simpleLogger.log.io.zonky", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
        int code = new CommandLine(new BulwarkCommand()).execute(args);
        System.exit(code);
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
