package dev.bulwark;

import dev.bulwark.cli.BulwarkCommand;
import picocli.CommandLine;

/** The engine's entry point: {@code bulwark run|demo|token|...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = new CommandLine(new BulwarkCommand()).execute(args);
        if (code != 0 || !BulwarkCommand.keepsRunning()) {
            System.exit(code);
        }
    }
}
