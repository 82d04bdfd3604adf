package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.ResultColumn;
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
            case FramePayload.SessionStart start -> out.println(head + "session start  " + start.subject()
                    + (start.groups().isEmpty() ? "" : " (" + String.join(",", start.groups()) + ")")
                    + " -> " + start.target() + "/" + start.database() + " as " + start.role()
                    + " from " + start.clientAddress()
                    + (start.applicationName() == null ? "" : " [" + start.applicationName() + "]"));
            case FramePayload.Statement statement -> {
                out.println(head + "statement      [" + Text.name(statement.verdict())
                        + (statement.rule() == null ? "" : " " + statement.rule()) + "] " + statement.text());
                if (!statement.parameters().isEmpty()) {
                    out.println("       parameters: " + String.join(", ",
                            statement.parameters().stream().map(value -> value == null ? "NULL" : value).toList()));
                }
            }
            case FramePayload.Result result -> {
                out.println(head + "result         " + result.commandTag() + " (" + result.rowCount() + " rows"
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
            case FramePayload.Notice notice -> out.println(head + "notice         " + notice.severity() + ": " + notice.message());
            case FramePayload.Error error -> out.println(head + "error          " + error.sqlstate() + " " + error.message()
                    + (error.detail() == null ? "" : " (" + error.detail() + ")"));
            case FramePayload.Copy copy -> out.println(head + "copy           " + Text.name(copy.direction()) + ", "
                    + copy.rows() + " rows, " + copy.bytes() + " bytes");
            case FramePayload.Approval approval -> out.println(head + "approval       " + approval.approvalId() + " "
                    + Text.name(approval.state()) + (approval.by() == null ? "" : " by " + approval.by())
                    + (approval.reason() == null ? "" : ": " + approval.reason()));
            case FramePayload.Cancel cancel -> out.println(head + "cancel         by " + cancel.by()
                    + (cancel.reason() == null ? "" : ": " + cancel.reason()));
            case FramePayload.SessionEnd end -> out.println(head + "session end    " + end.reason());
        }
    }
}
