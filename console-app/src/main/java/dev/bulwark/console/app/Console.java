package dev.bulwark.console.app;

import dev.bulwark.console.approvals.ApprovalsView;
import dev.bulwark.console.approvals.ApprovalsViewModel;
import dev.bulwark.console.audit.AuditView;
import dev.bulwark.console.audit.AuditViewModel;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.replay.ReplayView;
import dev.bulwark.console.replay.ReplayViewModel;
import dev.bulwark.console.rules.RulesView;
import dev.bulwark.console.rules.RulesViewModel;
import dev.bulwark.console.sessions.SessionsView;
import dev.bulwark.console.sessions.SessionsViewModel;
import dev.bulwark.console.ui.FileDialogs;
import dev.bulwark.console.ui.Notifier;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.console.ui.Worker;
import javafx.scene.Parent;

import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Builds the console: every view model and view, wired to one {@link ConnectionManager}. The
 * application, the TestFX tests and the screenshot tool all build it the same way, with real or
 * fake services. Construct and use on the UI thread.
 */
public final class Console {

    /** What the console needs from outside. */
    public record Services(ConnectionManager connection, UiScheduler ui, Worker worker, Notifier notifier,
            FileDialogs files, SettingsStore settings, ConsoleSettings initialSettings, ZoneId zone) {
        public Services {
            requireNonNull(connection, "connection is null");
            requireNonNull(ui, "ui is null");
            requireNonNull(worker, "worker is null");
            requireNonNull(notifier, "notifier is null");
            requireNonNull(files, "files is null");
            requireNonNull(settings, "settings is null");
            requireNonNull(initialSettings, "initialSettings is null");
            requireNonNull(zone, "zone is null");
        }
    }

    private final SessionsViewModel sessions;
    private final ApprovalsViewModel approvals;
    private final RulesViewModel rules;
    private final ReplayViewModel replay;
    private final AuditViewModel audit;
    private final MainViewModel main;
    private final MainView mainView;

    public Console(Services services) {
        ConnectionManager connection = services.connection();
        sessions = new SessionsViewModel(connection, services.ui(), services.zone());
        approvals = new ApprovalsViewModel(connection, services.ui(), services.notifier(), services.zone());
        rules = new RulesViewModel(connection, services.ui(), services.zone());
        replay = new ReplayViewModel(connection, services.ui(), services.worker(), services.zone());
        audit = new AuditViewModel(connection, services.ui(), services.worker(), services.zone());
        connection.addLiveListener(sessions);
        connection.addLiveListener(approvals);
        connection.addLiveListener(rules);
        connection.addLiveListener(audit);
        main = new MainViewModel(connection, services.settings(), services.initialSettings(),
                approvals.pendingCountProperty());
        Map<Page, Supplier<Parent>> pages = new EnumMap<>(Page.class);
        pages.put(Page.SESSIONS, () -> new SessionsView(sessions).root());
        pages.put(Page.APPROVALS, () -> new ApprovalsView(approvals).root());
        pages.put(Page.RULES, () -> new RulesView(rules).root());
        pages.put(Page.REPLAY, () -> new ReplayView(replay, services.files()).root());
        pages.put(Page.AUDIT, () -> new AuditView(audit, services.files()).root());
        mainView = new MainView(main, pages);
    }

    /** Starts the clocks (ticking "since" and "waiting" columns). */
    public void start() {
        sessions.start();
        approvals.start();
    }

    public void stop() {
        sessions.stop();
        approvals.stop();
        replay.pause();
    }

    public MainView mainView() {
        return mainView;
    }

    public MainViewModel main() {
        return main;
    }

    public SessionsViewModel sessions() {
        return sessions;
    }

    public ApprovalsViewModel approvals() {
        return approvals;
    }

    public RulesViewModel rules() {
        return rules;
    }

    public ReplayViewModel replay() {
        return replay;
    }

    public AuditViewModel audit() {
        return audit;
    }
}
