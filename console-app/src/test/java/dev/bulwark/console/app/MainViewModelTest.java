package dev.bulwark.console.app;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.fake.FakeConnector;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import javafx.beans.property.SimpleIntegerProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private static final EngineAddress LOCAL = new EngineAddress.Local(Path.of("/var/lib/bulwark/bulwark.sock"));

    @TempDir
    Path directory;
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final FakeConnector connector = new FakeConnector(engine);
    private final ConnectionManager connection = new ConnectionManager(connector, ui, Runnable::run);

    private MainViewModel viewModel(SettingsStore store) {
        return new MainViewModel(connection, store, store.load(), new SimpleIntegerProperty(3));
    }

    @Test
    void theStatusBarSaysWhoTheConsoleIsConnectedAs() {
        SettingsStore store = new SettingsStore(directory.resolve("console.json"));
        MainViewModel viewModel = viewModel(store);
        assertEquals("Not connected: not connected", viewModel.statusProperty().get());

        viewModel.connect(ConnectTarget.of(LOCAL));

        assertEquals(MainViewModel.Light.CONNECTED, viewModel.lightProperty().get());
        assertEquals("Connected to /var/lib/bulwark/bulwark.sock as carol (admin) · engine 0.1.0-test",
                viewModel.statusProperty().get());
        assertTrue(viewModel.titleProperty().get().startsWith("Bulwark console"));
        assertEquals(java.util.List.of(LOCAL), store.load().recent(), "the engine is remembered");
    }

    @Test
    void itCountsDownToTheNextAttempt() {
        MainViewModel viewModel = viewModel(new SettingsStore(directory.resolve("console.json")));
        viewModel.connect(ConnectTarget.of(LOCAL));
        connector.failNext(5);
        engine.breakConnection();
        ui.advance(Duration.ofSeconds(1));
        ui.advance(Duration.ofSeconds(1));

        assertEquals(MainViewModel.Light.RECONNECTING, viewModel.lightProperty().get());
        assertEquals("Not connected to /var/lib/bulwark/bulwark.sock (engine not reachable) · reconnecting in 1s…",
                viewModel.statusProperty().get());
        assertTrue(viewModel.canRetryProperty().get());
    }

    @Test
    void aRefusalIsShownAndCanBeRetriedByHand() {
        MainViewModel viewModel = viewModel(new SettingsStore(directory.resolve("console.json")));
        connector.refuse(new ManagementException(ErrorCode.UNAUTHORIZED, "no operator mapping for uid 1001"));
        viewModel.connect(ConnectTarget.of(LOCAL));
        assertEquals("Not connected: refused: no operator mapping for uid 1001", viewModel.statusProperty().get());
        assertTrue(viewModel.canRetryProperty().get());
    }

    @Test
    void theThemeIsRemembered() {
        SettingsStore store = new SettingsStore(directory.resolve("console.json"));
        MainViewModel viewModel = viewModel(store);
        assertEquals(Theme.LIGHT, viewModel.themeProperty().get());
        viewModel.toggleTheme();
        assertEquals(Theme.DARK, store.load().theme());
        assertFalse(Theme.DARK.stylesheets().isEmpty());
    }

    @Test
    void theConnectDialogValidatesAsYouType() {
        ConnectViewModel connect = new ConnectViewModel(java.util.List.of(LOCAL), LOCAL);
        assertEquals("", connect.problemBinding().get());
        connect.remoteProperty().set(true);
        assertEquals("Give the engine's host name", connect.problemBinding().get());
        connect.hostProperty().set("bulwark.example.com");
        connect.portProperty().set("x");
        assertEquals("The port is a number", connect.problemBinding().get());
        connect.portProperty().set("7433");
        assertEquals("Paste a token or name a token file", connect.problemBinding().get());
        connect.tokenProperty().set("eyJ...");
        assertEquals("", connect.problemBinding().get());
        ConnectTarget target = connect.target();
        assertEquals(new EngineAddress.Remote("bulwark.example.com", 7433, null, null), target.address());
        assertEquals("eyJ...", target.token());
        connect.selectedRecentProperty().set(LOCAL);
        assertFalse(connect.remoteProperty().get());
    }
}
