package dev.bulwark.console.approvals;

import dev.bulwark.console.fake.ConsoleFixture;
import dev.bulwark.console.fake.FxActions;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import dev.bulwark.console.ui.SqlText;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;
import java.util.List;

import static dev.bulwark.console.fake.FxActions.node;
import static dev.bulwark.console.fake.FxActions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ApprovalsViewTest {
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
    private static ListView<List<SqlText.StyledRun>> sqlView(FxRobot robot) {
        return node(robot, "#approvalSql", ListView.class);
    }

    @SuppressWarnings("unchecked")
    private TableView<ApprovalRow> queue(FxRobot robot) {
        return node(robot, "#approvalsTable", TableView.class);
    }

    @Test
    void aHeldStatementIsShownHighlightedAndApprovedFromTheKeyboard(FxRobot robot) {
        FxActions.fire(robot, "#navApprovals");
        TableView<ApprovalRow> queue = queue(robot);
        waitUntil("the queue shows", () -> queue.getItems().size() == 2);
        ListView<List<SqlText.StyledRun>> sql = sqlView(robot);
        waitUntil("the first request is shown", () -> !sql.getItems().isEmpty());
        List<SqlText.StyledRun> runs = sql.getItems().stream().flatMap(List::stream).toList();
        assertTrue(runs.stream().anyMatch(run -> run.text().equals("UPDATE") && run.styleClass().equals("sql-keyword")));
        assertTrue(runs.stream().anyMatch(run -> run.text().equals("-- quarter-end cleanup, TICKET-4411")
                && run.styleClass().equals("sql-comment")));
        assertTrue(robot.lookup("#approvalSql .sql-keyword").tryQuery().isPresent(), "the visible lines are drawn");
        assertTrue(node(robot, "#denyButton", Button.class).isDisabled());
        assertEquals("Type a reason to deny. Approve with Ctrl+Enter.", node(robot, "#approvalBlocked", Label.class).getText());
        assertEquals("Approve (Ctrl+Enter)", node(robot, "#approveButton", Button.class).getTooltip().getText());

        robot.clickOn("#reasonField").write("ok");
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);

        waitUntil("the request is decided", () -> queue.getItems().size() == 1);
        assertEquals(ApprovalState.APPROVED, fixture.engine().approval("a-1042").state());
        assertEquals("ok", fixture.engine().approval("a-1042").decisions().get(0).reason());
        @SuppressWarnings("unchecked")
        TableView<ApprovalRow> history = node(robot, "#approvalHistory", TableView.class);
        assertEquals("a-1042", history.getItems().get(0).id());
        assertEquals("1", node(robot, "#approvalsBadge", Label.class).getText());
    }

    @Test
    void aNewRequestRaisesTheBadgeAndANotification(FxRobot robot) {
        waitUntil("connected", () -> "2".equals(node(robot, "#approvalsBadge", Label.class).getText()));
        fixture.engine().requestApproval(new ApprovalSummary("a-2001", "s-7f3a", "alice", "orders", "bulwark_rw",
                "hold-unfiltered-writes", "DELETE FROM orders", "sha256:1", NOW, 0, 1, ApprovalState.PENDING, List.of()));

        waitUntil("the badge counts it", () -> "3".equals(node(robot, "#approvalsBadge", Label.class).getText()));
        assertEquals(List.of("Approval requested"), fixture.notifications());
    }

    @Test
    void aReviewerCannotApproveTheirOwnRequest(FxRobot robot) {
        fixture.engine().operator(new Operator("bob", OperatorRole.REVIEWER));
        FxActions.run(robot, () -> fixture.connection().connect(fixture.connection().target()));
        FxActions.fire(robot, "#navApprovals");
        TableView<ApprovalRow> queue = queue(robot);
        waitUntil("the queue shows", () -> queue.getItems().size() == 2);
        FxActions.run(robot, () -> queue.getSelectionModel().select(0));
        FxActions.setText(robot, "#reasonField", "mine");

        assertTrue(node(robot, "#approveButton", Button.class).isDisabled());
        assertTrue(node(robot, "#denyButton", Button.class).isDisabled());
        assertEquals("You cannot decide your own request (bob asked for it).",
                node(robot, "#approvalBlocked", Label.class).getText());
        FxActions.run(robot, () -> queue.getSelectionModel().select(1));
        assertFalse(node(robot, "#approveButton", Button.class).isDisabled(), "dana's request bob may approve");
    }

    /** 100 KiB, a comment first, an UPDATE last, terminal controls, bidi and invisible characters throughout. */
    static String hostileStatement() {
        StringBuilder sql = new StringBuilder("/* read-only report, no changes */ SELECT 1;\n-- parameters: $1 = 'harmless'\n");
        while (sql.length() < 100 * 1024) {
            sql.append("SELECT 'a\u202eb\u200bc\u2066d\u2069\u001b[2K\u001b[1A\ufeff' AS pad").append(sql.length()).append(";\n");
        }
        return sql.append("UPDATE accounts SET balance = 0 WHERE owner = $1;").toString();
    }

    @Test
    void aHostileStatementIsShownWholeWithEveryEscapeStyledAndItsBindValuesApart(FxRobot robot) {
        String statement = hostileStatement();
        List<String> values = java.util.Arrays.asList("ann\u202e\u200b'\n-- parameters: $2 = 'x'", null, "NULL");
        fixture.engine().requestApproval(new ApprovalSummary("a-2001", "s-7f3a", "alice", "orders", "bulwark_rw",
                "hold-unfiltered-writes", statement, "sha256:1", NOW, 0, 1, ApprovalState.PENDING, List.of(), values,
                new dev.bulwark.model.Classification("WRITE", List.of("SELECT", "UPDATE"), List.of("accounts"))));
        FxActions.fire(robot, "#navApprovals");
        TableView<ApprovalRow> queue = queue(robot);
        waitUntil("the queue shows it", () -> queue.getItems().size() == 3);
        FxActions.run(robot, () -> queue.getSelectionModel().select(queue.getItems().stream()
                .filter(row -> row.id().equals("a-2001")).findFirst().orElseThrow()));
        ListView<List<SqlText.StyledRun>> sql = sqlView(robot);
        waitUntil("it is shown", () -> sql.getItems().size() > 100);

        assertEquals(dev.bulwark.model.SafeText.block(statement), SqlText.shownText(sql), "the whole text, nothing elided");
        for (SqlText.StyledRun run : sql.getItems().stream().flatMap(List::stream).toList()) {
            String text = run.text();
            text.codePoints().forEach(c -> assertFalse(c != '\t' && c != dev.bulwark.model.SafeText.OPEN
                    && dev.bulwark.model.SafeText.needsEscape(c, dev.bulwark.model.SafeText.Layout.BLOCK),
                    String.format("raw U+%04X shown", c)));
            assertEquals(text.indexOf(dev.bulwark.model.SafeText.OPEN) >= 0, run.styleClass().equals("sql-escape"),
                    "escapes, and only they, in the escape style: " + text);
        }
        FxActions.run(robot, () -> sql.scrollTo(sql.getItems().size() - 1));
        assertTrue(robot.lookup("#approvalSql .sql-escape").tryQuery().isPresent(), "escapes drawn in their style");
        assertEquals("Does SELECT, UPDATE on accounts · kind WRITE", node(robot, "#approvalClassification", Label.class).getText());
        assertTrue(node(robot, "#approvalTextWarning", Label.class).isVisible());
        assertTrue(queue.getItems().stream().filter(row -> row.id().equals("a-2001")).findFirst().orElseThrow()
                .statementProperty().get().startsWith("SELECT, UPDATE on accounts · "), "what it does before its text");

        // Bind values in their own rows, each quoted and escaped on one line: none can pass for statement text.
        assertEquals("Bind values (3)", node(robot, "#approvalParametersTitle", Label.class).getText());
        for (int i = 0; i < values.size(); i++) {
            TextFlow value = node(robot, "#approvalParameter" + (i + 1), TextFlow.class);
            assertEquals(dev.bulwark.model.SafeText.value(values.get(i)),
                    String.join("", value.getChildren().stream().map(node -> ((Text) node).getText()).toList()));
        }
    }
}
