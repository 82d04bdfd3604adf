package dev.bulwark.console.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.console.client.ConsoleClient;
import dev.bulwark.console.client.Failures;
import dev.bulwark.console.client.LiveListener;
import dev.bulwark.console.ui.Format;
import dev.bulwark.console.ui.UiScheduler;
import dev.bulwark.console.ui.Worker;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * The audit chain: verify it (ok, or the first broken record), list the operators' actions (rule
 * changes, approvals, kills) found in the audit export, and save the export to a file. Admins only.
 */
public final class AuditViewModel implements LiveListener {
    /** Admin actions kept for display; the newest win. */
    static final int MAX_ACTIONS = 5_000;
    private static final ObjectMapper JSON = ManagementJson.mapper();

    public enum ChainStatus { UNKNOWN, CHECKING, OK, BROKEN, FAILED }

    private final ConsoleClient client;
    private final UiScheduler ui;
    private final Worker worker;
    private final ZoneId zone;
    private final ReadOnlyBooleanWrapper admin = new ReadOnlyBooleanWrapper(this, "admin");
    private final ReadOnlyStringWrapper accessMessage = new ReadOnlyStringWrapper(this, "accessMessage", "Not connected");
    private final ReadOnlyObjectWrapper<ChainStatus> status = new ReadOnlyObjectWrapper<>(this, "status", ChainStatus.UNKNOWN);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText",
            "The chain has not been verified in this session");
    private final ObservableList<AdminAction> actions = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper working = new ReadOnlyBooleanWrapper(this, "working");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private Worker.Job job = Worker.Job.DONE;

    public AuditViewModel(ConsoleClient client, UiScheduler ui, Worker worker, ZoneId zone) {
        this.client = requireNonNull(client, "client is null");
        this.ui = requireNonNull(ui, "ui is null");
        this.worker = requireNonNull(worker, "worker is null");
        this.zone = requireNonNull(zone, "zone is null");
    }

    @Override
    public void connected(Operator operator) {
        boolean isAdmin = operator.role().includes(OperatorRole.ADMIN);
        admin.set(isAdmin);
        accessMessage.set(isAdmin ? "" : "The audit trail is for admins; you are connected as " + operator.name()
                + " (" + Format.words(operator.role()) + ")");
    }

    public void verify() {
        if (!admin.get() || status.get() == ChainStatus.CHECKING) {
            return;
        }
        status.set(ChainStatus.CHECKING);
        statusText.set("Verifying the chain…");
        client.verifyAudit().whenComplete((verification, failure) -> ui.execute(() -> {
            if (failure != null) {
                status.set(ChainStatus.FAILED);
                statusText.set("Could not verify: " + Failures.message(failure));
            } else {
                show(verification);
            }
        }));
    }

    private void show(AuditVerification verification) {
        if (verification.ok()) {
            status.set(ChainStatus.OK);
            statusText.set("Chain intact: " + Format.count(verification.recordsChecked()) + " records verified at "
                    + Format.time(ui.now(), zone));
        } else {
            status.set(ChainStatus.BROKEN);
            statusText.set("Chain BROKEN at record " + verification.firstBroken().sequence() + ": "
                    + verification.firstBroken().reason() + " (" + Format.count(verification.recordsChecked())
                    + " records checked)");
        }
    }

    /** Reads the whole audit export and keeps the operators' actions (the protocol has no narrower request). */
    public void loadActions() {
        if (!admin.get() || working.get()) {
            return;
        }
        start("Reading the audit trail…", context -> {
            Deque<AdminAction> found = new ArrayDeque<>();
            AtomicLong seen = new AtomicLong();
            stream(context, lines -> {
                synchronized (found) {
                    for (String line : lines) {
                        seen.incrementAndGet();
                        AdminAction action = parse(line);
                        if (action != null) {
                            found.addFirst(action);
                            if (found.size() > MAX_ACTIONS) {
                                found.removeLast();
                            }
                        }
                    }
                }
                context.progress(seen.get(), -1, "Read " + Format.count(seen.get()) + " records, "
                        + Format.count(found.size()) + " operator actions");
            });
            synchronized (found) {
                return new ArrayList<>(found);
            }
        }, loaded -> {
            actions.setAll(loaded);
            message.set(loaded.isEmpty() ? "No operator actions in the audit trail"
                    : Format.count(loaded.size()) + " operator actions, newest first");
        });
    }

    /** Saves the whole audit export as JSON lines. */
    public void exportTo(Path file) {
        if (!admin.get() || working.get()) {
            return;
        }
        start("Exporting to " + file + "…", context -> {
            AtomicLong written = new AtomicLong();
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                stream(context, lines -> {
                    try {
                        for (String line : lines) {
                            out.write(line);
                            out.write('\n');
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    written.addAndGet(lines.size());
                    context.progress(written.get(), -1, "Wrote " + Format.count(written.get()) + " records");
                });
            }
            return List.<AdminAction>of();
        }, done -> message.set("Exported the audit trail to " + file));
    }

    private void start(String text, Worker.Work<List<AdminAction>> work, java.util.function.Consumer<List<AdminAction>> done) {
        working.set(true);
        progress.set(-1);
        progressText.set(text);
        message.set("");
        job = worker.start(work, (fraction, progressMessage) -> {
            progress.set(fraction < 0 || Double.isNaN(fraction) ? -1 : fraction);
            progressText.set(progressMessage == null ? "" : progressMessage);
        }, result -> {
            working.set(false);
            progressText.set("");
            done.accept(result);
        }, failure -> {
            working.set(false);
            progressText.set("");
            message.set(failure instanceof CancellationException ? "Cancelled" : "Failed: " + Failures.message(failure));
        });
    }

    /** Streams the export into {@code sink} on the worker, until done or cancelled. */
    private void stream(Worker.Context context, java.util.function.Consumer<List<String>> sink) throws Exception {
        CompletableFuture<Long> done = client.exportAudit(lines -> {
            // The protocol cannot stop an export; after a cancel the rest is read and dropped.
            if (!context.isCancelled()) {
                sink.accept(lines);
            }
        });
        while (true) {
            if (context.isCancelled()) {
                throw new CancellationException("cancelled");
            }
            try {
                done.get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException stillRunning) {
                // Check for a cancel, then wait again.
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    static AdminAction parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return AdminAction.fromLine(node);
        } catch (IOException e) {
            return null;
        }
    }

    public void cancel() {
        job.cancel();
    }

    public ReadOnlyBooleanProperty adminProperty() {
        return admin.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty accessMessageProperty() {
        return accessMessage.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChainStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    public ObservableList<AdminAction> actions() {
        return actions;
    }

    public ReadOnlyBooleanProperty workingProperty() {
        return working.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ZoneId zone() {
        return zone;
    }
}
