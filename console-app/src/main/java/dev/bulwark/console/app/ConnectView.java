package dev.bulwark.console.app;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.EngineAddress;
import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.FormRows;
import dev.bulwark.console.ui.Views;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.List;
import java.util.Optional;

/** The connect dialog over a {@link ConnectViewModel}. */
public final class ConnectView {
    private final ConnectViewModel viewModel;
    private final Dialog<ConnectTarget> dialog = new Dialog<>();

    public ConnectView(ConnectViewModel viewModel, Window owner, List<String> stylesheets) {
        this.viewModel = viewModel;
        dialog.setTitle("Connect to an engine");
        dialog.setHeaderText("Which Bulwark engine?");
        if (owner != null) {
            dialog.initOwner(owner);
        }
        dialog.getDialogPane().getStylesheets().setAll(stylesheets);
        dialog.getDialogPane().setId("connectDialog");
        dialog.getDialogPane().setContent(createView());
        ButtonType connect = new ButtonType("Connect", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(connect, ButtonType.CANCEL);
        Button ok = (Button) dialog.getDialogPane().lookupButton(connect);
        ok.setId("connectOk");
        ok.disableProperty().bind(viewModel.problemBinding().isNotEmpty());
        dialog.setResultConverter(button -> button == connect ? viewModel.target() : null);
    }

    private Node createView() {
        ToggleGroup mode = new ToggleGroup();
        RadioButton local = new RadioButton("This machine (Unix socket)");
        local.setId("connectLocal");
        local.setToggleGroup(mode);
        RadioButton remote = new RadioButton("Remote engine (TLS and token)");
        remote.setId("connectRemote");
        remote.setToggleGroup(mode);
        (viewModel.remoteProperty().get() ? remote : local).setSelected(true);
        remote.selectedProperty().bindBidirectional(viewModel.remoteProperty());
        viewModel.remoteProperty().addListener((observable, old, isRemote) -> (isRemote ? remote : local).setSelected(true));

        FormRows localRows = new FormRows(FXCollections.observableHashMap());
        localRows.add("Socket", field("connectSocket", viewModel.socketProperty(), EngineAddress.DEFAULT_SOCKET.toString()),
                null, "The engine knows you by your OS user");
        FormRows remoteRows = new FormRows(FXCollections.observableHashMap());
        remoteRows.add("Host", field("connectHost", viewModel.hostProperty(), "bulwark.example.com"), null, null);
        remoteRows.add("Port", field("connectPort", viewModel.portProperty(), "7433"), null, null);
        remoteRows.add("CA file", field("connectCa", viewModel.caFileProperty(), "the JDK's trusted CAs"), null,
                "PEM certificates that vouch for the engine");
        remoteRows.add("Token file", field("connectTokenFile", viewModel.tokenFileProperty(), "~/.bulwark-token"), null,
                "Re-read at every reconnect, so a refreshed token is used");
        PasswordField token = new PasswordField();
        token.setId("connectToken");
        token.setPromptText("or paste a token (not stored)");
        token.textProperty().bindBidirectional(viewModel.tokenProperty());
        remoteRows.add("Token", token, null, null);
        localRows.grid().visibleProperty().bind(viewModel.remoteProperty().not());
        localRows.grid().managedProperty().bind(localRows.grid().visibleProperty());
        remoteRows.grid().visibleProperty().bind(viewModel.remoteProperty());
        remoteRows.grid().managedProperty().bind(remoteRows.grid().visibleProperty());

        ListView<EngineAddress> recent = new ListView<>(viewModel.recent());
        recent.setId("recentEngines");
        recent.setPrefHeight(110);
        recent.setPlaceholder(Views.text("No engines used yet", Css.PLACEHOLDER));
        recent.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(EngineAddress address, boolean empty) {
                super.updateItem(address, empty);
                setText(empty || address == null ? null
                        : (address instanceof EngineAddress.Remote ? "remote  " : "local  ") + address.display());
            }
        });
        recent.getSelectionModel().selectedItemProperty().addListener((observable, old, address) ->
                viewModel.selectedRecentProperty().set(address));
        Label problem = Views.label("connectProblem", Css.FIELD_ERROR);
        problem.textProperty().bind(viewModel.problemBinding());
        VBox box = new VBox(10, Views.text("Recent", Css.SECTION_TITLE), recent, new HBox(16, local, remote),
                localRows.grid(), remoteRows.grid(), problem);
        box.setPrefWidth(520);
        return box;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty property, String prompt) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(property);
        return field;
    }

    public Optional<ConnectTarget> showAndWait() {
        return dialog.showAndWait();
    }
}
