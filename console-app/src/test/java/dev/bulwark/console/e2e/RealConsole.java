package dev.bulwark.console.e2e;

import dev.bulwark.console.app.Console;
import dev.bulwark.console.app.ConsoleApplication;
import dev.bulwark.console.app.ConsoleSettings;
import dev.bulwark.console.app.SettingsStore;
import dev.bulwark.console.app.Theme;
import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.client.SocketConnector;
import dev.bulwark.console.ui.FxFileDialogs;
import dev.bulwark.console.ui.FxUiScheduler;
import dev.bulwark.console.ui.FxWorker;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The console built as {@link ConsoleApplication} builds it (real socket connector, real FX
 * scheduler and worker), connected to a real engine's management socket. Build it on the FX thread.
 */
public final class RealConsole implements AutoCloseable {
    private final FxUiScheduler ui = new FxUiScheduler();
    private final FxWorker worker = new FxWorker();
    private final ExecutorService io = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-it-connect");
        thread.setDaemon(true);
        return thread;
    });
    private final ConnectionManager connection;
    private final Console console;
    private final Scene scene;
    private final List<String> notifications = new ArrayList<>();

    /**
     * @param socket the engine's management socket ({@code <data>/bulwark.sock})
     * @param settings where the console keeps its settings (a temp file in tests)
     */
    public RealConsole(Stage stage, Path socket, Path settings, Theme theme) {
        this(stage, new EngineAddress.Local(socket), settings, theme);
    }

    /** The console connected to any engine address: a local socket or a remote TLS listener with a token file. */
    public RealConsole(Stage stage, EngineAddress address, Path settings, Theme theme) {
        connection = new ConnectionManager(new SocketConnector("bulwark-console-it"), ui, io);
        SettingsStore store = new SettingsStore(settings);
        console = new Console(new Console.Services(connection, ui, worker, (title, text) -> notifications.add(title),
                new FxFileDialogs(), store, ConsoleSettings.defaults().withTheme(theme), ZoneId.systemDefault()));
        scene = new Scene(console.mainView().root(), ConsoleApplication.WIDTH, ConsoleApplication.HEIGHT);
        console.mainView().attach(scene);
        stage.titleProperty().bind(console.main().titleProperty());
        stage.setScene(scene);
        stage.show();
        console.start();
        console.main().connect(ConnectTarget.of(address));
    }

    public Console console() {
        return console;
    }

    public Scene scene() {
        return scene;
    }

    public ConnectionManager connection() {
        return connection;
    }

    public List<String> notifications() {
        return notifications;
    }

    @Override
    public void close() {
        console.stop();
        connection.close();
        ui.close();
        worker.close();
        io.shutdownNow();
    }
}
