package dev.bulwark.console.app;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.EngineAddress;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The connect dialog: a local socket or a remote TLS engine, picked from the recent ones or typed,
 * validated as the user types. The typed token stays in memory for this connection only.
 */
public final class ConnectViewModel {
    private final BooleanProperty remote = new SimpleBooleanProperty(this, "remote");
    private final StringProperty socket = new SimpleStringProperty(this, "socket", EngineAddress.DEFAULT_SOCKET.toString());
    private final StringProperty host = new SimpleStringProperty(this, "host", "");
    private final StringProperty port = new SimpleStringProperty(this, "port", "7433");
    private final StringProperty caFile = new SimpleStringProperty(this, "caFile", "");
    private final StringProperty tokenFile = new SimpleStringProperty(this, "tokenFile", "");
    private final StringProperty token = new SimpleStringProperty(this, "token", "");
    private final ObservableList<EngineAddress> recent = FXCollections.observableArrayList();
    private final ObjectProperty<EngineAddress> selectedRecent = new SimpleObjectProperty<>(this, "selectedRecent");
    private final StringBinding problem;

    public ConnectViewModel(List<EngineAddress> recentEngines, EngineAddress current) {
        recent.setAll(recentEngines);
        selectedRecent.addListener((observable, old, address) -> {
            if (address != null) {
                fill(address);
            }
        });
        if (current != null) {
            fill(current);
        }
        problem = Bindings.createStringBinding(this::findProblem, remote, socket, host, port, caFile, tokenFile, token);
    }

    private void fill(EngineAddress address) {
        switch (address) {
            case EngineAddress.Local local -> {
                remote.set(false);
                socket.set(local.socket().toString());
            }
            case EngineAddress.Remote remoteAddress -> {
                remote.set(true);
                host.set(remoteAddress.host());
                port.set(Integer.toString(remoteAddress.port()));
                caFile.set(remoteAddress.caCertificate() == null ? "" : remoteAddress.caCertificate().toString());
                tokenFile.set(remoteAddress.tokenFile() == null ? "" : remoteAddress.tokenFile().toString());
            }
        }
    }

    /** What is wrong with the input, or "" when it can be used. */
    private String findProblem() {
        if (!remote.get()) {
            return socket.get().isBlank() ? "Give the engine's socket path" : "";
        }
        if (host.get().isBlank()) {
            return "Give the engine's host name";
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.get().strip());
        } catch (NumberFormatException e) {
            return "The port is a number";
        }
        if (portNumber < 1 || portNumber > 65535) {
            return "The port is between 1 and 65535";
        }
        if (!caFile.get().isBlank() && !Files.isReadable(Path.of(caFile.get().strip()))) {
            return "Cannot read the CA file " + caFile.get().strip();
        }
        if (token.get().isBlank() && tokenFile.get().isBlank()) {
            return "Paste a token or name a token file";
        }
        if (token.get().isBlank() && !Files.isReadable(Path.of(tokenFile.get().strip()))) {
            return "Cannot read the token file " + tokenFile.get().strip();
        }
        return "";
    }

    /** The target to connect to; call only when {@link #problemBinding()} is empty. */
    public ConnectTarget target() {
        if (!problem.get().isEmpty()) {
            throw new IllegalStateException(problem.get());
        }
        if (!remote.get()) {
            return ConnectTarget.of(new EngineAddress.Local(Path.of(socket.get().strip())));
        }
        EngineAddress.Remote address = new EngineAddress.Remote(host.get().strip(), Integer.parseInt(port.get().strip()),
                caFile.get().isBlank() ? null : Path.of(caFile.get().strip()),
                tokenFile.get().isBlank() ? null : Path.of(tokenFile.get().strip()));
        return new ConnectTarget(address, token.get());
    }

    public BooleanProperty remoteProperty() {
        return remote;
    }

    public StringProperty socketProperty() {
        return socket;
    }

    public StringProperty hostProperty() {
        return host;
    }

    public StringProperty portProperty() {
        return port;
    }

    public StringProperty caFileProperty() {
        return caFile;
    }

    public StringProperty tokenFileProperty() {
        return tokenFile;
    }

    public StringProperty tokenProperty() {
        return token;
    }

    public ObservableList<EngineAddress> recent() {
        return recent;
    }

    public ObjectProperty<EngineAddress> selectedRecentProperty() {
        return selectedRecent;
    }

    public StringBinding problemBinding() {
        return problem;
    }
}
