package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.SafeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bulwark ctl replay SESSION_ID}: a recorded session's frames as text. */
@Command(name = "replay", description = "Prints a recorded session's frames as text: statements, verdicts, results, errors.")
public final class ReplayCommand implements Callable<Integer> {
    /** Result rows shown per result frame; the recording may hold more. */
    private static final int ROWS_SHOWN = 20;

    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "The recorded session's id.")
    private String session;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "The first frame (default: 1).")
    private long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "The last frame (default: the end).")
    private Long to;

    @Override
    public Integer call() {
        return Ctl.run(ctl, spec, (client, output) -> {
            long next = Math.max(0, from);
            int shown = 0;
            while (true) {
                long start = next;
                EngineMessage.Frames page = client.callAndWait(
                        id -> new ClientMessage.RecordingFrames(id, session, start, to, 0), EngineMessage.Frames.class);
                if (output.json()) {
                    output.json(page);
                } else {
                    for (Frame frame : page.frames()) {
                        print(output.out(), frame);
                        shown++;
                    }
                }
                output.out().flush();
                if (page.next() == null) {
                    break;
                }
                next = page.next();
            }
            if (!output.json() && shown == 0) {
                output.line("no frames");
            }
            return CtlCommand.OK;
        });
    }

    static void print(PrintWriter out, Frame frame) {
        String head = String.format("#%-5d %s  ", frame.seq(), Text.clock(frame.timestampMicros()));
        switch (frame.payload()) {
            case FramePayload.SessionStart start -> out.println(head + "session start  " + Text.safe(start.subject())
                    + (start.groups().isEmpty() ? "" : " (" + Text.safe(String.join(",", start.groups())) + ")")
                    + " -> " + Text.safe(start.target()) + "/" + Text.safe(start.database()) + " as " + Text.safe(start.role())
                    + " from " + Text.safe(start.clientAddress())
                    + (start.applicationName() == null ? "" : " [" + Text.safe(start.applicationName()) + "]"));
            case FramePayload.Statement statement -> {
                // The engine's facts first, on the frame's own line; then the text under a gutter and
                // each bind value on its own labelled line, so statement text cannot imitate either.
                String text = statement.text();
                out.println(head + "statement      [" + Text.name(statement.verdict())
                        + (statement.rule() == null ? "" : " " + Text.safe(statement.rule())) + "]"
                        + " verbs " + (statement.verbs().isEmpty() ? "?" : Text.safe(String.join(",", statement.verbs())))
                        + "; tables " + (statement.tables().isEmpty() ? "-" : Text.safe(String.join(",", statement.tables())))
                        + (statement.truncated()
                                ? "; TRUNCATED: only the first " + text.codePointCount(0, text.length())
                                        + " characters (or a cut bind value) were recorded; verbs and tables are of the whole statement"
                                : ""));
                for (String textLine : SafeText.block(text).split("\n", -1)) {
                    out.println(Ctl.Output.GUTTER + textLine);
                }
                for (int i = 0; i < statement.parameters().size(); i++) {
                    out.println("       parameter $" + (i + 1) + " = " + SafeText.value(statement.parameters().get(i)));
                }
            }
            case FramePayload.Result result -> {
                out.println(head + "result         " + Text.safe(result.commandTag()) + " (" + result.rowCount() + " rows"
                        + (result.truncated() ? ", recording truncated" : "") + ")");
                if (!result.columns().isEmpty()) {
                    // A column masked for the record only: the reader saw it clear, the recording keeps it masked.
                    Table table = new Table(result.columns().stream()
                            .map(column -> column.maskedInRecord() ? column.name() + " (masked in recording)" : column.name())
                            .toArray(String[]::new));
                    if (result.columns().stream().anyMatch(ResultColumn::maskedInRecord)) {
                        out.println("         the reader saw the columns marked (masked in recording) unmasked;"
                                + " the recording keeps them masked");
                    }
                    List<List<String>> rows = result.rows();
                    for (List<String> row : rows.subList(0, Math.min(ROWS_SHOWN, rows.size()))) {
                        table.add(row.stream().map(value -> value == null ? "NULL" : Text.cut(value, 40)).toArray());
                    }
                    table.print(out, "         ");
                    if (rows.size() > ROWS_SHOWN) {
                        out.println("         ... " + (rows.size() - ROWS_SHOWN) + " more rows recorded");
                    }
                }
            }
            case FramePayload.Notice notice -> out.println(head + "notice         " + Text.safe(notice.severity()) + ": " + Text.safe(notice.message()));
            case FramePayload.Error error -> out.println(head + "error          " + Text.safe(error.sqlstate()) + " " + Text.safe(error.message())
                    + (error.detail() == null ? "" : " (" + Text.safe(error.detail()) + ")"));
            case FramePayload.Copy copy -> out.println(head + "copy           " + Text.name(copy.direction()) + ", "
                    + copy.rows() + " rows, " + copy.bytes() + " bytes");
            case FramePayload.Approval approval -> out.println(head + "approval       " + Text.safe(approval.approvalId()) + " "
                    + Text.name(approval.state()) + (approval.by() == null ? "" : " by " + Text.safe(approval.by()))
                    + (approval.reason() == null ? "" : ": " + Text.safe(approval.reason())));
            case FramePayload.Cancel cancel -> out.println(head + "cancel         by " + Text.safe(cancel.by())
                    + (cancel.reason() == null ? "" : ": " + Text.safe(cancel.reason())));
            case FramePayload.SessionEnd end -> out.println(head + "session end    " + Text.safe(end.reason()));
        }
    }
}
