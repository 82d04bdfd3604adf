package dev.bulwark.cli;

import picocli.CommandLine.Command;

/** The root command. Subcommands that serve (run, demo) mark themselves as long-running. */
@Command(name = "bulwark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An access gateway for PostgreSQL.",
        subcommands = {})
public final class BulwarkCommand {
    private static volatile boolean keepsRunning;

    static void markLongRunning() {
        keepsRunning = true;
    }

    public static boolean keepsRunning() {
        return keepsRunning;
    }
}
