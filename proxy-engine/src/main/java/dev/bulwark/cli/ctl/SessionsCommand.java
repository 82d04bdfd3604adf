package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.SessionSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bulwark ctl sessions [list | kill ID]}. */
@Command(name = "sessions", description = "Lists live sessions (the default), or ends one with `kill ID`.")
public final class SessionsCommand implements Callable<Integer> {
    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return list();
    }

    @Command(name = "list", description = "Lists live sessions.")
    int list() {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Sessions reply = client.callAndWait(ClientMessage.SessionsList::new, EngineMessage.Sessions.class);
            if (output.json()) {
                output.json(reply);
                return CtlCommand.OK;
            }
            if (reply.sessions().isEmpty()) {
                output.line("no live sessions");
                return CtlCommand.OK;
            }
            Table table = new Table("ID", "SUBJECT", "TARGET", "DATABASE", "ROLE", "STATE", "STARTED", "STATEMENTS", "CLIENT");
            for (SessionSummary session : reply.sessions()) {
                table.add(session.id(), session.subject(), session.target(), session.database(), session.role(),
                        Text.name(session.state()), Text.time(session.startedAt()), session.statements(),
                        session.clientAddress() + (session.applicationName() == null ? "" : " " + session.applicationName()));
            }
            table.print(output.out());
            return CtlCommand.OK;
        });
    }

    @Command(name = "kill", description = "Ends a session: its client gets an error and is disconnected (admin).")
    int kill(@Parameters(paramLabel = "ID", description = "The session's id.") String id,
            @Option(names = "--reason", paramLabel = "TEXT", description = "Recorded with the session's end.") String reason) {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Killed killed = client.callAndWait(
                    requestId -> new ClientMessage.SessionKill(requestId, id, reason), EngineMessage.Killed.class);
            if (output.json()) {
                output.json(killed);
            } else {
                output.line("killed session " + killed.session());
            }
            return CtlCommand.OK;
        });
    }
}
