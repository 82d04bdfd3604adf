package dev.bulwark.console.e2e;

import dev.bulwark.console.app.Theme;
import dev.bulwark.console.approvals.ApprovalRow;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.console.sessions.SessionRow;
import dev.bulwark.model.RecordingSummary;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.bulwark.console.fake.FxActions.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console against the real engine: embedded PostgreSQL, the demo policy, masking, recording,
 * approvals and the management socket, with real pgjdbc clients. The console connects to the
 * demo's socket as the local operator (an admin reviewer in group dba) and is driven by node id.
 */
@ExtendWith(ApplicationExtension.class)
class ConsoleEndToEndIT {
    @TempDir
    static Path data;
    @TempDir
    Path settings;

    private static RunningEngine engine;
    private static final ExecutorService clients = Executors.newCachedThreadPool();
    private RealConsole console;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = RunningEngine.start(data);
        try (Connection dba = engine.connect("dba"); Statement s = dba.createStatement()) {
            // A table of our own for the held DELETE, so the demo's orders stay as they are for the other tests.
            s.execute("CREATE TABLE it_orders (id int PRIMARY KEY)");
            s.execute("INSERT INTO it_orders SELECT g FROM generate_series(1, 42) g");
            s.execute("GRANT SELECT, DELETE ON it_orders TO shop_analyst");
        }
    }

    @AfterAll
    static void stopEngine() throws Exception {
        clients.shutdownNow();
        if (engine != null) {
            engine.close();
        }
    }

    @Start
    void start(Stage stage) {
        console = new RealConsole(stage, engine.socket(), settings.resolve("console.json"), Theme.LIGHT);
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(console::close);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theMainWindowIsTheBulwarkConsoleConnectedToTheEngine(FxRobot robot) {
        Stage stage = (Stage) console.scene().getWindow();
        waitUntil("connected", () -> stage.getTitle().contains(" @ "));
        assertTrue(stage.getTitle().contains("Bulwark"), stage.getTitle());
    }

    @Test
    void aRemoteOperatorConnectsOverTlsWithATokenFile(FxRobot robot) throws Exception {
        Path tokenFile = settings.resolve("bob.token");
        java.nio.file.Files.writeString(tokenFile, engine.operatorToken("bob", "dba"));
        RealConsole remote = WaitForAsyncUtils.asyncFx(() -> {
            Stage window = new Stage();
            return new RealConsole(window, engine.remote(tokenFile), settings.resolve("remote.json"), Theme.DARK);
        }).get(10, TimeUnit.SECONDS);
        try {
            Stage window = (Stage) remote.scene().getWindow();
            waitUntil("connected as bob", () -> window.getTitle().contains("bob @ "));
            assertTrue(window.getTitle().contains("localhost:"), window.getTitle());
        } finally {
            WaitForAsyncUtils.asyncFx(() -> {
                remote.close();
                remote.scene().getWindow().hide();
            }).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSessionsViewListsALiveSessionFromARealConnection(FxRobot robot) throws Exception {
        FxActions.fire(robot, "#navSessions");
        @SuppressWarnings("unchecked")
        TableView<SessionRow> sessions = node(robot, "#sessionsTable", TableView.class);
        try (Connection alice = engine.connect("alice"); Statement s = alice.createStatement()) {
            s.execute("SELECT count(*) FROM orders /* live-session-it */");
            waitUntil("alice's session is listed", () -> sessions.getItems().stream()
                    .anyMatch(row -> row.subjectProperty().get().equals("alice")
                            && row.lastStatementProperty().get().contains("live-session-it")));
            SessionRow row = sessions.getItems().stream().filter(r -> r.lastStatementProperty().get().contains("live-session-it"))
                    .findFirst().orElseThrow();
            assertEquals("shop", row.targetProperty().get());
        }
    }

    @Test
    void approvingAHeldStatementReleasesTheWaitingClient(FxRobot robot) throws Exception {
        CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
            try (Connection alice = engine.connect("alice"); Statement s = alice.createStatement()) {
                s.execute("DELETE FROM it_orders");
                return "deleted " + s.getUpdateCount();
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        }, clients);
        FxActions.fire(robot, "#navApprovals");
        @SuppressWarnings("unchecked")
        TableView<ApprovalRow> approvals = node(robot, "#approvalsTable", TableView.class);
        waitUntil("the held DELETE is listed", () -> approvals.getItems().stream()
                .anyMatch(row -> row.statementProperty().get().contains("DELETE FROM it_orders")));
        ApprovalRow held = approvals.getItems().stream()
                .filter(row -> row.statementProperty().get().contains("DELETE FROM it_orders")).findFirst().orElseThrow();
        assertEquals("alice", held.requesterProperty().get());
        assertEquals("hold-unfiltered-writes", held.ruleProperty().get());
        Thread.sleep(300);
        assertFalse(client.isDone(), "alice waits for a reviewer");

        // A real click on the row and real typing in the reason field, then the button.
        robot.interact(() -> approvals.scrollTo(held));
        robot.clickOn(robot.lookup("#approvalsTable .table-row-cell").match(node -> node instanceof javafx.scene.control.TableRow<?> row
                && row.getItem() == held).queryAs(Node.class));
        waitUntil("the held DELETE is selected", () -> approvals.getSelectionModel().getSelectedItem() == held);
        robot.clickOn("#reasonField").write("end-to-end test");
        FxActions.fire(robot, "#approveButton");

        assertEquals("deleted 42", client.get(15, TimeUnit.SECONDS));
    }

    @Test
    void steppingThroughAReplayShowsTheRecordedFramesInOrder(FxRobot robot) throws Exception {
        try (Connection alice = engine.connect("alice"); Statement s = alice.createStatement()) {
            try (ResultSet rows = s.executeQuery("SELECT id, email FROM customers ORDER BY id LIMIT 3")) {
                assertTrue(rows.next());
                assertTrue(rows.getString("email").startsWith("***@") || rows.getString("email").contains("***"),
                        "alice sees masked emails: " + rows.getString("email"));
            }
            SQLException denied = expectFailure(s, "DROP TABLE customers");
            assertEquals("42501", denied.getSQLState());
            SQLException error = expectFailure(s, "SELECT 1/0 AS replay_it");
            assertEquals("22012", error.getSQLState());
        }

        FxActions.fire(robot, "#navReplay");
        FxActions.setText(robot, "#replaySubject", "alice");
        FxActions.setText(robot, "#replayText", "replay_it");
        @SuppressWarnings("unchecked")
        TableView<RecordingSummary> recordings = node(robot, "#recordingsTable", TableView.class);
        // The recording is finished a moment after the client leaves: search until it is listed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (recordings.getItems().isEmpty() && System.nanoTime() < deadline) {
            robot.interact(() -> console.console().replay().search());
            Thread.sleep(500);
            WaitForAsyncUtils.waitForFxEvents();
        }
        assertFalse(recordings.getItems().isEmpty(), "the session is recorded and found");
        RecordingSummary recording = recordings.getItems().get(0);
        assertEquals("alice", recording.subject());
        assertEquals(1, recording.denied());
        robot.interact(() -> recordings.getSelectionModel().select(0));
        FxActions.fire(robot, "#replayOpen");
        Label position = node(robot, "#frameInfo", Label.class);
        waitUntil("the session opens", () -> position.getText().startsWith("Frame 1 of "));

        // Step to the end, noting what each frame shows.
        List<String> seen = new ArrayList<>();
        seen.add(frame(robot));
        while (!node(robot, "#replayNext", javafx.scene.control.Button.class).isDisabled()) {
            String before = position.getText();
            FxActions.fire(robot, "#replayNext");
            waitUntil("the next frame", () -> !position.getText().equals(before));
            seen.add(frame(robot));
        }
        String timeline = String.join("\n", seen);
        System.out.println("replayed frames:\n" + timeline);
        int select = indexOf(seen, "SELECT id, email FROM customers");
        int maskedGrid = indexOf(seen, "***");
        int drop = indexOf(seen, "DROP TABLE customers");
        int error = indexOf(seen, "SELECT 1/0 AS replay_it");
        assertTrue(select >= 0 && drop > select && error > drop, "frames in order:\n" + timeline);
        assertTrue(maskedGrid >= select && maskedGrid < drop, "a masked result grid after the SELECT:\n" + timeline);
        assertTrue(seen.get(maskedGrid).contains("@"), "masked emails keep their domain:\n" + timeline);
        assertTrue(seen.get(drop).contains("verdict=denied"), "the DROP is denied:\n" + timeline);
        assertNotEquals(-1, indexOf(seen.subList(error, seen.size()), "22012"), "the error is recorded:\n" + timeline);
    }

    /** One frame as a line: the statement, the verdict pill, the grid's rows and the frame message. */
    private static String frame(FxRobot robot) {
        @SuppressWarnings("unchecked")
        javafx.scene.control.ListView<List<dev.bulwark.console.ui.SqlText.StyledRun>> statement =
                node(robot, "#frameStatement", javafx.scene.control.ListView.class);
        Label verdict = node(robot, "#frameVerdict", Label.class);
        @SuppressWarnings("unchecked")
        TableView<List<String>> grid = node(robot, "#frameGrid", TableView.class);
        String text = dev.bulwark.console.ui.SqlText.shownText(statement);
        String message = robot.lookup("#replayPlayer .label").queryAllAs(Label.class).stream().map(Label::getText)
                .collect(Collectors.joining(" | "));
        return node(robot, "#frameInfo", Label.class).getText() + " :: " + text.replace('\n', ' ') + " :: verdict="
                + (verdict.isVisible() ? verdict.getText().toLowerCase() : "-") + " :: grid=" + grid.getItems()
                + " :: " + message;
    }

    private static int indexOf(List<String> frames, String text) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static SQLException expectFailure(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        return fail(sql + " succeeded");
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        waitUntil(what, 10, condition);
    }

    private static void waitUntil(String what, int seconds, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
