package dev.bulwark.console.fake;

import dev.bulwark.console.app.Console;
import dev.bulwark.console.app.ConsoleApplication;
import dev.bulwark.console.app.ConsoleSettings;
import dev.bulwark.console.app.SettingsStore;
import dev.bulwark.console.app.Theme;
import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.ui.FileDialogs;
import dev.bulwark.console.ui.FxUiScheduler;
import dev.bulwark.console.ui.FxWorker;
import dev.bulwark.model.Operator;
import dev.bulwark.model.VerdictAction;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole console on a real stage, connected through the real {@link ConnectionManager} to a
 * {@link FakeEngine} full of sample data: what the TestFX tests drive and the screenshot tool shoots.
 * Build it on the FX thread.
 */
public final class ConsoleFixture implements AutoCloseable {
    public static final EngineAddress ADDRESS = new EngineAddress.Local(Path.of("/var/lib/bulwark/bulwark.sock"));

    private final FakeEngine engine;
    private final FakeConnector connector;
    private final FxUiScheduler ui;
    private final FxWorker worker = new FxWorker();
    private final ConnectionManager connection;
    private final Console console;
    private final Path settingsDirectory;
    private final List<String> notifications = new ArrayList<>();
    private final RecordingFileDialogs files = new RecordingFileDialogs();
    private final Scene scene;

    /** Answers file dialogs with a path the test chose. */
    public static final class RecordingFileDialogs implements FileDialogs {
        private volatile Path answer;

        public void answer(Path path) {
            this.answer = path;
        }

        @Override
        public Optional<Path> saveFile(Window owner, String title, String initialName, String description, String pattern) {
            return Optional.ofNullable(answer);
        }

        @Override
        public Optional<Path> openFile(Window owner, String title, String description, String pattern) {
            return Optional.ofNullable(answer);
        }
    }

    private ConsoleFixture(Stage stage, Operator operator, Instant now, Theme theme) {
        Clock clock = Clock.fixed(now, ZoneId.of("Europe/Paris"));
        engine = new FakeEngine(clock).operator(operator);
        Samples.populate(engine, now);
        connector = new FakeConnector(engine);
        ui = new FxUiScheduler(clock);
        connection = new ConnectionManager(connector, ui, Runnable::run);
        try {
            settingsDirectory = Files.createTempDirectory("bulwark-console-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SettingsStore store = new SettingsStore(settingsDirectory.resolve("console.json"));
        console = new Console(new Console.Services(connection, ui, worker, (title, text) -> notifications.add(title),
                files, store, ConsoleSettings.defaults().withTheme(theme), ZoneId.of("Europe/Paris")));
        scene = new Scene(console.mainView().root(), ConsoleApplication.WIDTH, ConsoleApplication.HEIGHT);
        console.mainView().attach(scene);
        stage.titleProperty().bind(console.main().titleProperty());
        stage.setScene(scene);
        stage.show();
        console.start();
    }

    /** Builds the console on {@code stage}, shows it and connects it to a fake engine. */
    public static ConsoleFixture start(Stage stage, Operator operator, Instant now) {
        return start(stage, operator, now, Theme.LIGHT);
    }

    public static ConsoleFixture start(Stage stage, Operator operator, Instant now, Theme theme) {
        ConsoleFixture fixture = new ConsoleFixture(stage, operator, now, theme);
        fixture.console.main().connect(ConnectTarget.of(ADDRESS));
        return fixture;
    }

    /** Each session's last statement, as live events (so the table's column is filled). */
    public void sendLastStatements() {
        for (String[] statement : Samples.lastStatements()) {
            engine.statement(statement[0], statement[1], VerdictAction.valueOf(statement[2]), null);
        }
    }

    public FakeEngine engine() {
        return engine;
    }

    public FakeConnector connector() {
        return connector;
    }

    public Console console() {
        return console;
    }

    public ConnectionManager connection() {
        return connection;
    }

    public Scene scene() {
        return scene;
    }

    public List<String> notifications() {
        return notifications;
    }

    public RecordingFileDialogs files() {
        return files;
    }

    @Override
    public void close() {
        console.stop();
        connection.close();
        ui.close();
        worker.close();
        try (var paths = Files.walk(settingsDirectory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless.
        }
    }
}
