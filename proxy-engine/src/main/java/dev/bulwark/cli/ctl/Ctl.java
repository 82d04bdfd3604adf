package dev.bulwark.cli.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.client.ClientOptions;
import dev.bulwark.model.client.Endpoint;
import dev.bulwark.model.client.ManagementListener;
import dev.bulwark.model.client.ManagementClient;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What every ctl subcommand does around its own work: connect and say hello, run, and turn what
 * went wrong into a message on stderr and one of the documented exit codes.
 */
public final class Ctl {
    private Ctl() {}

    /** A subcommand's work, given a connected client; returns the exit code. */
    @FunctionalInterface
    public interface Action {
        int run(ManagementClient client, Output output) throws IOException;
    }

    /**
     * Where a subcommand writes: tables and text, or JSON lines with {@code --json}. Both writers
     * pass through {@link SafeText#terminalGuard}; JSON is written with every non-ASCII character
     * as a {@code \\u} escape (the same JSON values), so no output can drive the terminal.
     */
    public record Output(PrintWriter out, PrintWriter err, boolean json) {
        /** The column where statement text starts in block views: every line of it has this gutter. */
        static final String GUTTER = "  | ";

        public void json(EngineMessage message) {
            try {
                out.println(ManagementJson.terminalWriter(ManagementJson.mapper()).writeValueAsString(message));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
            }
        }

        /** One line the command composed; untrusted parts must already be rendered (or cut). */
        public void line(String text) {
            out.println(text);
        }

        /**
         * Untrusted multi-line text (a statement) under a label line: every line of it starts with
         * the gutter, so none can pass for a line of the engine's own (a label such as
         * {@code parameters}); line feeds and tabs are kept, everything else is rendered visible.
         */
        public void block(String text) {
            for (String textLine : SafeText.block(text).split("\n", -1)) {
                out.println(GUTTER + textLine);
            }
        }
    }

    public static int run(CtlCommand options, CommandSpec spec, Action action) {
        return run(options, spec, ManagementListener.NONE, action);
    }

    public static int run(CtlCommand options, CommandSpec spec, ManagementListener listener, Action action) {
        PrintWriter out = guarded(spec.commandLine().getOut());
        PrintWriter err = guarded(spec.commandLine().getErr());
        Output output = new Output(out, err, options.json());
        Path socket = options.socketPath();
        try {
            ManagementClient client;
            try {
                client = ManagementClient.connect(new Endpoint.Unix(socket), ClientOptions.defaults(options.clientName())
                        .withTimeout(options.timeout())
                        .withListener(listener));
            } catch (IOException e) {
                err.println("bulwark ctl: cannot connect to the engine at " + socket + ": " + describe(e));
                return CtlCommand.CANNOT_CONNECT;
            }
            try (client) {
                return action.run(client, output);
            } catch (IOException e) {
                err.println("bulwark ctl: lost the engine at " + socket + ": " + describe(e));
                return CtlCommand.CANNOT_CONNECT;
            }
        } catch (ManagementException e) {
            if (output.json()) {
                output.json(EngineMessage.ErrorReply.of(null, e.code(), e.getMessage()));
            }
            err.println("bulwark ctl: " + ManagementJson.mapper().convertValue(e.code(), String.class) + ": " + e.getMessage());
            return e.code() == ErrorCode.UNAUTHORIZED || e.code() == ErrorCode.FORBIDDEN
                    ? CtlCommand.NOT_ALLOWED
                    : CtlCommand.ENGINE_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A writer whose output cannot drive a terminal, whatever a command prints. */
    static PrintWriter guarded(PrintWriter out) {
        return new PrintWriter(SafeText.terminalGuard(out), false);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (message.contains("Permission denied")) {
            return message + " (is your user in the socket's group?)";
        }
        return message;
    }
}
