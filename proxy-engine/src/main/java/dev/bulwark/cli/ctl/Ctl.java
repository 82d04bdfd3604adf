package dev.bulwark.cli.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.ManagementJson;
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

    /** Where a subcommand writes: tables and text, or JSON lines with {@code --json}. */
    public record Output(PrintWriter out, PrintWriter err, boolean json) {
        public void json(EngineMessage message) {
            try {
                out.println(ManagementJson.mapper().writeValueAsString(message));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
            }
        }

        public void line(String text) {
            out.println(text);
        }
    }

    public static int run(CtlCommand options, CommandSpec spec, Action action) {
        return run(options, spec, ManagementListener.NONE, action);
    }

    public static int run(CtlCommand options, CommandSpec spec, ManagementListener listener, Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
