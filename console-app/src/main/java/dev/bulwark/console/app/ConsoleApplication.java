package dev.bulwark.console.app;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.client.SocketConnector;
import dev.bulwark.console.ui.FxFileDialogs;
import dev.bulwark.console.ui.FxNotifier;
import dev.bulwark.console.ui.FxUiScheduler;
import dev.bulwark.console.ui.FxWorker;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JavaFX application. Started by {@link dev.bulwark.console.Main}, never directly: on the
 * class path, JavaFX must be launched from a class that is not the Application subclass.
 */
public final class ConsoleApplication extends Application {
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 800;

    private FxUiScheduler ui;
    private FxWorker worker;
    private ExecutorService io;
    private ConnectionManager connection;
    private Console console;

    @Override
    public void start(Stage stage) {
        LaunchOptions options = LaunchOptions.parse(getParameters().getRaw());
        SettingsStore store = new SettingsStore(SettingsStore.defaultPath());
        ConsoleSettings settings = store.load();
        if (options.theme() != null && options.theme() != settings.theme()) {
            settings = settings.withTheme(options.theme());
        }
        ui = new FxUiScheduler();
        worker = new FxWorker();
        io = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bulwark-console-connect");
            thread.setDaemon(true);
            return thread;
        });
        connection = new ConnectionManager(new SocketConnector("bulwark-console/" + version()), ui, io);
        console = new Console(new Console.Services(connection, ui, worker, new FxNotifier(() -> stage),
                new FxFileDialogs(), store, settings, ZoneId.systemDefault()));
        Scene scene = new Scene(console.mainView().root(), WIDTH, HEIGHT);
        console.mainView().attach(scene);
        stage.titleProperty().bind(console.main().titleProperty());
        stage.setMinWidth(1024);
        stage.setMinHeight(640);
        stage.setScene(scene);
        stage.show();
        console.start();

        EngineAddress address = options.address() != null ? options.address()
                : settings.recent().isEmpty() ? new EngineAddress.Local(EngineAddress.DEFAULT_SOCKET) : settings.recent().get(0);
        if (address instanceof EngineAddress.Remote remote && remote.tokenFile() == null) {
            // A remote engine needs a token nobody stored: ask for it.
            Platform.runLater(console.mainView()::showConnectDialog);
        } else {
            console.main().connect(ConnectTarget.of(address));
        }
    }

    static String version() {
        String version = ConsoleApplication.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public void stop() {
        if (console != null) {
            console.stop();
        }
        if (connection != null) {
            connection.close();
        }
        if (ui != null) {
            ui.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (io != null) {
            io.shutdownNow();
        }
    }
}
