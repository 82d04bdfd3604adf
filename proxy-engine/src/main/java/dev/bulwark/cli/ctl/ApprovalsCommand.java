package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bulwark ctl approvals [list [--all] | approve ID --reason R | deny ID --reason R]}. */
@Command(name = "approvals", description = "Lists statements held for approval (the default), or approves or denies one.")
public final class ApprovalsCommand implements Callable<Integer> {
    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return list(false);
    }

    @Command(name = "list", description = "Lists pending approvals, or every approval the engine remembers with --all.")
    int list(@Option(names = "--all", description = "Not only pending ones.") boolean all) {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Approvals reply = client.callAndWait(
                    id -> new ClientMessage.ApprovalsList(id, all ? null : ApprovalState.PENDING),
                    EngineMessage.Approvals.class);
            if (output.json()) {
                output.json(reply);
                return CtlCommand.OK;
            }
            if (reply.approvals().isEmpty()) {
                output.line(all ? "no approvals" : "no pending approvals");
                return CtlCommand.OK;
            }
            Table table = new Table("ID", "STATE", "REQUESTER", "TARGET", "ROLE", "RULE", "APPROVALS", "REQUESTED", "STATEMENT");
            for (ApprovalSummary approval : reply.approvals()) {
                table.add(approval.id(), Text.name(approval.state()), approval.requester(), approval.target(),
                        approval.role(), approval.rule(), approval.approvals() + "/" + approval.quorum(),
                        Text.time(approval.requestedAt()), Text.cut(approval.statement(), 60));
            }
            table.print(output.out());
            return CtlCommand.OK;
        });
    }

    @Command(name = "approve", description = "Approves a held statement (reviewer).")
    int approve(@Parameters(paramLabel = "ID", description = "The approval's id.") String id,
            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).") String reason) {
        return Ctl.run(ctl, spec, (client, output) -> show(output, client.callAndWait(
                requestId -> new ClientMessage.ApprovalApprove(requestId, id, reason), EngineMessage.Approval.class)));
    }

    @Command(name = "deny", description = "Denies a held statement (reviewer).")
    int deny(@Parameters(paramLabel = "ID", description = "The approval's id.") String id,
            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).") String reason) {
        return Ctl.run(ctl, spec, (client, output) -> show(output, client.callAndWait(
                requestId -> new ClientMessage.ApprovalDeny(requestId, id, reason), EngineMessage.Approval.class)));
    }

    private static int show(Ctl.Output output, EngineMessage.Approval reply) {
        if (output.json()) {
            output.json(reply);
            return CtlCommand.OK;
        }
        ApprovalSummary approval = reply.approval();
        output.line("approval " + approval.id() + " is " + Text.name(approval.state()) + " ("
                + approval.approvals() + "/" + approval.quorum() + " approvals)");
        for (ApprovalDecision decision : approval.decisions()) {
            output.line("  " + Text.time(decision.at()) + "  " + Text.name(decision.decision()) + " by " + decision.by()
                    + ": " + decision.reason());
        }
        return CtlCommand.OK;
    }
}
