package dev.bulwark.console.rules;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class RulesViewTest {
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

    @SuppressWarnings("unchecked")
    private TableView<RuleRow> open(FxRobot robot) {
        FxActions.fire(robot, "#navRules");
        TableView<RuleRow> table = node(robot, "#rulesTable", TableView.class);
        waitUntil("the rules show", () -> table.getItems().size() == 13);
        return table;
    }

    @Test
    void theFormAndTheJsonEditTheSameRule(FxRobot robot) {
        TableView<RuleRow> table = open(robot);
        FxActions.run(robot, () -> table.getSelectionModel().select(4));

        assertEquals("HOLD", node(robot, "#policyAction", ComboBox.class).getValue());
        assertEquals("dba", node(robot, "#policyReviewers", TextField.class).getText());
        assertTrue(node(robot, "#policyReviewers", TextField.class).isVisible(), "approval fields show for HOLD");
        FxActions.setText(robot, "#policyVerbs", "DELETE, UPDATE, MERGE");
        TextArea json = node(robot, "#ruleJson", TextArea.class);
        assertTrue(json.getText().contains("\"MERGE\""), json.getText());
        assertFalse(node(robot, "#saveRule", Button.class).isDisabled());

        FxActions.setText(robot, "#ruleJson", json.getText().replace("\"HOLD\"", "\"HOLD"));
        assertTrue(node(robot, "#ruleJsonError", Label.class).getText().startsWith("Not valid JSON at line"));
        assertTrue(node(robot, "#saveRule", Button.class).isDisabled());
        assertEquals("Fix the JSON first", node(robot, "#ruleSaveError", Label.class).getText());

        FxActions.fire(robot, "#revertRule");
        assertEquals("", node(robot, "#ruleJsonError", Label.class).getText());
        assertEquals("DELETE, UPDATE", node(robot, "#policyVerbs", TextField.class).getText());
    }

    @Test
    void aNewRuleIsValidatedAsYouTypeAndSaved(FxRobot robot) {
        open(robot);
        FxActions.fire(robot, "#newPolicyRule");
        assertTrue(node(robot, "#saveRule", Button.class).isDisabled());
        assertEquals("Give the rule an id", node(robot, "#ruleIdError", Label.class).getText());

        FxActions.setText(robot, "#ruleId", "no-drop");
        FxActions.setText(robot, "#policyName", "Nobody drops tables");
        FxActions.setText(robot, "#policyVerbs", "DROP");
        FxActions.setText(robot, "#policyTextPattern", "drop\\s+(");
        Label patternError = node(robot, "#policyTextPatternError", Label.class);
        assertTrue(patternError.getText().startsWith("Not a valid regular expression"), patternError.getText());
        assertTrue(patternError.getStyleClass().contains("field-error"));
        assertTrue(node(robot, "#saveRule", Button.class).isDisabled());
        FxActions.setText(robot, "#policyTextPattern", "");

        FxActions.fire(robot, "#saveRule");

        waitUntil("saved", () -> "Saved no-drop as version 1".equals(node(robot, "#rulesMessage", Label.class).getText()));
        assertTrue(fixture.engine().storedRules().stream().anyMatch(rule -> rule.id().equals("no-drop")
                && rule.body().path("match").path("verbs").get(0).asText().equals("DROP")));
        assertFalse(node(robot, "#ruleId", TextField.class).isEditable(), "a stored rule keeps its id");
    }

    @Test
    void theTestPaneShowsWhatWouldHappen(FxRobot robot) {
        open(robot);
        FxActions.run(robot, () -> node(robot, "#ruleTabs", TabPane.class).getSelectionModel().select(1));
        FxActions.setText(robot, "#testStatement", "SELECT email, card_number FROM customers");
        FxActions.setText(robot, "#testSubject", "alice");
        FxActions.setText(robot, "#testGroups", "analysts");

        FxActions.fire(robot, "#runTest");

        waitUntil("the verdict shows", () -> !node(robot, "#testVerdict", Label.class).getText().isEmpty());
        assertEquals("Allowed, with masking by rule analysts-rows (Analysts read and write rows)",
                node(robot, "#testVerdict", Label.class).getText());
        assertEquals("read · SELECT · tables public.customers", node(robot, "#testClassification", Label.class).getText());
        @SuppressWarnings("unchecked")
        ListView<MaskedColumn> masked = node(robot, "#testMasked", ListView.class);
        assertEquals(2, masked.getItems().size());
    }
}
