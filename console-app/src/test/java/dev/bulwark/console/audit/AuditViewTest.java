package dev.bulwark.console.audit;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.BrokenRecord;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;

import static dev.bulwark.console.fake.FxActions.node;
import static dev.bulwark.console.fake.FxActions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class AuditViewTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private ConsoleFixture fixture;

    @Start
    void start(Stage stage) {
        fixture = ConsoleFixture.start(stage, new Operator("carol", OperatorRole.ADMIN), NOW);
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(fixture::close);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void verifiesTheChainAndListsOperatorActions(FxRobot robot) {
        fixture.engine().verification(new AuditVerification(false, 812, new BrokenRecord(811, "hash mismatch")));
        FxActions.fire(robot, "#navAudit");

        FxActions.fire(robot, "#auditVerify");
        Label status = node(robot, "#auditStatus", Label.class);
        waitUntil("the chain is checked", () -> status.getText().startsWith("Chain BROKEN"));
        assertEquals("Chain BROKEN at record 811: hash mismatch (812 records checked)", status.getText());
        assertTrue(status.getPseudoClassStates().stream().anyMatch(state -> state.getPseudoClassName().equals("broken")));

        FxActions.fire(robot, "#auditLoadActions");
        @SuppressWarnings("unchecked")
        TableView<AdminAction> actions = node(robot, "#auditActions", TableView.class);
        waitUntil("the actions are listed", () -> actions.getItems().size() == 4);
        assertEquals("session_kill", actions.getItems().get(0).action());
    }

    @Test
    void nonAdminsAreToldWhy(FxRobot robot) {
        fixture.engine().operator(new Operator("rita", OperatorRole.REVIEWER));
        FxActions.run(robot, () -> fixture.connection().connect(fixture.connection().target()));
        FxActions.fire(robot, "#navAudit");
        waitUntil("connected as rita", () -> node(robot, "#auditAccess", Label.class).getText().contains("rita"));
        assertTrue(node(robot, "#auditVerify", Button.class).isDisabled());
        assertTrue(node(robot, "#auditAccess", Label.class).isVisible());
    }
}
