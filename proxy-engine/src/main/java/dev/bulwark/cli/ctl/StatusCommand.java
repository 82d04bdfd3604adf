package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.EngineStats;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.TargetStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bulwark ctl status}: version, uptime, sessions, targets, store health and counters. */
@Command(name = "status", description = "Shows the engine's version, uptime, sessions, targets, store health and counters.")
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Status status = client.callAndWait(ClientMessage.StatusGet::new, EngineMessage.Status.class);
            EngineMessage.Stats stats = client.callAndWait(ClientMessage.StatsGet::new, EngineMessage.Stats.class);
            if (output.json()) {
                output.json(status);
                output.json(stats);
                return CtlCommand.OK;
            }
            EngineStatus engine = status.status();
            EngineStats counters = stats.stats();
            Table summary = new Table("", "");
            summary.add("engine", engine.version());
            summary.add("operator", client.welcome().operator().name() + " (" + Text.name(client.welcome().operator().role()) + ")");
            summary.add("started", Text.time(engine.startedAt()) + " (up " + Text.duration(engine.uptimeSeconds()) + ")");
            summary.add("sessions", engine.sessions() + " live, " + counters.sessionsTotal() + " since start");
            summary.add("store", (engine.store().healthy() ? "healthy" : "UNHEALTHY") + " (" + engine.store().detail() + ")");
            summary.add("statements", counters.statementsTotal() + " (" + counters.statementsAllowed() + " allowed, "
                    + counters.statementsMasked() + " masked, " + counters.statementsDenied() + " denied, "
                    + counters.statementsHeld() + " held)");
            summary.add("approvals", counters.approvalsPending() + " pending");
            summary.add("frames", counters.framesRecorded() + " recorded");
            for (Map.Entry<String, Long> other : counters.other().entrySet()) {
                summary.add(other.getKey(), other.getValue());
            }
            summary.printWithoutHeader(output.out());
            if (!engine.targets().isEmpty()) {
                output.line("");
                Table targets = new Table("TARGET", "ADDRESS", "SESSIONS");
                for (TargetStatus target : engine.targets()) {
                    targets.add(target.name(), target.address(), target.sessions());
                }
                targets.print(output.out());
            }
            return CtlCommand.OK;
        });
    }
}
