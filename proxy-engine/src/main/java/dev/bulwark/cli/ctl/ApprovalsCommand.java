package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Classification;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bulwark ctl approvals [list [--all] | show ID | approve ID --reason R | deny ID --reason R]}.
 *
 * <p>What a reviewer decides on is shown whole: {@code show} prints the full statement text, each
 * bind value, the classification, the rule, the session and the hash, and {@code approve} and
 * {@code deny} print the same for the request they decided. {@code list} is a summary, so it shows
 * what the engine read the statement to do (its verbs and tables) rather than its first characters,
 * which a leading comment could fill.
 */
@Command(name = "approvals", description = "Lists statements held for approval (the default), shows one in full, or approves or denies one.")
public final class ApprovalsCommand implements Callable<Integer> {
    /** Characters of statement text in a list row; the full text is {@code show ID}'s. */
    static final int LIST_TEXT = 40;

    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return list(false);
    }

    @Command(name = "list", description = {"Lists pending approvals, or every approval the engine remembers with --all.",
            "Shows what each statement does (verbs, tables) and the start of its text; `show ID` prints it in full."})
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
            Table table = new Table("ID", "STATE", "REQUESTER", "TARGET", "ROLE", "RULE", "APPROVALS", "REQUESTED",
                    "DOES", "TABLES", "BINDS", "TEXT");
            for (ApprovalSummary approval : reply.approvals()) {
                Classification classification = approval.classification();
                table.add(approval.id(), Text.name(approval.state()), approval.requester(), approval.target(),
                        approval.role(), approval.rule(), approval.approvals() + "/" + approval.quorum(),
                        Text.time(approval.requestedAt()),
                        classification == null ? "unknown" : Text.list(classification.verbs()),
                        classification == null ? "unknown" : Text.list(classification.tables()),
                        approval.parameters().size(), Text.cut(approval.statement(), LIST_TEXT));
            }
            table.print(output.out());
            return CtlCommand.OK;
        });
    }

    @Command(name = "show", description = {"Prints one request in full: the whole statement, its bind values, what the engine",
            "read it to do, the rule that held it, the session, the hash, and the decisions so far."})
    int show(@Parameters(paramLabel = "ID", description = "The approval's id.") String id) {
        return Ctl.run(ctl, spec, (client, output) -> {
            // Every approval the engine remembers, so a decided one can be shown too.
            EngineMessage.Approvals reply = client.callAndWait(
                    requestId -> new ClientMessage.ApprovalsList(requestId, null), EngineMessage.Approvals.class);
            Optional<ApprovalSummary> found = reply.approvals().stream().filter(a -> a.id().equals(id)).findFirst();
            if (found.isEmpty()) {
                output.err().println("bulwark ctl: not_found: no approval " + Text.safe(id));
                return CtlCommand.ENGINE_ERROR;
            }
            if (output.json()) {
                output.json(new EngineMessage.Approval(reply.id(), found.get()));
                return CtlCommand.OK;
            }
            print(output, found.get());
            return CtlCommand.OK;
        });
    }

    @Command(name = "approve", description = "Approves a held statement (reviewer) and prints the request it approved, in full.")
    int approve(@Parameters(paramLabel = "ID", description = "The approval's id.") String id,
            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).") String reason) {
        return Ctl.run(ctl, spec, (client, output) -> decided(output, "approved", client.callAndWait(
                requestId -> new ClientMessage.ApprovalApprove(requestId, id, reason), EngineMessage.Approval.class)));
    }

    @Command(name = "deny", description = "Denies a held statement (reviewer) and prints the request it denied, in full.")
    int deny(@Parameters(paramLabel = "ID", description = "The approval's id.") String id,
            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).") String reason) {
        return Ctl.run(ctl, spec, (client, output) -> decided(output, "denied", client.callAndWait(
                requestId -> new ClientMessage.ApprovalDeny(requestId, id, reason), EngineMessage.Approval.class)));
    }

    private static int decided(Ctl.Output output, String verb, EngineMessage.Approval reply) {
        if (output.json()) {
            output.json(reply);
            return CtlCommand.OK;
        }
        ApprovalSummary approval = reply.approval();
        output.line("approval " + Text.safe(approval.id()) + " is " + Text.name(approval.state()) + " ("
                + approval.approvals() + "/" + approval.quorum() + " approvals); you " + verb + ":");
        print(output, approval);
        return CtlCommand.OK;
    }

    /**
     * One request in full. Labels start at column 0; the statement's lines start with the gutter
     * and each bind value is one escaped line after its own label, so nothing in the statement or
     * a value can pass for a label.
     */
    static void print(Ctl.Output output, ApprovalSummary approval) {
        Classification classification = approval.classification();
        Table fields = new Table("", "");
        fields.add("approval", approval.id());
        fields.add("state", Text.name(approval.state()) + " (" + approval.approvals() + "/" + approval.quorum() + " approvals)");
        fields.add("requested", Text.time(approval.requestedAt()) + " by " + approval.requester());
        fields.add("session", approval.sessionId());
        fields.add("target", approval.target() + (approval.role().isEmpty() ? "" : " as " + approval.role()));
        fields.add("rule", approval.rule());
        if (approval.reason() != null) {
            fields.add("held because", approval.reason()); // the engine's own reason (e.g. the write-scope estimate)
        }
        fields.add("kind", classification == null ? "unknown" : classification.kind());
        fields.add("verbs", classification == null ? "unknown" : Text.list(classification.verbs()));
        fields.add("tables", classification == null ? "unknown" : Text.list(classification.tables()));
        fields.add("hash", approval.statementHash());
        fields.printWithoutHeader(output.out());
        String text = approval.statement();
        int lines = text.isEmpty() ? 0 : text.split("\n", -1).length;
        output.line("statement (" + text.codePointCount(0, text.length()) + " characters, " + lines
                + (lines == 1 ? " line" : " lines") + (SafeText.isClean(text, SafeText.Layout.BLOCK) ? ""
                        : "; " + SafeText.OPEN + "…" + SafeText.CLOSE + " marks characters shown by their code")
                + (SafeText.hasRightToLeft(text) ? "; holds right-to-left letters, which a terminal may reorder" : "")
                + "):");
        output.block(text);
        List<String> parameters = approval.parameters();
        output.line("parameters (" + parameters.size() + ")" + (parameters.isEmpty() ? "" : ":"));
        for (int i = 0; i < parameters.size(); i++) {
            String value = parameters.get(i);
            output.line("  $" + (i + 1) + " = " + SafeText.value(value)
                    + (value == null ? "" : "  (" + value.codePointCount(0, value.length()) + " characters)"));
        }
        if (!approval.decisions().isEmpty()) {
            output.line("decisions:");
            for (ApprovalDecision decision : approval.decisions()) {
                output.line("  " + Text.time(decision.at()) + "  " + Text.name(decision.decision()) + " by "
                        + Text.safe(decision.by()) + (decision.reason().isEmpty() ? "" : ": " + Text.safe(decision.reason())));
            }
        }
    }
}
