package dev.bulwark.console.app;

import dev.bulwark.console.ui.Css;
import dev.bulwark.console.ui.Views;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/** The main window's content: header, navigation with the approvals badge, the current view, the status bar. */
public final class MainView {
    private final MainViewModel viewModel;
    private final Map<Page, Supplier<Parent>> pageFactories;
    /** Views are built the first time they are shown, so the window opens fast. */
    private final Map<Page, Parent> pages = new EnumMap<>(Page.class);
    private final BorderPane root = new BorderPane();
    private final StackPane content = new StackPane();
    private final ToggleGroup navigation = new ToggleGroup();
    private final Map<Page, ToggleButton> navButtons = new EnumMap<>(Page.class);
    private final Label badge = Views.label("approvalsBadge", Css.BADGE);
    private final Label engine = Views.label("engineLabel", Css.MUTED);
    private final Button connect = Views.button("connectButton", "Connect…", "Connect to another engine");
    private final Button theme = Views.button("themeToggle", "", "Switch between the light and dark theme");
    private final Region dot = new Region();
    private final Label status = Views.label("statusLabel", null);
    private final Hyperlink retry = new Hyperlink("Retry now");

    public MainView(MainViewModel viewModel, Map<Page, Supplier<Parent>> pageFactories) {
        this.viewModel = requireNonNull(viewModel, "viewModel is null");
        this.pageFactories = new EnumMap<>(pageFactories);
        createView();
        bind();
    }

    public Parent root() {
        return root;
    }

    private void createView() {
        root.getStyleClass().add(Css.APP);
        root.setId("mainView");

        Label brand = Views.text("Bulwark", Css.BRAND);
        Label subtitle = Views.text("console", Css.MUTED);
        HBox header = new HBox(10, brand, subtitle, Views.spacer(), engine, connect, theme);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add(Css.HEADER);
        root.setTop(header);

        VBox nav = new VBox(2);
        nav.getStyleClass().add(Css.NAV);
        int shortcut = 1;
        for (Page page : Page.values()) {
            ToggleButton button = new ToggleButton(page.title());
            button.setId(page.navId());
            button.getStyleClass().add(Css.NAV_BUTTON);
            button.setToggleGroup(navigation);
            button.setUserData(page);
            button.setMaxWidth(Double.MAX_VALUE);
            button.setAlignment(Pos.CENTER_LEFT);
            button.setTooltip(Views.tooltip(page.title() + " (" + new KeyCodeCombination(digit(shortcut),
                    KeyCombination.SHORTCUT_DOWN).getDisplayText() + ")"));
            if (page == Page.APPROVALS) {
                button.setGraphic(badge);
                button.setContentDisplay(ContentDisplay.RIGHT);
                button.setGraphicTextGap(10);
            }
            navButtons.put(page, button);
            nav.getChildren().add(button);
            shortcut++;
        }
        root.setLeft(nav);

        content.setId("content");
        root.setCenter(content);

        dot.getStyleClass().add(Css.STATUS_DOT);
        retry.setId("retryNow");
        HBox bar = new HBox(8, dot, status, Views.spacer(), retry);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add(Css.STATUS_BAR);
        HBox.setHgrow(status, Priority.NEVER);
        root.setBottom(bar);
    }

    private static KeyCode digit(int n) {
        return KeyCode.valueOf("DIGIT" + n);
    }

    private void bind() {
        engine.textProperty().bind(viewModel.engineProperty());
        status.textProperty().bind(viewModel.statusProperty());
        viewModel.lightProperty().addListener((observable, old, light) -> showLight(light));
        showLight(viewModel.lightProperty().get());
        retry.visibleProperty().bind(viewModel.canRetryProperty());
        retry.setOnAction(event -> viewModel.retryNow());
        theme.textProperty().bind(Bindings.createStringBinding(
                () -> viewModel.themeProperty().get() == Theme.DARK ? "Light theme" : "Dark theme", viewModel.themeProperty()));
        theme.setOnAction(event -> viewModel.toggleTheme());
        connect.setOnAction(event -> showConnectDialog());

        var pending = viewModel.pendingApprovalsProperty();
        badge.textProperty().bind(Bindings.createStringBinding(() -> pending.get() > 99 ? "99+" : Integer.toString(pending.get()),
                pending));
        badge.visibleProperty().bind(pending.greaterThan(0));

        navigation.selectedToggleProperty().addListener((observable, old, toggle) -> {
            if (toggle == null) {
                // A navigation always shows a page: clicking the current one keeps it.
                navigation.selectToggle(old);
            } else {
                viewModel.pageProperty().set((Page) toggle.getUserData());
            }
        });
        viewModel.pageProperty().addListener((observable, old, page) -> showPage(page));
        showPage(viewModel.pageProperty().get());
    }

    private void showLight(MainViewModel.Light light) {
        dot.pseudoClassStateChanged(Css.CONNECTED, light == MainViewModel.Light.CONNECTED);
        dot.pseudoClassStateChanged(Css.CONNECTING, light == MainViewModel.Light.CONNECTING);
        dot.pseudoClassStateChanged(Css.RECONNECTING, light == MainViewModel.Light.RECONNECTING);
        dot.pseudoClassStateChanged(Css.FAILED, light == MainViewModel.Light.DISCONNECTED);
    }

    private void showPage(Page page) {
        ToggleButton button = navButtons.get(page);
        if (navigation.getSelectedToggle() != button) {
            navigation.selectToggle(button);
        }
        Parent view = pages.computeIfAbsent(page, key -> pageFactories.containsKey(key) ? pageFactories.get(key).get() : null);
        content.getChildren().setAll(view == null ? Views.text(page.title() + " is not available", Css.PLACEHOLDER) : view);
    }

    /** Puts the theme on the scene (and keeps it there) and adds the window's shortcuts. */
    public void attach(Scene scene) {
        scene.getStylesheets().setAll(viewModel.themeProperty().get().stylesheets());
        viewModel.themeProperty().addListener((observable, old, value) -> scene.getStylesheets().setAll(value.stylesheets()));
        int n = 1;
        for (Page page : Page.values()) {
            scene.getAccelerators().put(new KeyCodeCombination(digit(n++), KeyCombination.SHORTCUT_DOWN),
                    () -> viewModel.pageProperty().set(page));
        }
    }

    public void showConnectDialog() {
        ConnectViewModel connectModel = new ConnectViewModel(viewModel.settings().recent(), viewModel.currentAddress());
        ConnectView view = new ConnectView(connectModel, root.getScene() == null ? null : root.getScene().getWindow(),
                root.getScene() == null ? java.util.List.of() : root.getScene().getStylesheets());
        view.showAndWait().ifPresent(viewModel::connect);
    }
}
