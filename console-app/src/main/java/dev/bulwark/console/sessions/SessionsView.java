package dev.bulwark.console.sessions;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.Pills;
import dev.bulwark.console.ui.SqlText;
import dev.bulwark.console.ui.Views;
import dev.bulwark.model.SessionState;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextFlow;

import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** The live sessions table, the selected session's statements, and kill with confirmation. */
public final class SessionsView {
    private final SessionsViewModel viewModel;
    private final BorderPane root = new BorderPane();
    private final TextField filter = new TextField();
    private final Label summary = Views.label("sessionsSummary", Css.MUTED);
    private final TableView<SessionRow> table = new TableView<>();
    private final Label detailTitle = Views.label("sessionTitle", Css.SECTION_TITLE);
    private final Label detailInfo = Views.label("sessionInfo", Css.MUTED);
    private final ListView<StatementRow> statements = new ListView<>();
    private final Button kill = Views.button("killButton", "End session…", null);
    private final Label message = Views.label("sessionsMessage", Css.HINT);

    public SessionsView(SessionsViewModel viewModel) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private void createView() {
        root.getStyleClass().add(Css.VIEW);
        root.setId("sessionsView");

        filter.setId("sessionsFilter");
        filter.setPromptText("Filter by who, target, role, client, state or statement");
        filter.setPrefColumnCount(34);
        Label title = Views.text("Live sessions", Css.VIEW_TITLE);
        root.setTop(new VBox(4, Views.toolbar(title, Views.spacer(), summary, filter), message));

        table.setId("sessionsTable");
        table.setPlaceholder(Views.text("No open sessions", Css.PLACEHOLDER));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(textColumn("Who", 110, row -> row.subjectProperty()));
        table.getColumns().add(textColumn("Target", 150, row -> row.targetProperty()));
        table.getColumns().add(textColumn("Role", 96, row -> row.roleProperty()));
        table.getColumns().add(textColumn("Client", 210, row -> row.clientProperty()));
        table.getColumns().add(textColumn("Since", 72, row -> row.sinceProperty()));
        TableColumn<SessionRow, Number> count = new TableColumn<>("Stmts");
        count.setPrefWidth(64);
        count.setCellValueFactory(cell -> cell.getValue().statementsProperty());
        count.getStyleClass().add("number-column");
        table.getColumns().add(count);
        TableColumn<SessionRow, SessionState> state = new TableColumn<>("State");
        state.setPrefWidth(112);
        state.setCellValueFactory(cell -> cell.getValue().stateProperty());
        state.setCellFactory(column -> new StateCell());
        table.getColumns().add(state);
        TableColumn<SessionRow, String> last = textColumn("Last statement", 320, row -> row.lastStatementProperty());
        last.getStyleClass().add(Css.MONO);
        table.getColumns().add(last);

        statements.setId("sessionStatements");
        statements.setPlaceholder(Views.text("Select a session to follow its statements", Css.PLACEHOLDER));
        statements.setCellFactory(list -> new StatementCell());
        kill.getStyleClass().add(Css.DANGER);
        detailInfo.setWrapText(true);
        HBox detailHeader = Views.toolbar(detailTitle, Views.spacer(), kill);
        VBox detail = new VBox(6, detailHeader, detailInfo, statements);
        VBox.setVgrow(statements, Priority.ALWAYS);
        detail.getStyleClass().add(Css.DETAIL);

        SplitPane split = new SplitPane(table, detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.58);
        root.setCenter(split);
    }

    private void bind() {
        filter.textProperty().bindBidirectional(viewModel.filterProperty());
        summary.textProperty().bind(viewModel.summaryProperty());
        message.textProperty().bind(viewModel.messageProperty());
        message.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        table.setItems(viewModel.visibleRows());
        table.getSelectionModel().selectedItemProperty().addListener((observable, old, row) -> {
            if (viewModel.selectedProperty().get() != row) {
                viewModel.selectedProperty().set(row);
            }
        });
        viewModel.selectedProperty().addListener((observable, old, row) -> {
            if (table.getSelectionModel().getSelectedItem() != row) {
                if (row == null) {
                    table.getSelectionModel().clearSelection();
                } else {
                    table.getSelectionModel().select(row);
                }
            }
        });
        detailTitle.textProperty().bind(Bindings.when(viewModel.detailTitleProperty().isEmpty())
                .then("No session selected").otherwise(viewModel.detailTitleProperty()));
        detailInfo.textProperty().bind(viewModel.detailInfoProperty());
        statements.setItems(viewModel.statements());
        kill.disableProperty().bind(viewModel.canKillProperty().not());
        Views.bindTooltip(kill, viewModel.killBlockedReasonProperty(), "Disconnect this session's client (asks first)");
        kill.setOnAction(event -> confirmKill());
        // Follow the newest statement unless the user scrolled up to read an older one.
        viewModel.statements().addListener((javafx.collections.ListChangeListener<StatementRow>) change -> {
            int size = viewModel.statements().size();
            if (size > 0) {
                statements.scrollTo(size - 1);
            }
        });
    }

    private void confirmKill() {
        SessionRow row = viewModel.selectedProperty().get();
        if (row == null) {
            return;
        }
        Dialog<String> dialog = new Dialog<>();
        dialog.setTitle("End session");
        dialog.setHeaderText("End " + Format.safe(row.summary().subject()) + "'s session on " + Format.safe(row.summary().target()) + "?");
        if (root.getScene() != null) {
            dialog.initOwner(root.getScene().getWindow());
        }
        TextField reason = new TextField();
        reason.setId("killReason");
        reason.setPromptText("Reason (recorded in the audit trail)");
        Label explain = Views.text("The client gets an error and is disconnected; statements held for approval are withdrawn.",
                Css.MUTED);
        explain.setWrapText(true);
        VBox content = new VBox(8, explain, reason);
        content.setPrefWidth(440);
        dialog.getDialogPane().setContent(content);
        ButtonType end = new ButtonType("End session", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(end, ButtonType.CANCEL);
        Button endButton = (Button) dialog.getDialogPane().lookupButton(end);
        endButton.setId("killConfirm");
        endButton.getStyleClass().add(Css.DANGER);
        dialog.getDialogPane().lookupButton(ButtonType.CANCEL).setId("killCancel");
        dialog.getDialogPane().getStylesheets().setAll(root.getScene() == null ? java.util.List.of()
                : root.getScene().getStylesheets());
        dialog.setResultConverter(button -> button == end ? reason.getText() : null);
        dialog.setOnShown(event -> reason.requestFocus());
        Optional<String> result = dialog.showAndWait();
        result.ifPresent(viewModel::killSelected);
    }

    private static TableColumn<SessionRow, String> textColumn(String title, double width,
            Function<SessionRow, javafx.beans.value.ObservableValue<String>> value) {
        TableColumn<SessionRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> value.apply(cell.getValue()));
        return column;
    }

    private static final class StateCell extends TableCell<SessionRow, SessionState> {
        private final Label pill = Pills.pill(Css.STATE_PREFIX, null, "");

        StateCell() {
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(SessionState state, boolean empty) {
            super.updateItem(state, empty);
            if (empty || state == null) {
                setGraphic(null);
            } else {
                Pills.set(pill, Css.STATE_PREFIX, state.name(), SessionRow.stateText(state));
                setGraphic(pill);
            }
        }
    }

    private final class StatementCell extends ListCell<StatementRow> {
        private final Label time = Views.text("", Css.MUTED);
        private final Label verdict = Pills.pill(Css.VERDICT_PREFIX, null, "");
        private final TextFlow sql = SqlText.flow("");
        /** The deciding rule beside the statement, never inside its text where the text could imitate it. */
        private final Label rule = Views.text("", Css.MUTED);
        private final HBox box = new HBox(8, time, verdict, sql, rule);

        StatementCell() {
            box.setAlignment(Pos.TOP_LEFT);
            time.setMinWidth(64);
            verdict.setMinWidth(72);
            HBox.setHgrow(sql, Priority.ALWAYS);
            sql.prefWidthProperty().bind(widthProperty().subtract(290));
            rule.setMinWidth(90);
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(StatementRow row, boolean empty) {
            super.updateItem(row, empty);
            if (empty || row == null) {
                setGraphic(null);
                return;
            }
            time.setText(Format.time(row.at(), viewModel.zone()));
            Pills.setVerdict(verdict, row.verdict());
            SqlText.showLine(sql, row.text(), 400);
            rule.setText(row.rule() == null ? "" : "rule " + Format.safe(row.rule()));
            setGraphic(box);
        }
    }
}
