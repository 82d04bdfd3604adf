package dev.bulwark.console.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.console.app.Page;
import dev.bulwark.console.app.Theme;
import dev.bulwark.console.e2e.RealConsole;
import dev.bulwark.console.replay.FrameView;
import dev.bulwark.console.replay.ReplayViewModel;
import dev.bulwark.model.RecordingSummary;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Screenshots of each view from a real window connected to a running engine (not fake data):
 * start {@code ./bulwark demo --data DIR}, run some sessions through it, leave a held statement
 * waiting, then run this under Xvfb:
 *
 * <pre>xvfb-run -a -s "-screen 0 1440x900x24" java -cp ... dev.bulwark.console.tools.LiveScreenshots DIR docs</pre>
 *
 * It opens live sessions of its own (pgjdbc, tokens from DIR/demo.json) so the Sessions view shows
 * statements arriving, and closes them at the end.
 */
public final class LiveScreenshots {
    private LiveScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path out = Path.of(args.length > 1 ? args[1] : "docs");
        Files.createDirectories(out);
        JsonNode demo = new ObjectMapper().readTree(data.resolve("demo.json").toFile());
        Path settings = Files.createTempDirectory("bulwark-shots");
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);

        RealConsole console = onFx(() -> {
            Stage stage = new Stage();
            stage.setX(0);
            stage.setY(0);
            return new RealConsole(stage, data.resolve("bulwark.sock"), settings.resolve("console.json"), Theme.LIGHT);
        });
        waitFor("connected", () -> onFx(() -> ((Stage) console.scene().getWindow()).getTitle().contains(" @ ")));

        // Live sessions of our own, so statements arrive while the console watches.
        List<Connection> open = new ArrayList<>();
        Connection alice = connect(demo, "alice");
        open.add(alice);
        Connection ci = connect(demo, "ci-agent");
        open.add(ci);
        Connection dba = connect(demo, "dba");
        open.add(dba);
        try (Statement s = alice.createStatement()) {
            drain(s.executeQuery("SELECT id, full_name, email, card_number FROM customers WHERE city = 'Lyon' ORDER BY id LIMIT 20"));
        }
        try (Statement s = ci.createStatement()) {
            drain(s.executeQuery("SELECT status, count(*) FROM orders GROUP BY status"));
        }
        try (Statement s = dba.createStatement()) {
            dba.setAutoCommit(false);
            s.executeUpdate("UPDATE orders SET status = 'shipped' WHERE id = 17");
        }
        settle();

        String aliceSession = onFx(() -> console.console().sessions().rows().stream()
                .filter(row -> row.subjectProperty().get().equals("alice") && row.lastStatementProperty().get().contains("Lyon"))
                .findFirst().orElseThrow().id());
        onFx(() -> {
            var sessions = console.console().sessions();
            sessions.selectedProperty().set(sessions.row(aliceSession));
            return null;
        });
        shoot(console, out.resolve("console-sessions.png"));

        page(console, Page.APPROVALS);
        onFx(() -> {
            var approvals = console.console().approvals();
            TableView<?> table = (TableView<?>) console.scene().lookup("#approvalsTable");
            table.getSelectionModel().select(0);
            approvals.reasonProperty().set("checked with alice: TICKET-4411, orders archived first");
            return null;
        });
        shoot(console, out.resolve("console-approvals.png"));

        page(console, Page.RULES);
        onFx(() -> {
            var rules = console.console().rules();
            rules.selectedProperty().set(rules.rows().stream().filter(row -> row.id().equals("no-ddl")).findFirst().orElseThrow());
            var test = rules.test();
            test.statementProperty().set("DROP TABLE customers");
            test.subjectProperty().set("alice");
            test.groupsProperty().set("analysts");
            test.targetProperty().set("shop");
            test.run();
            ((TabPane) console.scene().lookup("#ruleTabs")).getSelectionModel().select(1);
            return null;
        });
        shoot(console, out.resolve("console-rules.png"));

        page(console, Page.REPLAY);
        onFx(() -> {
            ReplayViewModel replay = console.console().replay();
            replay.subjectProperty().set("alice");
            replay.textProperty().set("card_number");
            replay.search();
            return null;
        });
        waitFor("recordings listed", () -> onFx(() -> !console.console().replay().recordings().isEmpty()));
        onFx(() -> {
            ReplayViewModel replay = console.console().replay();
            // The oldest matching session: the psql one with the masked SELECT, the denied DROP and the error.
            List<RecordingSummary> found = replay.recordings();
            RecordingSummary oldest = found.stream().filter(r -> r.denied() > 0).reduce((a, b) -> b).orElse(found.get(found.size() - 1));
            ((TableView<RecordingSummary>) (TableView<?>) console.scene().lookup("#recordingsTable")).getSelectionModel().select(oldest);
            replay.open(oldest);
            return null;
        });
        waitFor("frames loaded", () -> onFx(() -> console.console().replay().frameCountProperty().get() > 0
                && !console.console().replay().loadingProperty().get()));
        onFx(() -> {
            ReplayViewModel replay = console.console().replay();
            for (int i = 0; i < replay.frameCountProperty().get(); i++) {
                replay.seek(i);
                FrameView frame = replay.currentProperty().get();
                if (frame != null && frame.result() != null && frame.statement().contains("customers")) {
                    break;
                }
            }
            return null;
        });
        shoot(console, out.resolve("console-replay.png"));

        page(console, Page.AUDIT);
        onFx(() -> {
            console.console().audit().verify();
            console.console().audit().loadActions();
            return null;
        });
        waitFor("chain verified", () -> onFx(() -> !console.console().audit().workingProperty().get()
                && console.console().audit().statusProperty().get() != dev.bulwark.console.audit.AuditViewModel.ChainStatus.CHECKING));
        shoot(console, out.resolve("console-audit.png"));

        onFx(() -> {
            console.console().main().themeProperty().set(Theme.DARK);
            return null;
        });
        page(console, Page.REPLAY);
        shoot(console, out.resolve("console-replay-dark.png"));
        page(console, Page.APPROVALS);
        shoot(console, out.resolve("console-approvals-dark.png"));

        dba.rollback();
        for (Connection connection : open) {
            connection.close();
        }
        onFx(() -> {
            console.close();
            return null;
        });
        Platform.exit();
        try (var paths = Files.walk(settings)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        System.exit(0);
    }

    private static Connection connect(JsonNode demo, String user) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", demo.path("users").path(user).asText());
        properties.setProperty("sslmode", "require");
        properties.setProperty("ApplicationName", "pgjdbc " + user);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.path("port").asInt() + "/shop", properties);
    }

    private static void drain(ResultSet rows) throws Exception {
        try (rows) {
            while (rows.next()) {
                rows.getString(1);
            }
        }
    }

    private static void page(RealConsole console, Page page) throws Exception {
        onFx(() -> {
            console.console().main().pageProperty().set(page);
            return null;
        });
        settle();
    }

    private static void waitFor(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Lets batched events, loads and layout happen (the event batcher waits 150 ms). */
    private static void settle() throws Exception {
        Thread.sleep(1000);
        onFx(() -> null);
    }

    private static void shoot(RealConsole console, Path file) throws Exception {
        settle();
        WritableImage image = onFx(() -> console.scene().snapshot(null));
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", file.toFile());
        System.out.println("wrote " + file + " (" + width + "x" + height + ")");
    }

    private static <T> T onFx(Callable<T> action) throws Exception {
        FutureTask<T> task = new FutureTask<>(action);
        Platform.runLater(task);
        return task.get(30, TimeUnit.SECONDS);
    }
}
