package dev.bulwark.console.replay;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.FileDialogs;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.Pills;
import dev.bulwark.console.ui.SqlText;
import dev.bulwark.console.ui.Views;
import dev.bulwark.model.FramePayload;
import dev.bulwark.model.RecordingSummary;
import dev.bulwark.model.ResultColumn;
import dev.bulwark.model.SafeText;
import dev.bulwark.model.VerdictAction;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextFlow;
import javafx.util.StringConverter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Replay: search recorded sessions, then step through one frame by frame, play it, scrub it, export it. */
public final class ReplayView {
    private final ReplayViewModel viewModel;
    private final FileDialogs files;
    private final BorderPane root = new BorderPane();
    private final TextField subject = field("replaySubject", "who (subject)", 9);
    private final TextField target = field("replayTarget", "target", 8);
    private final DatePicker from = new DatePicker();
    private final DatePicker to = new DatePicker();
    private final TextField text = field("replayText", "statement text", 10);
    private final TextField table = field("replayTable", "table", 8);
    private final ComboBox<String> verdict = new ComboBox<>();
    private final Button search = Views.button("replaySearch", "Search", "Search the recordings");
    private final Label searchMessage = Views.label("replaySearchMessage", Css.MUTED);
    private final TableView<RecordingSummary> recordings = new TableView<>();
    private final Button more = Views.button("replayMore", "Load more", null);
    private final Button open = Views.button("replayOpen", "Open", "Replay the selected session (or double-click it)");
    private final Label sessionTitle = Views.label("replaySessionTitle", Css.SECTION_TITLE);
    private final ProgressBar progress = new ProgressBar();
    private final Label progressText = Views.label("replayProgressText", Css.MUTED);
    private final Button cancel = Views.button("replayCancel", "Cancel", "Stop loading");
    // Bar-and-triangle from glyphs every common UI font has (DejaVu lacks U+23EE/U+23ED: they drew as boxes).
    private final Button first = Views.button("replayFirst", "|◀", "First frame (Home)");
    private final Button previous = Views.button("replayPrev", "◀", "Previous frame (Left)");
    private final Button play = Views.button("replayPlay", "▶ Play", "Play or pause (Space)");
    private final Button next = Views.button("replayNext", "▶", "Next frame (Right)");
    private final Button last = Views.button("replayLast", "▶|", "Last frame (End)");
    private final ComboBox<Integer> speed = new ComboBox<>();
    private final Button export = Views.button("replayExport", "Export…", "Save the session as JSON lines");
    private final Slider slider = new Slider(0, 0, 0);
    private final Label position = Views.label("frameInfo", Css.MUTED);
    private final Label verdictPill = Pills.pill(Css.VERDICT_PREFIX, null, "");
    private final Label rule = Views.label("frameRule", Css.MUTED);
    private final Label classification = Views.label("frameClassification", Css.STRONG);
    private final ListView<List<SqlText.StyledRun>> statement = SqlText.view();
    private final Label frameMessage = Views.label("frameMessage", Css.FRAME_MESSAGE);
    private final TableView<List<String>> grid = new TableView<>();
    private final Label message = Views.label("replayMessage", Css.HINT);
    private final VBox player = new VBox(8);
    private boolean movingSlider;

    public ReplayView(ReplayViewModel viewModel, FileDialogs files) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        this.files = requireNonNull(files, "files is null");
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private static TextField field(String id, String prompt, int columns) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefColumnCount(columns);
        return field;
    }

    private void createView() {
        root.getStyleClass().add(Css.VIEW);
        root.setId("replayView");
        from.setId("replayFrom");
        to.setId("replayTo");
        from.setPromptText("from");
        to.setPromptText("to");
        from.setPrefWidth(130);
        to.setPrefWidth(130);
        verdict.setId("replayVerdict");
        verdict.getItems().addAll("any verdict", "allowed", "masked", "denied", "held", "logged");
        verdict.getSelectionModel().select(0);
        search.getStyleClass().add(Css.PRIMARY);
        search.setDefaultButton(false);
        FlowPane searchBar = new FlowPane(8, 6, subject, target, from, to, text, table, verdict, search);
        searchBar.setAlignment(Pos.CENTER_LEFT);
        searchBar.getStyleClass().add(Css.TOOLBAR);
        root.setTop(new VBox(4, Views.toolbar(Views.text("Replay", Css.VIEW_TITLE), Views.spacer(), message), searchBar));

        recordings.setId("recordingsTable");
        recordings.setPlaceholder(Views.text("Search to list recorded sessions", Css.PLACEHOLDER));
        recordings.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        recordings.getColumns().add(column("Who", 76, RecordingSummary::subject));
        recordings.getColumns().add(column("Target", 64, RecordingSummary::target));
        recordings.getColumns().add(column("Started", 92, recording -> Format.shortDateTime(recording.startedAt(), viewModel.zone())));
        recordings.getColumns().add(column("Stmts", 52, recording -> Format.count(recording.statements())));
        TableColumn<RecordingSummary, String> flagged = column("Den./held", 70,
                recording -> Format.count(recording.denied()) + " / " + Format.count(recording.held()));
        flagged.setUserData("statements denied / held for approval");
        recordings.getColumns().add(flagged);
        recordings.getColumns().add(column("Frames", 56, recording -> Format.count(recording.frames())));
        recordings.setRowFactory(view -> {
            TableRow<RecordingSummary> row = new TableRow<>();
            row.setOnMouseClicked(event -> {
                if (event.getButton() == MouseButton.PRIMARY && event.getClickCount() == 2 && !row.isEmpty()) {
                    viewModel.open(row.getItem());
                }
            });
            return row;
        });
        open.getStyleClass().add(Css.PRIMARY);
        VBox left = new VBox(6, recordings, Views.toolbar(searchMessage, Views.spacer(), more, open));
        VBox.setVgrow(recordings, Priority.ALWAYS);
        left.setMinWidth(300);

        progress.setId("replayProgress");
        progress.setPrefWidth(220);
        HBox loadingBar = Views.toolbar(progress, progressText, Views.spacer(), cancel);
        loadingBar.setId("replayLoading");
        speed.setId("replaySpeed");
        speed.getItems().addAll(ReplayViewModel.SPEEDS);
        speed.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer value) {
                return value == null ? "" : value + "x";
            }

            @Override
            public Integer fromString(String string) {
                return Integer.valueOf(string.replace("x", ""));
            }
        });
        play.getStyleClass().add(Css.PRIMARY);
        play.setMinWidth(88);
        HBox controls = Views.toolbar(first, previous, play, next, last, Views.text("Speed", Css.FIELD_LABEL), speed,
                Views.spacer(), export);
        slider.setId("replaySlider");
        slider.setBlockIncrement(1);
        slider.setMajorTickUnit(1);
        slider.setMinorTickCount(0);
        HBox.setHgrow(slider, Priority.ALWAYS);
        statement.setId("frameStatement");
        javafx.scene.layout.Region statementScroll = statement;
        statement.setPrefHeight(120);
        statement.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        statement.getStyleClass().add(Css.CARD);
        verdictPill.setId("frameVerdict");
        frameMessage.setWrapText(true);
        grid.setId("frameGrid");
        grid.getStyleClass().add(Css.GRID);
        grid.setPlaceholder(Views.text("No result at this frame", Css.PLACEHOLDER));
        Label gridNote = Views.text("Values as the client saw them (masked values as recorded)", Css.HINT);
        VBox.setVgrow(grid, Priority.ALWAYS);
        player.getChildren().addAll(sessionTitle, loadingBar, controls, slider, position,
                Views.toolbar(verdictPill, rule), classification, statementScroll, frameMessage, grid, gridNote);
        classification.setWrapText(true);
        player.getStyleClass().add(Css.DETAIL);
        player.setId("replayPlayer");

        SplitPane split = new SplitPane(left, player);
        split.setDividerPositions(0.39);
        root.setCenter(split);
    }

    private void bind() {
        subject.textProperty().bindBidirectional(viewModel.subjectProperty());
        target.textProperty().bindBidirectional(viewModel.targetProperty());
        from.valueProperty().bindBidirectional(viewModel.fromProperty());
        to.valueProperty().bindBidirectional(viewModel.toProperty());
        text.textProperty().bindBidirectional(viewModel.textProperty());
        table.textProperty().bindBidirectional(viewModel.tableProperty());
        verdict.getSelectionModel().selectedIndexProperty().addListener((observable, old, index) ->
                viewModel.verdictProperty().set(index.intValue() <= 0 ? null : VERDICTS.get(index.intValue() - 1)));
        for (TextField field : List.of(subject, target, text, table)) {
            field.setOnAction(event -> viewModel.search());
        }
        search.setOnAction(event -> viewModel.search());
        search.disableProperty().bind(viewModel.searchingProperty());
        searchMessage.textProperty().bind(viewModel.searchMessageProperty());
        recordings.setItems(viewModel.recordings());
        viewModel.selectedRecordingProperty().bind(recordings.getSelectionModel().selectedItemProperty());
        more.visibleProperty().bind(viewModel.moreAvailableProperty());
        more.managedProperty().bind(more.visibleProperty());
        more.setOnAction(event -> viewModel.loadMore());
        open.disableProperty().bind(viewModel.selectedRecordingProperty().isNull());
        open.setOnAction(event -> {
            RecordingSummary selected = viewModel.selectedRecordingProperty().get();
            if (selected != null) {
                viewModel.open(selected);
            }
        });

        Node loadingBar = player.lookup("#replayLoading");
        loadingBar.visibleProperty().bind(viewModel.loadingProperty());
        loadingBar.managedProperty().bind(viewModel.loadingProperty());
        progress.progressProperty().bind(viewModel.progressProperty());
        progressText.textProperty().bind(viewModel.progressTextProperty());
        cancel.setOnAction(event -> viewModel.cancelLoading());
        sessionTitle.textProperty().bind(Bindings.when(viewModel.openRecordingProperty().isNull())
                .then("Open a recorded session to replay it").otherwise(viewModel.sessionTitleProperty()));
        message.textProperty().bind(viewModel.messageProperty());

        var noFrames = viewModel.frameCountProperty().isEqualTo(0);
        var atStart = viewModel.indexProperty().lessThanOrEqualTo(0);
        var atEnd = viewModel.indexProperty().greaterThanOrEqualTo(viewModel.frameCountProperty().subtract(1));
        first.disableProperty().bind(noFrames.or(atStart));
        previous.disableProperty().bind(noFrames.or(atStart));
        next.disableProperty().bind(noFrames.or(atEnd));
        last.disableProperty().bind(noFrames.or(atEnd));
        play.disableProperty().bind(noFrames);
        slider.disableProperty().bind(noFrames);
        export.disableProperty().bind(viewModel.openRecordingProperty().isNull());
        play.textProperty().bind(Bindings.when(viewModel.playingProperty()).then("⏸ Pause").otherwise("▶ Play"));
        first.setOnAction(event -> viewModel.first());
        previous.setOnAction(event -> viewModel.previous());
        next.setOnAction(event -> viewModel.next());
        last.setOnAction(event -> viewModel.last());
        play.setOnAction(event -> viewModel.togglePlay());
        speed.setValue(viewModel.speedProperty().get());
        speed.valueProperty().addListener((observable, old, value) -> {
            if (value != null) {
                viewModel.speedProperty().set(value);
            }
        });
        export.setOnAction(event -> {
            RecordingSummary recording = viewModel.openRecordingProperty().get();
            if (recording != null) {
                files.saveFile(root.getScene() == null ? null : root.getScene().getWindow(), "Export session",
                        "session-" + recording.sessionId() + ".jsonl", "JSON lines", "*.jsonl")
                        .ifPresent(viewModel::exportTo);
            }
        });

        slider.maxProperty().bind(Bindings.max(0, viewModel.frameCountProperty().subtract(1)));
        slider.valueProperty().addListener((observable, old, value) -> {
            if (!movingSlider) {
                int index = (int) Math.round(value.doubleValue());
                if (index != viewModel.indexProperty().get()) {
                    viewModel.seek(index);
                }
            }
        });
        viewModel.indexProperty().addListener((observable, old, index) -> {
            movingSlider = true;
            try {
                slider.setValue(Math.max(0, index.intValue()));
            } finally {
                movingSlider = false;
            }
        });
        position.textProperty().bind(viewModel.positionProperty());
        viewModel.currentProperty().addListener((observable, old, view) -> showFrame(view));
        showFrame(viewModel.currentProperty().get());

        player.addEventFilter(KeyEvent.KEY_PRESSED, event -> {
            if (root.getScene() != null && root.getScene().getFocusOwner() instanceof TextInputControl) {
                return;
            }
            KeyCode code = event.getCode();
            if (code == KeyCode.RIGHT) {
                viewModel.next();
            } else if (code == KeyCode.LEFT) {
                viewModel.previous();
            } else if (code == KeyCode.HOME) {
                viewModel.first();
            } else if (code == KeyCode.END) {
                viewModel.last();
            } else if (code == KeyCode.SPACE) {
                viewModel.togglePlay();
            } else {
                return;
            }
            event.consume();
        });
        player.setOnMouseClicked(event -> player.requestFocus());
        player.setFocusTraversable(true);
    }

    private static final List<VerdictAction> VERDICTS =
            List.of(VerdictAction.ALLOW, VerdictAction.MASK, VerdictAction.DENY, VerdictAction.HOLD, VerdictAction.LOG);

    private void showFrame(FrameView view) {
        if (view == null) {
            Pills.setVerdict(verdictPill, null);
            verdictPill.setVisible(false);
            rule.setText("");
            SqlText.show(statement, "");
            classification.setText("");
            frameMessage.setText("");
            frameMessage.setVisible(false);
            showGrid(null);
            return;
        }
        verdictPill.setVisible(view.verdict() != null);
        Pills.setVerdict(verdictPill, view.verdict());
        rule.setText(view.statement().isEmpty() ? "before the first statement"
                : view.rule() == null ? "by the default" : "by rule " + SafeText.line(view.rule()));
        SqlText.show(statement, view.statement());
        classification.setText(view.classification());
        classification.pseudoClassStateChanged(Css.ERROR, view.truncated());
        frameMessage.setText(view.message() == null ? "" : view.message());
        frameMessage.setVisible(view.message() != null);
        frameMessage.pseudoClassStateChanged(Css.ERROR, view.messageKind() == FrameView.MessageKind.ERROR);
        frameMessage.pseudoClassStateChanged(Css.NOTICE, view.messageKind() == FrameView.MessageKind.NOTICE);
        showGrid(view.result());
    }

    private void showGrid(FramePayload.Result result) {
        if (result == null) {
            grid.getColumns().clear();
            grid.getItems().clear();
            return;
        }
        List<TableColumn<List<String>, String>> columns = new ArrayList<>();
        for (int i = 0; i < result.columns().size(); i++) {
            ResultColumn resultColumn = result.columns().get(i);
            int index = i;
            TableColumn<List<String>, String> column = new TableColumn<>(SafeText.line(resultColumn.name()));
            column.setUserData(resultColumn.type());
            column.setPrefWidth(width(resultColumn.name(), result.rows(), i));
            column.setCellValueFactory(cell -> Bindings.createStringBinding(
                    () -> index < cell.getValue().size() ? cell.getValue().get(index) : null));
            column.setCellFactory(c -> new ValueCell());
            columns.add(column);
        }
        grid.getColumns().setAll(columns);
        grid.setItems(FXCollections.observableArrayList(result.rows()));
    }

    /** Wide enough for the header and the values of the first rows (monospaced), within limits. */
    static double width(String header, List<List<String>> rows, int index) {
        int chars = header.length();
        for (int r = 0; r < Math.min(100, rows.size()); r++) {
            List<String> row = rows.get(r);
            String value = index < row.size() ? row.get(index) : null;
            chars = Math.max(chars, value == null ? 4 : Math.min(value.length(), 60));
        }
        return Math.max(56, Math.min(420, chars * 7.6 + 22));
    }

    private static TableColumn<RecordingSummary, String> column(String title, double width,
            Function<RecordingSummary, String> value) {
        TableColumn<RecordingSummary, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> Bindings.createStringBinding(() -> value.apply(cell.getValue())));
        return column;
    }

    /** A grid cell: SQL NULL shown as a styled NULL, so it is not mistaken for the text "NULL". */
    private static final class ValueCell extends TableCell<List<String>, String> {
        @Override
        protected void updateItem(String value, boolean empty) {
            super.updateItem(value, empty);
            boolean isNull = !empty && value == null;
            pseudoClassStateChanged(Css.NULL_VALUE, isNull);
            // Values as recorded, every control, bidi or invisible character shown by its code.
            setText(empty ? null : isNull ? "NULL" : SafeText.line(value));
        }
    }
}
