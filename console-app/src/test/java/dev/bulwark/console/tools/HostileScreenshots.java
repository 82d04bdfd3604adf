package dev.bulwark.console.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.console.app.Page;
import dev.bulwark.console.app.Theme;
import dev.bulwark.console.approvals.ApprovalRow;
import dev.bulwark.console.e2e.RealConsole;
import javafx.application.Platform;
import javafx.scene.control.ScrollPane;
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
import java.sql.PreparedStatement;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Issue 24 classes 2 and 3, seen in a real window: alice sends a held statement of 100 KiB whose
 * text and bind values carry bidi overrides, zero-width characters and terminal controls, a leading
 * comment that claims it changes nothing and a fake "-- parameters:" line; the console's held
 * statement view is shot at its start and scrolled to its end. The statement stays held until
 * {@code OUT/release} exists (so {@code bulwark ctl approvals show} can be shot meanwhile; its id is
 * in {@code OUT/held-id.txt}), then alice's connection closes and the request is withdrawn.
 *
 * <pre>xvfb-run -a -s "-screen 0 1440x900x24" java -cp ... dev.bulwark.console.tools.HostileScreenshots DIR docs</pre>
 */
public final class HostileScreenshots {
    private HostileScreenshots() {}

    /** Bidi overrides and isolates, zero-width and invisible characters, terminal controls. */
    static final String HOSTILE = "\u202e\u2066\u200b\u200d\ufeff\u00ad\u2028\u001b[2K\u001b[1A";

    public static String statement() {
        StringBuilder sql = new StringBuilder("/* read-only report, no changes */\n-- parameters: $1 = 'archived'\n"
                + "/* monthly totals:\n");
        int n = 0;
        // 100 KiB as sent (UTF-8), under the engine's approvals.max_statement_chars (100,000 characters).
        while (sql.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 100 * 1024) {
            for (int i = 0; i < 100; i++) {
                sql.append("   monthly total ").append(n++).append(": ok").append(n % 2 == 0 ? HOSTILE : "").append("\n");
            }
        }
        sql.append("*/\nUPDATE orders SET status = ? || ? /* \u202e no rows */");
        return sql.toString();
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path out = Path.of(args.length > 1 ? args[1] : "docs");
        Files.createDirectories(out);
        JsonNode demo = new ObjectMapper().readTree(data.resolve("demo.json").toFile());
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", demo.path("users").path("alice").asText());
        properties.setProperty("sslmode", "require");
        properties.setProperty("ApplicationName", "report\u202e\u200b");
        Connection alice = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.path("port").asInt() + "/shop",
                properties);
        String sql = statement();
        System.out.printf("statement: %d characters, %d bytes in UTF-8%n", sql.length(),
                sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        Thread held = Thread.ofPlatform().start(() -> {
            try (PreparedStatement statement = alice.prepareStatement(sql)) {
                // pgjdbc numbers its ? placeholders $1, $2 in the order they appear.
                statement.setString(1, "\u2066total\u2069 \u001b[31mok\u001b[0m");
                statement.setString(2, "shipped\u202e\u200b\n-- parameters: $1 = 'archived'");
                statement.executeUpdate();
            } catch (Exception e) {
                System.out.println("alice's statement ended: " + e.getMessage());
            }
        });

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
        onFx(() -> {
            console.console().main().pageProperty().set(Page.APPROVALS);
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        ApprovalRow row = null;
        while (row == null && System.nanoTime() < deadline) {
            Thread.sleep(200);
            row = onFx(() -> console.console().approvals().pending().stream()
                    .filter(r -> r.summary().statement().startsWith("/* read-only report")).findFirst().orElse(null));
        }
        if (row == null) {
            throw new IllegalStateException("the statement was not held");
        }
        ApprovalRow selected = row;
        Files.writeString(out.resolve("held-id.txt"), selected.id() + "\n");
        long before = System.nanoTime();
        onFx(() -> {
            ((TableView<ApprovalRow>) (TableView<?>) console.scene().lookup("#approvalsTable")).getSelectionModel().select(selected);
            return null;
        });
        onFx(() -> {
            console.scene().getRoot().applyCss();
            console.scene().getRoot().layout();
            return null;
        });
        System.out.printf("selecting the 100 KiB statement and laying it out took %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
        shoot(console, out.resolve("console-approvals-hostile.png"));
        onFx(() -> {
            javafx.scene.control.ListView<?> lines = (javafx.scene.control.ListView<?>) console.scene().lookup("#approvalSql");
            lines.scrollTo(lines.getItems().size() - 1);
            return null;
        });
        shoot(console, out.resolve("console-approvals-hostile-end.png"));

        System.out.println("held " + selected.id() + "; waiting for " + out.resolve("release"));
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(out.resolve("release")) && System.nanoTime() < deadline) {
            Thread.sleep(300);
        }
        Files.deleteIfExists(out.resolve("release"));
        Files.deleteIfExists(out.resolve("held-id.txt"));
        alice.abort(Runnable::run);
        held.join(10_000);
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

    private static void shoot(RealConsole console, Path file) throws Exception {
        Thread.sleep(1200);
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
        return task.get(60, TimeUnit.SECONDS);
    }
}
