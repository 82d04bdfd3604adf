package dev.bulwark.console.tools;

import dev.bulwark.console.app.Page;
import dev.bulwark.console.app.Theme;
import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.replay.ReplayViewModel;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RuleKind;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Takes a screenshot of each view, filled with the fake engine's sample data, from a real window:
 * run it under Xvfb (see console-app/README or the report) or on a desktop. With
 * {@code --interactive} it leaves the window open to play with instead.
 *
 * <pre>java -cp ... dev.bulwark.console.tools.Screenshots target/fake-screenshots [--interactive]</pre>
 */
public final class Screenshots {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");

    private Screenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "console-app/target/fake-screenshots");
        boolean interactive = args.length > 1 && args[1].equals("--interactive");
        Files.createDirectories(out);
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);

        ConsoleFixture light = onFx(() -> {
            Stage stage = new Stage();
            stage.setX(0);
            stage.setY(0);
            return ConsoleFixture.start(stage, new Operator("carol", OperatorRole.ADMIN), NOW, Theme.LIGHT);
        });
        settle();
        onFx(() -> {
            light.sendLastStatements();
            return null;
        });
        settle();
        if (interactive) {
            System.out.println("The console is open with sample data; close the window to quit.");
            onFx(() -> {
                ((Stage) light.scene().getWindow()).setOnHidden(event -> Platform.exit());
                return null;
            });
            return;
        }

        onFx(() -> {
            light.console().sessions().selectedProperty().set(light.console().sessions().row("s-7f3a"));
            return null;
        });
        shoot(light, out.resolve("console-sessions.png"));

        page(light, Page.APPROVALS);
        onFx(() -> {
            light.console().approvals().reasonProperty().set("checked TICKET-4411 with bob");
            return null;
        });
        shoot(light, out.resolve("console-approvals.png"));

        page(light, Page.RULES);
        onFx(() -> {
            var rules = light.console().rules();
            rules.selectedProperty().set(rules.rows().stream().filter(row -> row.id().equals("hold-unfiltered-writes"))
                    .findFirst().orElseThrow());
            return null;
        });
        shoot(light, out.resolve("console-rules.png"));
        onFx(() -> {
            var rules = light.console().rules();
            rules.selectedProperty().set(rules.rows().stream().filter(row -> row.kind() == RuleKind.MASKING).findFirst()
                    .orElseThrow());
            var test = rules.test();
            test.statementProperty().set("SELECT id, full_name, email, card_number\n  FROM customers\n WHERE city = 'Lyon';");
            test.subjectProperty().set("alice");
            test.groupsProperty().set("analysts");
            test.targetProperty().set("orders");
            test.run();
            ((TabPane) light.scene().lookup("#ruleTabs")).getSelectionModel().select(1);
            return null;
        });
        shoot(light, out.resolve("console-rules-test.png"));

        page(light, Page.REPLAY);
        onFx(() -> {
            ReplayViewModel replay = light.console().replay();
            replay.search();
            return null;
        });
        settle();
        onFx(() -> {
            ReplayViewModel replay = light.console().replay();
            ((TableView<?>) light.scene().lookup("#recordingsTable")).getSelectionModel().select(0);
            replay.open(replay.recordings().get(0));
            return null;
        });
        settle();
        onFx(() -> {
            light.console().replay().seek(2);
            return null;
        });
        shoot(light, out.resolve("console-replay.png"));

        page(light, Page.AUDIT);
        onFx(() -> {
            light.console().audit().verify();
            light.console().audit().loadActions();
            return null;
        });
        settle();
        shoot(light, out.resolve("console-audit.png"));

        onFx(() -> {
            light.console().main().themeProperty().set(Theme.DARK);
            light.console().main().pageProperty().set(Page.APPROVALS);
            return null;
        });
        shoot(light, out.resolve("console-approvals-dark.png"));
        page(light, Page.REPLAY);
        shoot(light, out.resolve("console-replay-dark.png"));

        onFx(() -> {
            light.close();
            return null;
        });
        Platform.exit();
    }

    private static void page(ConsoleFixture fixture, Page page) throws Exception {
        onFx(() -> {
            fixture.console().main().pageProperty().set(page);
            return null;
        });
        settle();
    }

    /** Lets batched events, loads and layout happen (the event batcher waits 150 ms). */
    private static void settle() throws Exception {
        Thread.sleep(700);
        onFx(() -> null);
    }

    private static void shoot(ConsoleFixture fixture, Path file) throws Exception {
        settle();
        WritableImage image = onFx(() -> {
            Scene scene = fixture.scene();
            return scene.snapshot(null);
        });
        write(image, file);
        System.out.println("wrote " + file + " (" + (int) image.getWidth() + "x" + (int) image.getHeight() + ")");
    }

    private static void write(WritableImage image, Path file) throws IOException {
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
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> action) throws Exception {
        FutureTask<T> task = new FutureTask<>(action);
        Platform.runLater(task);
        return task.get(30, TimeUnit.SECONDS);
    }
}
