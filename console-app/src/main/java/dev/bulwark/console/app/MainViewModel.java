package dev.bulwark.console.app;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.ConnectionManager;
import dev.bulwark.console.client.ConnectionState;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.ui.Format;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * The window around the views: navigation, the status bar (connected as whom, reconnecting in how
 * long), the title, the theme (remembered), and connecting to another engine (remembered as recent).
 */
public final class MainViewModel {
    /** The status bar's light. */
    public enum Light { CONNECTED, CONNECTING, RECONNECTING, DISCONNECTED }

    private final ConnectionManager connection;
    private final SettingsStore store;
    private ConsoleSettings settings;
    private final ObjectProperty<Page> page = new SimpleObjectProperty<>(this, "page", Page.SESSIONS);
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<Light> light = new ReadOnlyObjectWrapper<>(this, "light", Light.DISCONNECTED);
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Bulwark console");
    private final ReadOnlyStringWrapper engine = new ReadOnlyStringWrapper(this, "engine", "");
    private final ReadOnlyBooleanWrapper canRetry = new ReadOnlyBooleanWrapper(this, "canRetry");
    private final ReadOnlyIntegerProperty pendingApprovals;

    public MainViewModel(ConnectionManager connection, SettingsStore store, ConsoleSettings settings,
            ReadOnlyIntegerProperty pendingApprovals) {
        this.connection = requireNonNull(connection, "connection is null");
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.pendingApprovals = requireNonNull(pendingApprovals, "pendingApprovals is null");
        theme.set(settings.theme());
        theme.addListener((observable, old, value) -> {
            if (value != null && value != this.settings.theme()) {
                remember(this.settings.withTheme(value));
            }
        });
        connection.stateProperty().addListener((observable, old, state) -> show(state));
        show(connection.getState());
    }

    private void show(ConnectionState state) {
        switch (state) {
            case ConnectionState.Connected connected -> {
                light.set(Light.CONNECTED);
                status.set("Connected to " + connected.address().display() + " as " + connected.operator().name()
                        + " (" + Format.words(connected.operator().role()) + ") · engine " + connected.engineVersion());
                engine.set(connected.address().display());
                title.set("Bulwark console · " + connected.operator().name() + " @ " + connected.address().display());
                canRetry.set(false);
            }
            case ConnectionState.Connecting connecting -> {
                light.set(Light.CONNECTING);
                status.set("Connecting to " + connecting.address().display() + "…"
                        + (connecting.attempt() > 1 ? " (attempt " + connecting.attempt() + ")" : ""));
                engine.set(connecting.address().display());
                title.set("Bulwark console · connecting to " + connecting.address().display());
                canRetry.set(false);
            }
            case ConnectionState.Reconnecting reconnecting -> {
                light.set(Light.RECONNECTING);
                status.set("Not connected to " + reconnecting.address().display() + " (" + reconnecting.reason()
                        + ") · reconnecting in " + reconnecting.secondsLeft() + "s…");
                engine.set(reconnecting.address().display());
                title.set("Bulwark console · reconnecting to " + reconnecting.address().display());
                canRetry.set(true);
            }
            case ConnectionState.Disconnected disconnected -> {
                light.set(Light.DISCONNECTED);
                status.set("Not connected: " + disconnected.reason());
                title.set("Bulwark console · not connected");
                canRetry.set(connection.target() != null);
            }
        }
    }

    /** Connects to an engine and remembers it. */
    public void connect(ConnectTarget target) {
        remember(settings.withUsed(target.address()));
        connection.connect(target);
    }

    public void retryNow() {
        if (connection.getState() instanceof ConnectionState.Disconnected && connection.target() != null) {
            connection.connect(connection.target());
        } else {
            connection.retryNow();
        }
    }

    public void toggleTheme() {
        theme.set(theme.get().other());
    }

    private void remember(ConsoleSettings newSettings) {
        settings = newSettings;
        try {
            store.save(newSettings);
        } catch (IOException e) {
            System.getLogger(MainViewModel.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot save the console settings to {0}: {1}", store.file(), e.getMessage());
        }
    }

    public ConsoleSettings settings() {
        return settings;
    }

    /** The engine being used, for the connect dialog. */
    public EngineAddress currentAddress() {
        ConnectTarget target = connection.target();
        return target == null ? (settings.recent().isEmpty() ? null : settings.recent().get(0)) : target.address();
    }

    public ObjectProperty<Page> pageProperty() {
        return page;
    }

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Light> lightProperty() {
        return light.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty engineProperty() {
        return engine.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRetryProperty() {
        return canRetry.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty pendingApprovalsProperty() {
        return pendingApprovals;
    }
}
