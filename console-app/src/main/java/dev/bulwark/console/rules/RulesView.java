package dev.bulwark.console.rules;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.FormRows;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.Pills;
import dev.bulwark.console.ui.Views;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.RuleKind;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.CheckComboBox;

import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Rules: the list, a form and JSON editor with validation as you type, the test pane and the versions seen. */
public final class RulesView {
    private final RulesViewModel viewModel;
    private final RuleEditorViewModel editor;
    private final BorderPane root = new BorderPane();
    private final ComboBox<String> kindFilter = new ComboBox<>();
    private final Button newPolicy = Views.button("newPolicyRule", "New policy rule", "A blocking, approval or allow rule");
    private final Button newMasking = Views.button("newMaskingRule", "New masking rule", "Mask values in results");
    private final Label access = Views.label("rulesAccess", Css.HINT);
    private final Label message = Views.label("rulesMessage", Css.HINT);
    private final TableView<RuleRow> table = new TableView<>();
    private final Button up = Views.button("ruleUp", "Move up", "Evaluate this rule earlier (rules of a kind run in order)");
    private final Button down = Views.button("ruleDown", "Move down", "Evaluate this rule later");
    private final Button delete = Views.button("deleteRule", "Delete…", "Delete the selected rule (asks first)");
    private final TabPane tabs = new TabPane();
    private final Label heading = Views.label("ruleHeading", Css.SECTION_TITLE);
    private final TextField ruleId = new TextField();
    private final TabPane editorTabs = new TabPane();
    private final TextArea json = new TextArea();
    private final Label jsonError = Views.label("ruleJsonError", Css.FIELD_ERROR);
    private final Label saveError = Views.label("ruleSaveError", Css.FIELD_ERROR);
    private final Button save = Views.button("saveRule", "Save", "Store this as a new version (Ctrl+S)");
    private final Button revert = Views.button("revertRule", "Revert", "Throw away unsaved changes");
    private final VBox editorPane = new VBox(8);

    public RulesView(RulesViewModel viewModel) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        this.editor = viewModel.editor();
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private void createView() {
        root.getStyleClass().add(Css.VIEW);
        root.setId("rulesView");
        kindFilter.setId("ruleKindFilter");
        kindFilter.getItems().addAll(KIND_CHOICES);
        newPolicy.getStyleClass().add(Css.PRIMARY);
        access.setWrapText(true);
        root.setTop(new VBox(4, Views.toolbar(Views.text("Rules", Css.VIEW_TITLE), kindFilter, Views.spacer(), newPolicy,
                newMasking), access, message));

        table.setId("rulesTable");
        table.setPlaceholder(Views.text("No rules", Css.PLACEHOLDER));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<RuleRow, Boolean> on = new TableColumn<>("On");
        on.setPrefWidth(44);
        on.setCellValueFactory(cell -> cell.getValue().enabledProperty());
        on.setCellFactory(column -> new EnabledCell());
        table.getColumns().add(on);
        // No kind column: the effect says it (ALLOW/DENY/HOLD/LOG, or "mask ..."), and the filter picks one.
        table.getColumns().add(column("Id", 160, row -> Bindings.createStringBinding(row::id)));
        table.getColumns().add(column("Effect", 170, RuleRow::effectProperty));
        table.getColumns().add(column("Ver.", 46, RuleRow::versionProperty));
        table.getColumns().add(column("Name", 220, RuleRow::nameProperty));
        HBox listActions = Views.toolbar(up, down, Views.spacer(), delete);
        delete.getStyleClass().add(Css.DANGER);
        VBox listPane = new VBox(6, table, listActions);
        VBox.setVgrow(table, Priority.ALWAYS);

        tabs.setId("ruleTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().addAll(tab("tabEditor", "Editor", createEditor()), tab("tabTest", "Test", createTest()),
                tab("tabHistory", "History", createHistory()));

        SplitPane split = new SplitPane(listPane, tabs);
        split.setDividerPositions(0.47);
        root.setCenter(split);
    }

    private static Tab tab(String id, String title, Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        return tab;
    }

    private Node createEditor() {
        ruleId.setId("ruleId");
        ruleId.setPromptText("rule id, e.g. no-ddl");
        Label idError = Views.label("ruleIdError", Css.FIELD_ERROR);
        idError.textProperty().bind(editor.idErrorProperty());
        idError.visibleProperty().bind(editor.idErrorProperty().isNotEmpty().and(editor.newProperty()));
        idError.managedProperty().bind(idError.visibleProperty());
        HBox idRow = Views.toolbar(Views.text("Id", Css.FIELD_LABEL), ruleId);
        HBox.setHgrow(ruleId, Priority.ALWAYS);

        StackPane forms = new StackPane(policyForm(), maskingForm());
        ScrollPane formScroll = new ScrollPane(forms);
        formScroll.setId("ruleFormScroll");
        formScroll.setFitToWidth(true);
        json.setId("ruleJson");
        json.getStyleClass().add(Css.MONO);
        VBox jsonPane = new VBox(6, json, jsonError);
        VBox.setVgrow(json, Priority.ALWAYS);
        jsonError.setWrapText(true);
        editorTabs.setId("ruleEditorTabs");
        editorTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        editorTabs.getTabs().addAll(tab("tabForm", "Form", formScroll), tab("tabJson", "JSON", jsonPane));
        VBox.setVgrow(editorTabs, Priority.ALWAYS);

        save.getStyleClass().add(Css.PRIMARY);
        saveError.setWrapText(true);
        HBox saveBar = Views.toolbar(saveError, Views.spacer(), revert, save);
        HBox.setHgrow(saveError, Priority.ALWAYS);
        Label empty = Views.text("Select a rule to edit it, or create a new one.", Css.PLACEHOLDER);
        empty.setId("ruleEditorEmpty");
        editorPane.getChildren().addAll(heading, idRow, idError, editorTabs, saveBar);
        editorPane.getStyleClass().add(Css.DETAIL);
        StackPane stack = new StackPane(empty, editorPane);
        empty.visibleProperty().bind(editor.editingProperty().not());
        editorPane.visibleProperty().bind(editor.editingProperty());
        return stack;
    }

    private Node policyForm() {
        PolicyRuleForm form = editor.policyForm();
        FormRows rows = new FormRows(editor.fieldErrors());
        rows.add("Name", textField("policyName", form.nameProperty(), "What the rule is for"), "name", null);
        CheckBox enabled = new CheckBox("Enabled");
        enabled.setId("policyEnabled");
        enabled.selectedProperty().bindBidirectional(form.enabledProperty());
        rows.add("", enabled, null, null);
        ComboBox<String> action = combo("policyAction", PolicyRuleForm.ACTIONS, form.actionProperty());
        rows.add("Action", action, "action",
                "ALLOW lets it run, DENY blocks it, HOLD waits for approval, LOG records and goes on");
        rows.add("Message", textField("policyMessage", form.messageProperty(), "Shown to the client when denied or held"),
                "message", null);
        rows.section("Matches when");
        rows.add("Targets", textField("policyTargets", form.targetsProperty(), "any target"), "match.targets",
                "Comma-separated; * and ? are wildcards");
        rows.add("Subjects", textField("policySubjects", form.subjectsProperty(), "anyone"), "match.subjects", null);
        rows.add("Groups", textField("policyGroups", form.groupsProperty(), "any group"), "match.groups", null);
        CheckComboBox<String> kinds = new CheckComboBox<>(FXCollections.observableArrayList(PolicyRuleForm.KINDS));
        kinds.setId("policyKinds");
        FormRows.bindChecks(kinds, form.kindsProperty(), "any kind");
        rows.add("Kinds", kinds, "match.kinds", null);
        rows.add("Verbs", textField("policyVerbs", form.verbsProperty(), "e.g. DELETE, UPDATE, TRUNCATE"), "match.verbs",
                null);
        rows.add("Tables", textField("policyTables", form.tablesProperty(), "e.g. public.*, *.customers"), "match.tables",
                null);
        rows.add("WHERE clause", combo("policyMissingWhere", PolicyRuleForm.MISSING_WHERE, form.missingWhereProperty()),
                "match.missing_where", "For DELETE and UPDATE: whether the rule needs a missing WHERE");
        rows.add("Text pattern", textField("policyTextPattern", form.textPatternProperty(), "a Java regular expression"),
                "match.text_pattern", "Last resort: searched in the normalised statement text");
        Label approvalTitle = rows.section("Approval");
        Node[] reviewers = rows.add("Reviewer groups", textField("policyReviewers", form.reviewerGroupsProperty(), "e.g. dba"),
                "approval.reviewer_groups", null);
        Node[] quorum = rows.add("Quorum", textField("policyQuorum", form.quorumProperty(), "1"), "approval.quorum",
                "How many different reviewers must approve");
        Node[] timeout = rows.add("Timeout", textField("policyTimeout", form.timeoutProperty(), "15m"), "approval.timeout",
                null);
        Node[] mode = rows.add("Mode", combo("policyMode", PolicyRuleForm.MODES, form.modeProperty()), "approval.mode",
                "WAIT: the client waits; RETRY: it retries after approval");
        var hold = Bindings.createBooleanBinding(() -> "HOLD".equalsIgnoreCase(form.actionProperty().get()),
                form.actionProperty());
        for (Node[] nodes : new Node[][] {{approvalTitle}, reviewers, quorum, timeout, mode}) {
            for (Node node : nodes) {
                if (node instanceof Label label && label.managedProperty().isBound()) {
                    // A note's own visibility already follows its field; hide it with the field.
                    continue;
                }
                node.visibleProperty().bind(hold);
                node.managedProperty().bind(hold);
            }
        }
        rows.grid().setId("policyForm");
        rows.grid().visibleProperty().bind(editor.kindProperty().isEqualTo(RuleKind.POLICY));
        return rows.grid();
    }

    private Node maskingForm() {
        MaskingRuleForm form = editor.maskingForm();
        FormRows rows = new FormRows(editor.fieldErrors());
        rows.add("Name", textField("maskName", form.nameProperty(), "What the rule protects"), "name", null);
        CheckBox enabled = new CheckBox("Enabled");
        enabled.setId("maskEnabled");
        enabled.selectedProperty().bindBidirectional(form.enabledProperty());
        rows.add("", enabled, null, null);
        rows.add("Targets", textField("maskTargets", form.targetsProperty(), "all targets"), "targets", null);
        rows.section("Who sees masked values");
        rows.add("Groups", textField("maskAppliesGroups", form.appliesToGroupsProperty(), "everyone"), "applies_to", null);
        rows.add("Subjects", textField("maskAppliesSubjects", form.appliesToSubjectsProperty(), "everyone"), "applies_to",
                null);
        rows.add("Exempt groups", textField("maskExemptGroups", form.exemptGroupsProperty(), "e.g. dba"), "exempt",
                "Members see the real values");
        rows.add("Exempt subjects", textField("maskExemptSubjects", form.exemptSubjectsProperty(), "nobody"), "exempt", null);
        rows.section("What to mask");
        rows.add("Schema", textField("maskSchema", form.schemaProperty(), "* (any)"), "schema", null);
        rows.add("Table", textField("maskTable", form.tableProperty(), "e.g. customers"), "table", null);
        rows.add("Column", textField("maskColumn", form.columnProperty(), "e.g. email"), "column", null);
        rows.add("Column name", textField("maskColumnName", form.columnNameProperty(), "regular expression"), "column_name",
                "For computed columns, matched by name");
        CheckComboBox<String> detectors = new CheckComboBox<>(FXCollections.observableArrayList(MaskingRuleForm.DETECTORS));
        detectors.setId("maskDetectors");
        FormRows.bindChecks(detectors, form.detectorsProperty(), "none");
        rows.add("Detectors", detectors, "detectors", "Find values inside text");
        TextArea patterns = new TextArea();
        patterns.setId("maskPatterns");
        patterns.setPrefRowCount(2);
        patterns.setPromptText("one regular expression per line");
        patterns.textProperty().bindBidirectional(form.patternsProperty());
        rows.add("Patterns", patterns, "patterns", null);
        rows.add("Scope", combo("maskScope", MaskingRuleForm.SCOPES, form.scopeProperty()), "scope",
                "Where detectors run when no table is named");
        rows.section("How");
        rows.add("Strategy", combo("maskStrategy", MaskingRuleForm.STRATEGIES, form.strategyProperty()), "strategy", null);
        rows.add("Parameters", textField("maskParams", form.paramsProperty(), "{\"keep_last\": 4}"), "params",
                "A JSON object, per strategy");
        rows.grid().setId("maskingForm");
        rows.grid().visibleProperty().bind(editor.kindProperty().isEqualTo(RuleKind.MASKING));
        return rows.grid();
    }

    private Node createTest() {
        RuleTestViewModel test = viewModel.test();
        TextArea statement = new TextArea();
        statement.setId("testStatement");
        statement.getStyleClass().add(Css.MONO);
        statement.setPromptText("DELETE FROM orders");
        statement.setPrefRowCount(4);
        statement.textProperty().bindBidirectional(test.statementProperty());
        TextField subject = textField("testSubject", test.subjectProperty(), "e.g. alice");
        TextField groups = textField("testGroups", test.groupsProperty(), "e.g. analysts, dba");
        TextField target = textField("testTarget", test.targetProperty(), "default target");
        Button run = Views.button("runTest", "Test", "Classify and decide without running anything");
        run.getStyleClass().add(Css.PRIMARY);
        run.disableProperty().bind(test.canRunBinding().not());
        run.setOnAction(event -> test.run());
        FormRows rows = new FormRows(FXCollections.observableHashMap());
        rows.add("Statement", statement, null, null);
        rows.add("Subject", subject, null, null);
        rows.add("Groups", groups, null, "Comma-separated");
        rows.add("Target", target, null, null);

        Label classification = Views.label("testClassification", null);
        classification.textProperty().bind(test.classificationProperty());
        Label verdict = Pills.pill(Css.VERDICT_PREFIX, null, "");
        verdict.setId("testVerdictPill");
        test.verdictProperty().addListener((observable, old, action) -> Pills.setVerdict(verdict, action));
        verdict.visibleProperty().bind(test.verdictProperty().isNotNull());
        Label verdictText = Views.label("testVerdict", null);
        verdictText.setWrapText(true);
        verdictText.textProperty().bind(test.verdictTextProperty());
        Label error = Views.label("testError", Css.FIELD_ERROR);
        error.setWrapText(true);
        error.textProperty().bind(test.errorProperty());
        ListView<MaskedColumn> masked = new ListView<>(test.maskedColumns());
        masked.setId("testMasked");
        masked.setPrefHeight(120);
        masked.setPlaceholder(Views.text("No column would be masked", Css.PLACEHOLDER));
        masked.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(MaskedColumn column, boolean empty) {
                super.updateItem(column, empty);
                setText(empty || column == null ? null
                        : (column.table() == null ? "" : column.table() + ".") + column.column() + " → " + column.method()
                                + " (rule " + column.rule() + ")");
            }
        });
        // A long verdict message wraps; the label and the pill keep their width (else they shrink to "...").
        Label verdictLabel = Views.text("Verdict", Css.FIELD_LABEL);
        verdictLabel.setMinWidth(Region.USE_PREF_SIZE);
        verdict.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(verdictText, Priority.ALWAYS);
        VBox result = new VBox(6, Views.text("Result", Css.SECTION_TITLE),
                Views.toolbar(Views.text("Classified as", Css.FIELD_LABEL), classification),
                Views.toolbar(verdictLabel, verdict, verdictText),
                Views.text("Masked columns", Css.FIELD_LABEL), masked, error);
        VBox box = new VBox(10, rows.grid(), Views.toolbar(Views.spacer(), run), result);
        box.getStyleClass().add(Css.DETAIL);
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node createHistory() {
        TableView<RuleHistory.Version> history = new TableView<>(viewModel.versions());
        history.setId("ruleHistory");
        history.setPlaceholder(Views.text("Select a rule to see its versions", Css.PLACEHOLDER));
        history.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<RuleHistory.Version, String> version = new TableColumn<>("Ver.");
        version.setPrefWidth(50);
        version.setCellValueFactory(cell -> Bindings.createStringBinding(() -> "v" + cell.getValue().version()));
        TableColumn<RuleHistory.Version, String> by = new TableColumn<>("By");
        by.setPrefWidth(90);
        by.setCellValueFactory(cell -> Bindings.createStringBinding(() -> cell.getValue().changedBy()));
        TableColumn<RuleHistory.Version, String> when = new TableColumn<>("When");
        when.setPrefWidth(140);
        when.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> Format.dateTime(cell.getValue().changedAt(), viewModel.zone())));
        TableColumn<RuleHistory.Version, String> what = new TableColumn<>("What changed");
        what.setPrefWidth(300);
        what.setCellValueFactory(cell -> Bindings.createStringBinding(() -> cell.getValue().change()));
        history.getColumns().addAll(java.util.List.of(version, by, when, what));
        Label note = Views.text("Versions seen since the console connected: the engine does not serve older ones yet.",
                Css.HINT);
        note.setWrapText(true);
        VBox box = new VBox(6, history, note);
        VBox.setVgrow(history, Priority.ALWAYS);
        box.getStyleClass().add(Css.DETAIL);
        return box;
    }

    private void bind() {
        kindFilter.setValue(choiceOf(viewModel.kindFilterProperty().get()));
        kindFilter.valueProperty().addListener((observable, old, choice) ->
                viewModel.kindFilterProperty().set(kindOf(choice)));
        viewModel.kindFilterProperty().addListener((observable, old, kind) -> kindFilter.setValue(choiceOf(kind)));
        access.textProperty().bind(viewModel.accessMessageProperty());
        access.visibleProperty().bind(viewModel.accessMessageProperty().isNotEmpty());
        access.managedProperty().bind(access.visibleProperty());
        message.textProperty().bind(viewModel.messageProperty());
        message.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        var notAdmin = viewModel.adminProperty().not();
        newPolicy.disableProperty().bind(notAdmin);
        newMasking.disableProperty().bind(notAdmin);
        newPolicy.setOnAction(event -> {
            viewModel.newRule(RuleKind.POLICY);
            tabs.getSelectionModel().select(0);
            ruleId.requestFocus();
        });
        newMasking.setOnAction(event -> {
            viewModel.newRule(RuleKind.MASKING);
            tabs.getSelectionModel().select(0);
            ruleId.requestFocus();
        });
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
        var noSelection = viewModel.selectedProperty().isNull().or(notAdmin);
        up.disableProperty().bind(noSelection);
        down.disableProperty().bind(noSelection);
        delete.disableProperty().bind(noSelection);
        up.setOnAction(event -> viewModel.moveSelectedUp());
        down.setOnAction(event -> viewModel.moveSelectedDown());
        delete.setOnAction(event -> confirmDelete());

        heading.textProperty().bind(editor.headingProperty());
        ruleId.textProperty().bindBidirectional(editor.ruleIdProperty());
        ruleId.editableProperty().bind(editor.newProperty());
        json.textProperty().bindBidirectional(editor.jsonTextProperty());
        jsonError.textProperty().bind(editor.jsonErrorProperty());
        json.pseudoClassStateChanged(Css.INVALID, false);
        editor.jsonErrorProperty().addListener((observable, old, error) ->
                json.pseudoClassStateChanged(Css.INVALID, !error.isEmpty()));
        saveError.textProperty().bind(Bindings.createStringBinding(() -> {
            if (!editor.saveErrorProperty().get().isEmpty()) {
                return "The engine refused it: " + editor.saveErrorProperty().get();
            }
            if (!editor.jsonErrorProperty().get().isEmpty()) {
                return "Fix the JSON first";
            }
            if (!editor.validProperty().get() && editor.editingProperty().get()) {
                return editor.fieldErrors().isEmpty() ? editor.idErrorProperty().get()
                        : editor.fieldErrors().size() + (editor.fieldErrors().size() == 1 ? " problem" : " problems")
                                + " to fix";
            }
            return editor.dirtyProperty().get() ? "Unsaved changes" : "";
        }, editor.saveErrorProperty(), editor.jsonErrorProperty(), editor.validProperty(), editor.dirtyProperty(),
                editor.fieldErrors(), editor.idErrorProperty(), editor.editingProperty()));
        save.disableProperty().bind(editor.validProperty().not().or(editor.dirtyProperty().not())
                .or(viewModel.savingProperty()).or(notAdmin));
        revert.disableProperty().bind(editor.dirtyProperty().not());
        save.setOnAction(event -> viewModel.save());
        revert.setOnAction(event -> viewModel.revert());
        root.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, event -> {
            if (SAVE_KEYS.match(event) && !save.isDisabled()) {
                viewModel.save();
                event.consume();
            }
        });
    }

    private static final java.util.List<String> KIND_CHOICES = java.util.List.of("All rules", "Policy rules", "Masking rules");

    private static String choiceOf(RuleKind kind) {
        return kind == null ? KIND_CHOICES.get(0) : kind == RuleKind.POLICY ? KIND_CHOICES.get(1) : KIND_CHOICES.get(2);
    }

    private static RuleKind kindOf(String choice) {
        int index = KIND_CHOICES.indexOf(choice);
        return index == 1 ? RuleKind.POLICY : index == 2 ? RuleKind.MASKING : null;
    }

    private static final javafx.scene.input.KeyCombination SAVE_KEYS =
            javafx.scene.input.KeyCombination.keyCombination("Shortcut+S");

    private void confirmDelete() {
        RuleRow row = viewModel.selectedProperty().get();
        if (row == null) {
            return;
        }
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "Delete " + Format.words(row.kind()) + " rule " + row.id()
                + "? Statements it decided will be decided by the rules after it.", ButtonType.OK, ButtonType.CANCEL);
        alert.setTitle("Delete rule");
        alert.setHeaderText("Delete " + row.id() + "?");
        if (root.getScene() != null) {
            alert.initOwner(root.getScene().getWindow());
            alert.getDialogPane().getStylesheets().setAll(root.getScene().getStylesheets());
        }
        alert.getDialogPane().lookupButton(ButtonType.OK).setId("deleteConfirm");
        alert.showAndWait().filter(ButtonType.OK::equals).ifPresent(ok -> viewModel.deleteSelected());
    }

    private static TextField textField(String id, javafx.beans.property.StringProperty property, String prompt) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(property);
        return field;
    }

    private static ComboBox<String> combo(String id, java.util.List<String> items,
            javafx.beans.property.StringProperty property) {
        ComboBox<String> box = new ComboBox<>(FXCollections.observableArrayList(items));
        box.setId(id);
        box.setEditable(false);
        box.valueProperty().bindBidirectional(property);
        return box;
    }

    private static TableColumn<RuleRow, String> column(String title, double width,
            Function<RuleRow, javafx.beans.value.ObservableValue<String>> value) {
        TableColumn<RuleRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> value.apply(cell.getValue()));
        return column;
    }

    private final class EnabledCell extends TableCell<RuleRow, Boolean> {
        private final CheckBox box = new CheckBox();

        EnabledCell() {
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
            box.disableProperty().bind(viewModel.adminProperty().not());
            box.setOnAction(event -> {
                RuleRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (row != null) {
                    viewModel.setEnabled(row, box.isSelected());
                }
            });
        }

        @Override
        protected void updateItem(Boolean enabled, boolean empty) {
            super.updateItem(enabled, empty);
            if (empty || enabled == null) {
                setGraphic(null);
            } else {
                box.setSelected(enabled);
                RuleRow row = getTableRow() == null ? null : getTableRow().getItem();
                box.setId(row == null ? null : "ruleEnabled-" + row.id());
                setGraphic(box);
            }
        }
    }
}
