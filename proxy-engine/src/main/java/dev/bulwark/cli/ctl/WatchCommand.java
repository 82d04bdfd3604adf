package dev.bulwark.cli.ctl;

import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.client.ManagementListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

/** {@code bulwark ctl watch}: live events until Ctrl-C. */
@Command(name = "watch", description = {
        "Prints live events (sessions, statements, approvals; rules for admins) until Ctrl-C.",
        "Starts with a summary of the current state. If the engine drops the subscription because",
        "this terminal fell behind, it subscribes again and says so."})
public final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", converter = TopicConverter.class,
            description = "sessions, statements, approvals, rules (default: all but rules).")
    private List<EventTopic> topics;

    @Option(names = "--max-events", paramLabel = "N", defaultValue = "0",
            description = "Stop after N events (default: never).")
    private int maxEvents;

    /** The connection ended; queued after the last event. */
    private record Closed(Throwable cause) {}

    @Override
    public Integer call() {
        List<EventTopic> wanted = topics == null || topics.isEmpty()
                ? dev.bulwark.model.ClientMessage.EventsSubscribe.DEFAULT_TOPICS
                : topics;
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        ManagementListener listener = new ManagementListener() {
            @Override
            public void onEvent(EngineMessage.EventMessage event) {
                inbox.add(event);
            }

            @Override
            public void onDropped(EngineMessage.EventsDropped dropped) {
                inbox.add(dropped);
            }

            @Override
            public void onClosed(Throwable cause) {
                inbox.add(new Closed(cause));
            }
        };
        return Ctl.run(ctl, spec, listener, (client, output) -> {
            subscribe(client, output, wanted);
            int seen = 0;
            while (maxEvents == 0 || seen < maxEvents) {
                Object next;
                try {
                    next = inbox.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CtlCommand.OK;
                }
                switch (next) {
                    case EngineMessage.EventMessage event -> {
                        if (output.json()) {
                            output.json(event);
                        } else {
                            print(output.out(), event.event());
                        }
                        seen++;
                    }
                    case EngineMessage.EventsDropped dropped -> {
                        output.err().println("bulwark ctl: " + dropped.reason() + "; subscribing again");
                        output.err().flush();
                        subscribe(client, output, wanted);
                    }
                    case Closed closed -> {
                        output.err().println("bulwark ctl: the engine closed the connection");
                        return CtlCommand.CANNOT_CONNECT;
                    }
                    default -> throw new IllegalStateException("unexpected " + next);
                }
                output.out().flush();
            }
            return CtlCommand.OK;
        });
    }

    private static void subscribe(dev.bulwark.model.client.ManagementClient client, Ctl.Output output,
            List<EventTopic> wanted) throws java.io.IOException {
        EngineMessage.Subscribed subscribed = client.await(client.subscribe(wanted));
        if (output.json()) {
            output.json(subscribed);
        } else {
            EventSnapshot snapshot = subscribed.snapshot();
            StringBuilder summary = new StringBuilder("watching " + String.join(",", wanted.stream().map(Text::name).toList()));
            if (wanted.contains(EventTopic.SESSIONS)) {
                summary.append("; ").append(snapshot.sessions().size()).append(" live sessions");
            }
            if (wanted.contains(EventTopic.APPROVALS)) {
                summary.append("; ").append(snapshot.approvals().size()).append(" pending approvals");
            }
            if (wanted.contains(EventTopic.RULES)) {
                summary.append("; ").append(snapshot.rules().size()).append(" rules");
            }
            output.line(summary.toString());
        }
        output.out().flush();
    }

    /** One line per event: every untrusted part escaped, statements cut with a marker ({@code approvals show} has them whole). */
    static void print(PrintWriter out, Event event) {
        String head = Text.time(event.at()) + "  ";
        switch (event) {
            case Event.SessionStarted started -> out.println(head + "session " + started.session().id() + " started: "
                    + Text.safe(started.session().subject()) + " -> " + Text.safe(started.session().target()) + "/" + Text.safe(started.session().database())
                    + " from " + Text.safe(started.session().clientAddress()));
            case Event.SessionChanged changed -> out.println(head + "session " + changed.session().id() + " is "
                    + Text.name(changed.session().state()));
            case Event.SessionEnded ended -> out.println(head + "session " + ended.session() + " ended: " + Text.safe(ended.reason()));
            case Event.StatementExecuted statement -> out.println(head + "statement in " + statement.session() + " by "
                    + Text.safe(statement.subject()) + " [" + Text.name(statement.verdict())
                    + (statement.rule() == null ? "" : " " + Text.safe(statement.rule())) + "] " + Text.cut(statement.text(), 100));
            case Event.ApprovalRequested requested -> out.println(head + "approval " + requested.approval().id()
                    + " requested by " + Text.safe(requested.approval().requester()) + " (rule " + Text.safe(requested.approval().rule()) + "): "
                    + does(requested.approval().classification()) + Text.cut(requested.approval().statement(), 80));
            case Event.ApprovalChanged changed -> out.println(head + "approval " + changed.approval().id() + " is "
                    + Text.name(changed.approval().state()) + " (" + changed.approval().approvals() + "/"
                    + changed.approval().quorum() + ")");
            case Event.RuleChanged changed -> out.println(head + Text.name(changed.rule().kind()) + " rule "
                    + Text.safe(changed.rule().id()) + " is now version " + changed.rule().version() + " (by " + Text.safe(changed.rule().changedBy()) + ")");
            case Event.RuleDeleted deleted -> out.println(head + Text.name(deleted.kind()) + " rule " + Text.safe(deleted.rule())
                    + " deleted (by " + Text.safe(deleted.by()) + ")");
        }
    }

    private static String does(dev.bulwark.model.Classification classification) {
        return classification == null ? "" : "[" + Text.safe(String.join(",", classification.verbs())) + " on "
                + Text.safe(classification.tables().isEmpty() ? "-" : String.join(",", classification.tables())) + "] ";
    }

    /** Accepts topic names in any case. */
    static final class TopicConverter implements ITypeConverter<EventTopic> {
        @Override
        public EventTopic convert(String value) {
            try {
                return EventTopic.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected sessions, statements, approvals or rules, got '" + value + "'");
            }
        }
    }
}
