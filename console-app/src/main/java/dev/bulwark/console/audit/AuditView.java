package dev.bulwark.console.audit;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.FileDialogs;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.Views;
import javafx.beans.binding.Bindings;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Audit: the chain's verification status, the operators' actions, and the export. */
public final class AuditView {
    private final AuditViewModel viewModel;
    private final FileDialogs files;
    private final BorderPane root = new BorderPane();
    private final Label access = Views.label("auditAccess", Css.HINT);
    private final Label status = Views.label("auditStatus", null);
    private final Button verify = Views.button("auditVerify", "Verify chain", "Check every record's hash chain");
    private final Button load = Views.button("auditLoadActions", "Load operator actions",
            "Read the audit trail for rule changes, approvals and kills");
    private final Button export = Views.button("auditExport", "Export…", "Save the whole audit trail as JSON lines");
    private final ProgressBar progress = new ProgressBar();
    private final Label progressText = Views.label("auditProgressText", Css.MUTED);
    private final Button cancel = Views.button("auditCancel", "Cancel", null);
    private final Label message = Views.label("auditMessage", Css.HINT);
    private final TableView<AdminAction> actions = new TableView<>();

    public AuditView(AuditViewModel viewModel, FileDialogs files) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        this.files = requireNonNull(files, "files is null");
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private void createView() {
        root.getStyleClass().add(Css.VIEW);
        root.setId("auditView");
        access.setWrapText(true);
        status.getStyleClass().addAll(Css.CARD, "chain-status");
        status.setWrapText(true);
        status.setMaxWidth(Double.MAX_VALUE);
        verify.getStyleClass().add(Css.PRIMARY);
        progress.setId("auditProgress");
        HBox working = Views.toolbar(progress, progressText, Views.spacer(), cancel);
        working.setId("auditWorking");
        working.visibleProperty().bind(viewModel.workingProperty());
        working.managedProperty().bind(viewModel.workingProperty());
        VBox top = new VBox(8, Views.toolbar(Views.text("Audit", Css.VIEW_TITLE), Views.spacer(), verify, load, export),
                access, status, working, message);
        root.setTop(top);

        actions.setId("auditActions");
        actions.setPlaceholder(Views.text("Load the operator actions to list rule changes, approvals and kills",
                Css.PLACEHOLDER));
        actions.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        actions.getColumns().add(column("When", 150, action -> Format.dateTime(action.at(), viewModel.zone())));
        actions.getColumns().add(column("Who", 110, AdminAction::actor));
        actions.getColumns().add(column("Action", 150, AdminAction::action));
        actions.getColumns().add(column("On", 150, AdminAction::target));
        actions.getColumns().add(column("Details", 300, AdminAction::details));
        VBox center = new VBox(4, Views.text("Operator actions", Css.SECTION_TITLE), actions);
        VBox.setVgrow(actions, Priority.ALWAYS);
        center.getStyleClass().add(Css.DETAIL);
        root.setCenter(center);
    }

    private void bind() {
        access.textProperty().bind(viewModel.accessMessageProperty());
        access.visibleProperty().bind(viewModel.accessMessageProperty().isNotEmpty());
        access.managedProperty().bind(access.visibleProperty());
        status.textProperty().bind(viewModel.statusTextProperty());
        viewModel.statusProperty().addListener((observable, old, value) -> restyle(value));
        restyle(viewModel.statusProperty().get());
        var notAdmin = viewModel.adminProperty().not();
        verify.disableProperty().bind(notAdmin.or(viewModel.statusProperty().isEqualTo(AuditViewModel.ChainStatus.CHECKING)));
        load.disableProperty().bind(notAdmin.or(viewModel.workingProperty()));
        export.disableProperty().bind(notAdmin.or(viewModel.workingProperty()));
        verify.setOnAction(event -> viewModel.verify());
        load.setOnAction(event -> viewModel.loadActions());
        export.setOnAction(event -> files.saveFile(root.getScene() == null ? null : root.getScene().getWindow(),
                "Export the audit trail", "bulwark-audit.jsonl", "JSON lines", "*.jsonl").ifPresent(viewModel::exportTo));
        cancel.setOnAction(event -> viewModel.cancel());
        progress.progressProperty().bind(viewModel.progressProperty());
        progressText.textProperty().bind(viewModel.progressTextProperty());
        message.textProperty().bind(viewModel.messageProperty());
        message.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        actions.setItems(viewModel.actions());
    }

    private void restyle(AuditViewModel.ChainStatus value) {
        status.pseudoClassStateChanged(Css.OK, value == AuditViewModel.ChainStatus.OK);
        status.pseudoClassStateChanged(Css.BROKEN, value == AuditViewModel.ChainStatus.BROKEN
                || value == AuditViewModel.ChainStatus.FAILED);
    }

    private static TableColumn<AdminAction, String> column(String title, double width, Function<AdminAction, String> value) {
        TableColumn<AdminAction, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> Bindings.createStringBinding(() -> value.apply(cell.getValue())));
        return column;
    }
}
