package dev.bulwark.console.audit;

import dev.bulwark.console.fake.DirectWorker;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.BrokenRecord;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final DirectWorker worker = new DirectWorker();
    private final AuditViewModel viewModel = new AuditViewModel(engine, ui, worker, ZoneOffset.UTC);

    @TempDir
    Path directory;

    private void connect(OperatorRole role) {
        Samples.populate(engine, NOW);
        viewModel.connected(new Operator("carol", role));
    }

    @Test
    void verifyingShowsAnIntactChain() {
        connect(OperatorRole.ADMIN);
        engine.verification(new AuditVerification(true, 12_345, null));

        viewModel.verify();

        assertEquals(AuditViewModel.ChainStatus.OK, viewModel.statusProperty().get());
        assertEquals("Chain intact: 12,345 records verified at 09:30:00", viewModel.statusTextProperty().get());
    }

    @Test
    void verifyingShowsTheFirstBrokenRecord() {
        connect(OperatorRole.ADMIN);
        engine.verification(new AuditVerification(false, 812, new BrokenRecord(811, "hash mismatch")));

        viewModel.verify();

        assertEquals(AuditViewModel.ChainStatus.BROKEN, viewModel.statusProperty().get());
        assertEquals("Chain BROKEN at record 811: hash mismatch (812 records checked)", viewModel.statusTextProperty().get());
    }

    @Test
    void operatorActionsComeFromTheExportNewestFirst() {
        connect(OperatorRole.ADMIN);

        viewModel.loadActions();

        assertEquals(4, viewModel.actions().size());
        AdminAction newest = viewModel.actions().get(0);
        assertEquals("session_kill", newest.action(), "newest in chain order comes first");
        assertEquals("henrik", newest.actor());
        assertTrue(viewModel.actions().stream().anyMatch(action -> action.action().equals("session_kill")
                && action.target().equals("s-41aa") && action.details().contains("runaway cross join")));
        assertEquals("Read 254 records, 4 operator actions", worker.progressMessages().get(worker.progressMessages().size() - 1));
        assertEquals("4 operator actions, newest first", viewModel.messageProperty().get());
    }

    @Test
    void theExportIsWrittenToAFile() throws Exception {
        connect(OperatorRole.ADMIN);
        Path file = directory.resolve("audit.jsonl");

        viewModel.exportTo(file);

        assertEquals(254, Files.readAllLines(file).size());
        assertEquals("Exported the audit trail to " + file, viewModel.messageProperty().get());
    }

    @Test
    void nonAdminsAreToldAndAskNothing() {
        connect(OperatorRole.REVIEWER);
        viewModel.verify();
        viewModel.loadActions();
        assertTrue(engine.calls().isEmpty());
        assertEquals("The audit trail is for admins; you are connected as carol (reviewer)",
                viewModel.accessMessageProperty().get());
    }

    @Test
    void linesThatAreNotAdminActionsAreSkipped() {
        assertEquals(null, AuditViewModel.parse("{\"record\":\"frame\"}"));
        assertEquals(null, AuditViewModel.parse("not json"));
        AdminAction action = AuditViewModel.parse("{\"record\":\"admin\",\"seq\":3,\"actor\":\"bob\",\"action\":\"x\"}");
        assertEquals("bob", action.actor());
        assertEquals(null, action.at());
    }
}
