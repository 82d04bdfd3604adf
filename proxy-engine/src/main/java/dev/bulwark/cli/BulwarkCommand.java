package dev.bulwark.cli;

import picocli.CommandLine.Command;

/** The root command; serving subcommands (run, demo) block until the JVM is asked to stop. */
@Command(name = "bulwark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An access gateway for PostgreSQL.",
        subcommands = {RunCommand.class, DemoCommand.class, TokenCommand.class, VaultCommand.class, CtlCommand.class,
                AuditCommand.class})
public final class BulwarkCommand {
}
