package dev.bulwark.console.replay;

import dev.bulwark.console.ui.Format;
import dev.bulwark.model.Frame;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.VerdictAction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recorded session as a sequence of {@link FrameView}s, and the pacing of its playback. Pure, so
 * stepping and timing are tested without the FX toolkit.
 */
public final class ReplayTimeline {
    /** Playback never waits longer than this between two frames, however long the user paused. */
    static final Duration MAX_DELAY = Duration.ofSeconds(2);
    /** And never shorter, so each frame is on screen long enough to register. */
    static final Duration MIN_DELAY = Duration.ofMillis(60);

    private final List<FrameView> views;

    private ReplayTimeline(List<FrameView> views) {
        this.views = List.copyOf(views);
    }

    public static ReplayTimeline of(List<Frame> frames) {
        List<FrameView> views = new ArrayList<>(frames.size());
        String statement = "";
        VerdictAction verdict = null;
        String rule = null;
        boolean truncated = false;
        List<String> verbs = List.of();
        List<String> tables = List.of();
        long previousMicros = frames.isEmpty() ? 0 : frames.get(0).timestampMicros();
        for (Frame frame : frames) {
            long gap = Math.max(0, frame.timestampMicros() - previousMicros);
            previousMicros = frame.timestampMicros();
            FramePayload.Result result = null;
            String message = null;
            FrameView.MessageKind messageKind = FrameView.MessageKind.NONE;
            String kind;
            switch (frame.payload()) {
                case FramePayload.Statement s -> {
                    kind = "statement";
                    statement = s.text();
                    verdict = s.verdict();
                    rule = s.rule();
                    truncated = s.truncated();
                    verbs = s.verbs();
                    tables = s.tables();
                    if (!s.parameters().isEmpty()) {
                        // Each value quoted and escaped, on the message line apart from the statement text.
                        List<String> values = new ArrayList<>();
                        for (int i = 0; i < s.parameters().size(); i++) {
                            values.add("$" + (i + 1) + " = " + SafeText.value(s.parameters().get(i)));
                        }
                        message = "Bind values: " + String.join(", ", values);
                        messageKind = FrameView.MessageKind.INFO;
                    }
                }
                case FramePayload.Result r -> {
                    kind = "result";
                    result = r;
                    message = SafeText.line(r.commandTag()) + (r.truncated()
                            ? " · " + Format.count(r.rows().size()) + " of " + Format.count(r.rowCount()) + " rows recorded"
                            : "");
                    messageKind = FrameView.MessageKind.INFO;
                }
                case FramePayload.Notice n -> {
                    kind = "notice";
                    message = SafeText.line(n.severity()) + ": " + SafeText.line(n.message());
                    messageKind = FrameView.MessageKind.NOTICE;
                }
                case FramePayload.Error e -> {
                    kind = "error";
                    message = "ERROR " + SafeText.line(e.sqlstate()) + ": " + SafeText.line(e.message())
                            + (e.detail() == null ? "" : "\n" + SafeText.line(e.detail()));
                    messageKind = FrameView.MessageKind.ERROR;
                }
                case FramePayload.Copy c -> {
                    kind = "copy";
                    message = "COPY " + (c.direction() == FramePayload.CopyDirection.IN ? "from the client" : "to the client")
                            + ": " + Format.count(c.rows()) + " rows, " + Format.count(c.bytes()) + " bytes (data not recorded)";
                    messageKind = FrameView.MessageKind.INFO;
                }
                case FramePayload.Approval a -> {
                    kind = "approval";
                    message = "Approval " + SafeText.line(a.approvalId()) + ": " + a.state().name().toLowerCase(Locale.ROOT)
                            + (a.by() == null ? "" : " by " + SafeText.line(a.by()))
                            + (a.reason() == null ? "" : " (" + SafeText.line(a.reason()) + ")");
                    messageKind = FrameView.MessageKind.NOTICE;
                }
                case FramePayload.Cancel c -> {
                    kind = "cancel";
                    message = "Cancelled by " + SafeText.line(c.by()) + (c.reason() == null ? "" : ": " + SafeText.line(c.reason()));
                    messageKind = FrameView.MessageKind.NOTICE;
                }
                case FramePayload.SessionStart s -> {
                    kind = "session start";
                    message = SafeText.line("Session started: " + s.subject()
                            + (s.groups().isEmpty() ? "" : " (" + String.join(", ", s.groups()) + ")")
                            + " on " + s.target() + (s.database().isEmpty() ? "" : "/" + s.database())
                            + " as " + s.role() + " from " + s.clientAddress()
                            + (s.applicationName() == null ? "" : " (" + s.applicationName() + ")"));
                    messageKind = FrameView.MessageKind.INFO;
                }
                case FramePayload.SessionEnd e -> {
                    kind = "session end";
                    message = "Session ended: " + SafeText.line(e.reason());
                    messageKind = FrameView.MessageKind.INFO;
                }
            }
            views.add(new FrameView(views.size(), frame, gap, kind, statement, verdict, rule, result, message, messageKind,
                    truncated, verbs, tables));
        }
        return new ReplayTimeline(views);
    }

    public int size() {
        return views.size();
    }

    public boolean isEmpty() {
        return views.isEmpty();
    }

    public FrameView at(int index) {
        return views.get(index);
    }

    /** How long playback waits before moving from {@code index} to the next frame at {@code speed}x. */
    public Duration delayAfter(int index, int speed) {
        if (index + 1 >= views.size()) {
            return MIN_DELAY;
        }
        long micros = views.get(index + 1).gapMicros() / Math.max(1, speed);
        Duration delay = Duration.ofNanos(Math.min(micros, MAX_DELAY.toNanos() / 1000) * 1000);
        return delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }
}
