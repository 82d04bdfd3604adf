package dev.bulwark.cli;

import dev.bulwark.cli.ctl.ApprovalsCommand;
import dev.bulwark.cli.ctl.ReplayCommand;
import dev.bulwark.cli.ctl.RulesCommand;
import dev.bulwark.cli.ctl.SessionsCommand;
import dev.bulwark.cli.ctl.StatusCommand;
import dev.bulwark.cli.ctl.WatchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bulwark ctl}: the engine's management socket from a shell. Tables for people, {@code --json}
 * (the engine's replies as JSON lines, exactly as on the wire) for scripts, and exit codes scripts
 * can rely on.
 */
@Command(name = "ctl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Talks to a running engine over its management socket: sessions, approvals, rules, recordings, live events.",
                "The engine knows you by your OS user (the socket's peer credentials) and checks your role on every request."},
        subcommands = {
                StatusCommand.class,
                SessionsCommand.class,
                ApprovalsCommand.class,
                RulesCommand.class,
                ReplayCommand.class,
                WatchCommand.class},
        footerHeading = "%nSocket:%n",
        footer = {
                "  --socket PATH if given, else DIR/bulwark.sock for --data DIR,",
                "  else " + CtlCommand.DEFAULT_SOCKET_TEXT + " (the service's)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:the engine answered with an error (not_found, conflict, bad_request, ...)",
                "2:usage error (unknown option, missing argument, unreadable input file)",
                "3:cannot connect to the engine, or the connection was lost",
                "4:not allowed: the engine does not know your OS user (unauthorized) or your role does not permit the request (forbidden)"})
public final class CtlCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int ENGINE_ERROR = 1;
    public static final int USAGE = 2;
    public static final int CANNOT_CONNECT = 3;
    public static final int NOT_ALLOWED = 4;
    static final String DEFAULT_SOCKET_TEXT = "/var/lib/bulwark/bulwark.sock";
    /** Where the packaged service keeps its socket. */
    public static final Path DEFAULT_SOCKET = Path.of(DEFAULT_SOCKET_TEXT);

    @Option(names = "--data", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The engine's data directory; the socket is DIR/bulwark.sock.")
    private Path data;

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The management socket (wins over --data).")
    private Path socket;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the engine's replies as JSON lines, as on the wire.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", scope = ScopeType.INHERIT,
            description = "How long to wait for the engine (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Spec
    private CommandSpec spec;

    /** {@code bulwark ctl} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The socket to talk to: --socket, else --data's bulwark.sock, else the service's default. */
    public Path socketPath() {
        if (socket != null) {
            return socket;
        }
        return data != null ? data.resolve("bulwark.sock") : DEFAULT_SOCKET;
    }

    public boolean json() {
        return json;
    }

    public Duration timeout() {
        return Duration.ofSeconds(Math.max(1, timeoutSeconds));
    }

    /** The name and version the hello announces. */
    public String clientName() {
        return "bulwark-ctl " + new VersionProvider().getVersion()[0].replaceFirst("^bulwark ", "");
    }
}
