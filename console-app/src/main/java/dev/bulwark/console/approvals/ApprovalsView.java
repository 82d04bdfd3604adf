package dev.bulwark.console.approvals;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.SqlText;
import dev.bulwark.console.ui.UntrustedText;
import dev.bulwark.console.ui.Views;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.SafeText;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextFlow;

import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** The approval queue, the selected request with its SQL, approve/deny with a reason, and the history. */
public final class ApprovalsView {
    public static final KeyCombination APPROVE_KEYS = KeyCombination.keyCombination("Shortcut+Enter");
    public static final KeyCombination DENY_KEYS = KeyCombination.keyCombination("Shortcut+D");

    private final ApprovalsViewModel viewModel;
    private final BorderPane root = new BorderPane();
    private final Label count = Views.label("approvalsCount", Css.MUTED);
    private final TableView<ApprovalRow> queue = new TableView<>();
    private final TableView<ApprovalRow> history = new TableView<>();
    private final Label info = Views.label("approvalInfo", Css.MUTED);
    private final ListView<List<SqlText.StyledRun>> sql = SqlText.view();
    private final Label classification = Views.label("approvalClassification", Css.STRONG);
    private final Label textWarning = Views.label("approvalTextWarning", Css.TEXT_WARNING);
    private final Label parametersTitle = Views.text("", Css.SECTION_TITLE);
    private final GridPane parameters = new GridPane();
    private final TextField reason = new TextField();
    private final Button approve = Views.button("approveButton", "Approve", null);
    private final Button deny = Views.button("denyButton", "Deny", null);
    private final Label blocked = Views.label("approvalBlocked", Css.HINT);
    private final Label message = Views.label("approvalsMessage", Css.HINT);

    public ApprovalsView(ApprovalsViewModel viewModel) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private void createView() {
        root.getStyleClass().add(Css.VIEW);
        root.setId("approvalsView");
        root.setTop(new VBox(4, Views.toolbar(Views.text("Approvals", Css.VIEW_TITLE), Views.spacer(), count), message));

        queue.setId("approvalsTable");
        queue.setPlaceholder(Views.text("Nothing is waiting for approval", Css.PLACEHOLDER));
        queue.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        queue.getStyleClass().add(Css.TWO_LINE);
        queue.getColumns().add(column("Waiting", 72, ApprovalRow::waitingProperty));
        queue.getColumns().add(column("Approvals", 80, ApprovalRow::progressProperty));
        TableColumn<ApprovalRow, ApprovalRow> request = new TableColumn<>("Request");
        request.setPrefWidth(360);
        request.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyObjectWrapper<>(cell.getValue()));
        request.setCellFactory(column -> new RequestCell());
        queue.getColumns().add(request);

        info.setWrapText(true);
        sql.setId("approvalSql");
        // The statement's own scrolling list of lines: whole, however long.
        Region sqlScroll = sql;
        sql.getStyleClass().add(Css.CARD);
        sql.setMinHeight(60);
        VBox.setVgrow(sqlScroll, Priority.ALWAYS);
        reason.setId("reasonField");
        reason.setPromptText("Reason (required to deny, optional to approve)");
        HBox.setHgrow(reason, Priority.ALWAYS);
        approve.getStyleClass().add(Css.PRIMARY);
        deny.getStyleClass().add(Css.DANGER);
        approve.setMinWidth(96);
        deny.setMinWidth(80);
        HBox actions = Views.toolbar(reason, approve, deny);
        // The decision is always reachable: the statement list gives up height first.
        actions.setMinHeight(Region.USE_PREF_SIZE);
        blocked.setWrapText(true);
        classification.setWrapText(true);
        textWarning.setWrapText(true);
        // What the reviewer must read is never elided to fit: these grow, the statement list shrinks.
        for (Label label : List.of(info, classification, textWarning)) {
            label.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        textWarning.managedProperty().bind(textWarning.visibleProperty());
        // Bind values in their own labelled rows, apart from the statement text, so the text cannot
        // imitate them; they scroll on their own so a long statement never hides them.
        parametersTitle.setId("approvalParametersTitle");
        parameters.setId("approvalParameters");
        parameters.setHgap(10);
        parameters.setVgap(4);
        ScrollPane parametersScroll = new ScrollPane(parameters);
        parametersScroll.setId("approvalParametersScroll");
        parametersScroll.setFitToWidth(true);
        parametersScroll.setPrefViewportHeight(58);
        parametersScroll.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        parametersScroll.setMaxHeight(110);
        parametersScroll.getStyleClass().add(Css.CARD);
        parametersScroll.visibleProperty().bind(Bindings.isNotEmpty(parameters.getChildren()));
        parametersScroll.managedProperty().bind(parametersScroll.visibleProperty());
        Label detailTitle = Views.text("Held statement", Css.SECTION_TITLE);
        VBox detail = new VBox(8, detailTitle, info, classification, textWarning, sqlScroll, parametersTitle,
                parametersScroll, actions, blocked);
        detail.getStyleClass().add(Css.DETAIL);
        detail.setMinWidth(360);

        SplitPane top = new SplitPane(queue, detail);
        top.setDividerPositions(0.5);

        history.setId("approvalHistory");
        history.setPlaceholder(Views.text("No decided requests yet", Css.PLACEHOLDER));
        history.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<ApprovalRow, String> decided = new TableColumn<>("Decided");
        decided.setPrefWidth(80);
        decided.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> cell.getValue().decidedAtText(viewModel.zone()), cell.getValue().outcomeProperty()));
        history.getColumns().add(decided);
        history.getColumns().add(column("Who", 110, ApprovalRow::requesterProperty));
        history.getColumns().add(column("Target", 140, ApprovalRow::targetProperty));
        history.getColumns().add(column("Outcome", 300, ApprovalRow::outcomeProperty));
        TableColumn<ApprovalRow, String> historyStatement = column("Statement", 260, ApprovalRow::statementProperty);
        historyStatement.getStyleClass().add(Css.MONO);
        history.getColumns().add(historyStatement);
        VBox historyBox = new VBox(4, Views.text("History", Css.SECTION_TITLE), history);
        VBox.setVgrow(history, Priority.ALWAYS);
        historyBox.getStyleClass().add(Css.DETAIL);

        SplitPane split = new SplitPane(top, historyBox);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.74);
        root.setCenter(split);
    }

    private void bind() {
        count.textProperty().bind(Bindings.createStringBinding(
                () -> viewModel.pendingCountProperty().get() + " pending", viewModel.pendingCountProperty()));
        message.textProperty().bind(viewModel.messageProperty());
        message.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        queue.setItems(viewModel.pending());
        history.setItems(viewModel.history());
        queue.getSelectionModel().selectedItemProperty().addListener((observable, old, row) -> {
            if (row != null) {
                history.getSelectionModel().clearSelection();
                viewModel.selectedProperty().set(row);
            }
        });
        history.getSelectionModel().selectedItemProperty().addListener((observable, old, row) -> {
            if (row != null) {
                queue.getSelectionModel().clearSelection();
                viewModel.selectedProperty().set(row);
            }
        });
        viewModel.selectedProperty().addListener((observable, old, row) -> {
            showSql(row);
            if (row != null && viewModel.pending().contains(row) && queue.getSelectionModel().getSelectedItem() != row) {
                queue.getSelectionModel().select(row);
            }
        });
        showSql(viewModel.selectedProperty().get());
        if (viewModel.selectedProperty().get() != null && viewModel.pending().contains(viewModel.selectedProperty().get())) {
            queue.getSelectionModel().select(viewModel.selectedProperty().get());
        }
        info.textProperty().bind(viewModel.selectedInfoProperty());
        reason.textProperty().bindBidirectional(viewModel.reasonProperty());
        approve.disableProperty().bind(viewModel.canApproveProperty().not());
        deny.disableProperty().bind(viewModel.canDenyProperty().not());
        String approveKeys = keys(APPROVE_KEYS);
        String denyKeys = keys(DENY_KEYS);
        Views.bindTooltip(approve, Bindings.createStringBinding(() -> viewModel.approveBlockedReasonProperty().get().isEmpty()
                ? "" : viewModel.approveBlockedReasonProperty().get() + " (" + approveKeys + ")",
                viewModel.approveBlockedReasonProperty()), "Approve (" + approveKeys + ")");
        Views.bindTooltip(deny, Bindings.createStringBinding(() -> viewModel.denyBlockedReasonProperty().get().isEmpty()
                ? "" : viewModel.denyBlockedReasonProperty().get() + " (" + denyKeys + ")",
                viewModel.denyBlockedReasonProperty()), "Deny (" + denyKeys + ")");
        // Disabled buttons show no tooltip in JavaFX, so the reason is also written under them.
        blocked.textProperty().bind(Bindings.createStringBinding(() -> {
            String approveBlocked = viewModel.approveBlockedReasonProperty().get();
            String denyBlocked = viewModel.denyBlockedReasonProperty().get();
            if (approveBlocked.isEmpty() && denyBlocked.isEmpty()) {
                return "Approve with " + approveKeys + ", deny with " + denyKeys + ".";
            }
            if (approveBlocked.isEmpty()) {
                return denyBlocked + ". Approve with " + approveKeys + ".";
            }
            return approveBlocked + (denyBlocked.isEmpty() || denyBlocked.equals(approveBlocked) ? "" : ". " + denyBlocked) + ".";
        }, viewModel.approveBlockedReasonProperty(), viewModel.denyBlockedReasonProperty()));
        approve.setOnAction(event -> viewModel.approve());
        deny.setOnAction(event -> viewModel.deny());
        root.addEventFilter(KeyEvent.KEY_PRESSED, event -> {
            if (APPROVE_KEYS.match(event)) {
                viewModel.approve();
                event.consume();
            } else if (DENY_KEYS.match(event)) {
                viewModel.deny();
                event.consume();
            }
        });
    }

    /** "Ctrl+Enter" rather than JavaFX's "Ctrl+↵", which reads badly in a sentence. */
    static String keys(KeyCombination combination) {
        return combination.getDisplayText().replace("↵", "Enter");
    }

    private void showSql(ApprovalRow row) {
        ApprovalSummary approval = row == null ? null : row.summary();
        SqlText.show(sql, approval == null ? "" : approval.statement());
        classification.setText(approval == null ? "" : ApprovalRow.classificationText(approval)
                + (approval.reason() == null ? "" : "\nHeld because " + SafeText.render(approval.reason(), SafeText.Layout.LINE)));
        String warning = approval == null ? "" : warning(approval);
        textWarning.setText(warning);
        textWarning.setVisible(!warning.isEmpty());
        parameters.getChildren().clear();
        List<String> values = approval == null ? List.of() : approval.parameters();
        parametersTitle.setText(approval == null ? "" : values.isEmpty() ? "No bind values" : "Bind values (" + values.size() + ")");
        for (int i = 0; i < values.size(); i++) {
            Label name = Views.text("$" + (i + 1), Css.FIELD_LABEL);
            name.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            TextFlow value = UntrustedText.value(values.get(i));
            value.setId("approvalParameter" + (i + 1));
            GridPane.setHgrow(value, Priority.ALWAYS);
            parameters.addRow(i, name, value);
        }
    }

    /** What the reviewer must know about the text beyond what it shows. */
    static String warning(ApprovalSummary approval) {
        boolean escaped = !SafeText.isClean(approval.statement(), SafeText.Layout.BLOCK)
                || approval.parameters().stream().anyMatch(value -> value != null && !SafeText.isClean(value, SafeText.Layout.LINE));
        boolean rtl = SafeText.hasRightToLeft(approval.statement())
                || approval.parameters().stream().anyMatch(SafeText::hasRightToLeft);
        List<String> notes = new java.util.ArrayList<>();
        if (escaped) {
            notes.add("Holds control, direction-changing or invisible characters: each is shown by its code, as "
                    + SafeText.escape(0x202E) + ".");
        }
        if (rtl) {
            notes.add("Holds right-to-left letters: the display may order the characters around them differently from how they run.");
        }
        return String.join(" ", notes);
    }

    /** Who asks for what, over the statement's first line: an inbox, readable at a glance. */
    private static final class RequestCell extends javafx.scene.control.TableCell<ApprovalRow, ApprovalRow> {
        private final Label who = Views.text("", Css.STRONG);
        private final Label statement = Views.text("", Css.MONO);
        private final VBox box = new VBox(1, who, statement);

        RequestCell() {
            statement.getStyleClass().add(Css.MUTED);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(ApprovalRow row, boolean empty) {
            super.updateItem(row, empty);
            who.textProperty().unbind();
            statement.textProperty().unbind();
            if (empty || row == null) {
                setGraphic(null);
                return;
            }
            who.textProperty().bind(javafx.beans.binding.Bindings.concat(row.requesterProperty(), " → ",
                    row.targetProperty(), " · ", row.ruleProperty()));
            statement.textProperty().bind(row.statementProperty());
            setGraphic(box);
        }
    }

    private static TableColumn<ApprovalRow, String> column(String title, double width,
            Function<ApprovalRow, javafx.beans.value.ObservableValue<String>> value) {
        TableColumn<ApprovalRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> value.apply(cell.getValue()));
        return column;
    }
}
