package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.console.fake.FakeEngine;
import dev.bulwark.console.fake.ManualUiScheduler;
import dev.bulwark.console.fake.Samples;
import dev.bulwark.model.Event;
import dev.bulwark.model.EventSnapshot;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.VerdictAction;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
    private final ManualUiScheduler ui = new ManualUiScheduler(NOW);
    private final FakeEngine engine = new FakeEngine(Clock.fixed(NOW, ZoneOffset.UTC));
    private final RulesViewModel viewModel = new RulesViewModel(engine, ui, ZoneOffset.UTC);
    private final RuleEditorViewModel editor = viewModel.editor();
    private long seq = 100;

    private void connect(OperatorRole role) {
        Samples.populate(engine, NOW);
        viewModel.connected(new Operator("carol", role));
        viewModel.snapshot(new EventSnapshot(seq, List.of(), List.of(),
                role == OperatorRole.ADMIN ? Samples.rules(NOW) : List.of()));
    }

    private RuleRow select(String id) {
        RuleRow row = viewModel.rows().stream().filter(candidate -> candidate.id().equals(id)).findFirst().orElseThrow();
        viewModel.selectedProperty().set(row);
        return row;
    }

    @Test
    void rulesAreListedForAdminsWithWhatTheyDo() {
        connect(OperatorRole.ADMIN);

        assertEquals(13, viewModel.rows().size());
        assertEquals("HOLD (dba)", select("hold-unfiltered-writes").effectProperty().get());
        assertEquals("mask email (partial)", select("customers-email").effectProperty().get());
        assertFalse(select("legacy-report-block").enabledProperty().get());
        viewModel.kindFilterProperty().set(RuleKind.MASKING);
        assertEquals(4, viewModel.visibleRows().size());
        assertEquals("", viewModel.accessMessageProperty().get());
    }

    @Test
    void otherRolesAreToldRulesAreForAdmins() {
        connect(OperatorRole.REVIEWER);
        assertTrue(viewModel.rows().isEmpty());
        assertEquals("Rules are for admins; you are connected as carol (reviewer)", viewModel.accessMessageProperty().get());
        viewModel.newRule(RuleKind.POLICY);
        editor.ruleIdProperty().set("x");
        viewModel.save();
        assertFalse(engine.calls().contains("rules.put"));
    }

    @Test
    void reconnectingAsANonAdminClearsWhatAnAdminSaw() {
        connect(OperatorRole.ADMIN);
        select("no-ddl");
        viewModel.connected(new Operator("rita", OperatorRole.VIEWER));
        assertTrue(viewModel.rows().isEmpty());
        assertNull(viewModel.selectedProperty().get());
        assertFalse(editor.editingProperty().get());
    }

    @Test
    void selectingARuleShowsItInTheFormAndAsJson() {
        connect(OperatorRole.ADMIN);
        select("hold-unfiltered-writes");

        PolicyRuleForm form = editor.policyForm();
        assertEquals(RuleKind.POLICY, editor.kindProperty().get());
        assertEquals("HOLD", form.actionProperty().get());
        assertEquals("DELETE, UPDATE", form.verbsProperty().get());
        assertEquals("without WHERE", form.missingWhereProperty().get());
        assertEquals("dba", form.reviewerGroupsProperty().get());
        assertEquals("1", form.quorumProperty().get());
        assertTrue(editor.jsonTextProperty().get().contains("\"reviewer_groups\" : [ \"dba\" ]"), editor.jsonTextProperty().get());
        assertFalse(editor.dirtyProperty().get());
        assertTrue(editor.validProperty().get());
    }

    @Test
    void editingTheFormRewritesTheJsonAndKeepsUnknownKeys() {
        connect(OperatorRole.ADMIN);
        RuleRow row = select("no-ddl");
        ObjectNode withExtra = ((ObjectNode) row.document().body()).deepCopy();
        withExtra.put("future_field", "kept");
        editor.jsonTextProperty().set(RuleEditorViewModel.pretty(withExtra));

        editor.policyForm().verbsProperty().set("drop, truncate");
        editor.policyForm().actionProperty().set("HOLD");

        ObjectNode body = editor.body();
        assertEquals("[\"DROP\",\"TRUNCATE\"]", body.path("match").path("verbs").toString());
        assertEquals("kept", body.path("future_field").asText());
        assertEquals("HOLD", body.path("action").asText());
        assertTrue(editor.dirtyProperty().get());
        assertEquals("A HOLD rule needs at least one reviewer group", editor.fieldErrors().get("approval.reviewer_groups"));
        assertFalse(editor.validProperty().get());

        editor.policyForm().reviewerGroupsProperty().set("dba, security");
        assertTrue(editor.validProperty().get());
        assertEquals("[\"dba\",\"security\"]", editor.body().path("approval").path("reviewer_groups").toString());

        editor.policyForm().actionProperty().set("DENY");
        assertFalse(editor.body().has("approval"), "approval settings only go with HOLD");
    }

    @Test
    void editingTheJsonUpdatesTheFormAndReportsParseErrors() {
        connect(OperatorRole.ADMIN);
        select("no-truncate");

        editor.jsonTextProperty().set("{\"name\": \"x\", \"action\": \"LOG\",\n  \"match\": {\"tables\": [\"public.*\"]");
        assertTrue(editor.jsonErrorProperty().get().startsWith("Not valid JSON at line 2"), editor.jsonErrorProperty().get());
        assertFalse(editor.validProperty().get());
        assertEquals("DENY", editor.policyForm().actionProperty().get(), "the form keeps the last valid state");

        editor.jsonTextProperty().set("{\"name\": \"x\", \"action\": \"LOG\", \"match\": {\"tables\": [\"public.*\"]}}");
        assertEquals("", editor.jsonErrorProperty().get());
        assertEquals("LOG", editor.policyForm().actionProperty().get());
        assertEquals("public.*", editor.policyForm().tablesProperty().get());
        assertTrue(editor.validProperty().get());

        editor.jsonTextProperty().set("[1, 2]");
        assertEquals("A rule is a JSON object: { ... }", editor.jsonErrorProperty().get());
    }

    @Test
    void validationCatchesBadPatternsKindsAndQuorums() {
        connect(OperatorRole.ADMIN);
        select("hold-unfiltered-writes");
        PolicyRuleForm form = editor.policyForm();

        form.textPatternProperty().set("delete\\s+from (");
        form.kindsProperty().set("WRITE, SHOUTING");
        form.quorumProperty().set("zero");
        form.timeoutProperty().set("soon");

        assertTrue(editor.fieldErrors().get("match.text_pattern").startsWith("Not a valid regular expression"));
        assertTrue(editor.fieldErrors().get("match.kinds").startsWith("Unknown kind SHOUTING"));
        assertEquals("The quorum is a whole number, at least 1", editor.fieldErrors().get("approval.quorum"));
        assertEquals("A duration such as 15m, 1h or 90s", editor.fieldErrors().get("approval.timeout"));
        assertFalse(editor.validProperty().get());
    }

    @Test
    void maskingRulesHaveTheirOwnForm() {
        connect(OperatorRole.ADMIN);
        select("customers-card");
        MaskingRuleForm form = editor.maskingForm();
        assertEquals("card_number", form.columnProperty().get());
        assertEquals("{\"keep_last\":4}", form.paramsProperty().get());
        assertEquals("dba", form.exemptGroupsProperty().get());

        form.tableProperty().set("");
        assertEquals("Name the table the column belongs to (or use a column-name pattern instead)",
                editor.fieldErrors().get("table"));
        form.tableProperty().set("customers");
        form.paramsProperty().set("{keep_last: 4");
        assertEquals("Parameters are a JSON object, such as {\"keep_last\": 4}", editor.fieldErrors().get("params"));
        form.paramsProperty().set("{\"keep_last\": 2}");
        form.detectorsProperty().set("email, phone");
        assertTrue(editor.validProperty().get());
        assertEquals("[\"email\",\"phone\"]", editor.body().path("detectors").toString());
        assertEquals(2, editor.body().path("params").path("keep_last").asInt());
    }

    @Test
    void aNewRuleIsSavedAsVersionOneAndSelected() {
        connect(OperatorRole.ADMIN);
        viewModel.newRule(RuleKind.POLICY);
        assertEquals("Give the rule an id", editor.idErrorProperty().get());
        editor.ruleIdProperty().set("no drop!");
        assertTrue(editor.idErrorProperty().get().startsWith("1 to 64 letters"));
        editor.ruleIdProperty().set("no-drop");
        editor.policyForm().nameProperty().set("Nobody drops tables");
        editor.policyForm().verbsProperty().set("DROP");
        assertTrue(editor.validProperty().get());

        viewModel.save();

        RuleDocument stored = engine.storedRules().stream().filter(rule -> rule.id().equals("no-drop")).findFirst().orElseThrow();
        assertEquals(1, stored.version());
        assertEquals("DENY", stored.body().path("action").asText());
        assertEquals("no-drop", viewModel.selectedProperty().get().id());
        assertEquals("Saved no-drop as version 1", viewModel.messageProperty().get());
        assertFalse(editor.newProperty().get());
        assertEquals("created", viewModel.versions().get(0).change());
    }

    @Test
    void anExistingIdIsRefusedBeforeAsking() {
        connect(OperatorRole.ADMIN);
        viewModel.newRule(RuleKind.POLICY);
        editor.ruleIdProperty().set("no-ddl");
        viewModel.save();
        assertEquals("A policy rule with id no-ddl exists already; pick another id", editor.saveErrorProperty().get());
        assertFalse(engine.calls().contains("rules.put"));
    }

    @Test
    void theEnginesRefusalIsShownInlineUnderTheFieldItNames() {
        connect(OperatorRole.ADMIN);
        select("no-ddl");
        editor.policyForm().textPatternProperty().set("(?<name>x)");

        viewModel.save();

        assertEquals("text_pattern is not a valid regular expression", editor.saveErrorProperty().get());
        assertEquals("text_pattern is not a valid regular expression", editor.fieldErrors().get("match.text_pattern"));
        assertTrue(editor.dirtyProperty().get(), "the edit is kept");
    }

    @Test
    void savingAnOutdatedVersionIsAConflict() {
        connect(OperatorRole.ADMIN);
        select("no-ddl");
        editor.policyForm().messageProperty().set("only the dba team");
        // Someone else saves meanwhile.
        engine.putRule(new RuleDocument(RuleKind.POLICY, "no-ddl", 3, "henrik", NOW,
                Samples.object("{\"action\":\"DENY\"}")));

        viewModel.save();

        assertTrue(editor.saveErrorProperty().get().startsWith("Changed meanwhile: rule no-ddl is at version 3"),
                editor.saveErrorProperty().get());
    }

    @Test
    void changesByOthersUpdateTheListAndTheHistory() {
        connect(OperatorRole.ADMIN);
        RuleRow row = select("no-truncate");
        RuleDocument next = new RuleDocument(RuleKind.POLICY, "no-truncate", 2, "henrik", NOW,
                Samples.object("{\"name\":\"Only dba may truncate\",\"match\":{\"verbs\":[\"TRUNCATE\"]},\"action\":\"HOLD\","
                        + "\"approval\":{\"reviewer_groups\":[\"dba\"]}}"));

        viewModel.events(List.of(new Event.RuleChanged(++seq, NOW, next)));

        assertEquals("v2", row.versionProperty().get());
        assertEquals("HOLD", editor.policyForm().actionProperty().get(), "an unedited editor follows");
        RuleHistory.Version latest = viewModel.versions().get(0);
        assertEquals("henrik", latest.changedBy());
        assertEquals("action: DENY → HOLD; message: only dba may truncate tables → (none); "
                + "approval: (none) → {\"reviewer_groups\":[\"dba\"]}", latest.change());
    }

    @Test
    void rulesAreEnabledAndDisabledAsNewVersions() {
        connect(OperatorRole.ADMIN);
        RuleRow row = select("legacy-report-block");

        viewModel.setEnabled(row, true);

        assertTrue(row.enabledProperty().get());
        assertEquals("v3", row.versionProperty().get());
        assertEquals("Enabled legacy-report-block (version 3)", viewModel.messageProperty().get());
    }

    @Test
    void reorderingAsksTheEngineAndSaysSoWhenItCannot() {
        connect(OperatorRole.ADMIN);
        select("no-truncate");
        viewModel.moveSelectedUp();
        List<String> policyOrder = viewModel.rows().stream().filter(r -> r.kind() == RuleKind.POLICY).map(RuleRow::id).toList();
        assertEquals(List.of("dba-anything", "unknown-deny", "no-truncate", "no-ddl"), policyOrder.subList(0, 4));
        assertEquals("no-truncate", viewModel.selectedProperty().get().id());

        engine.reorderSupported(false);
        viewModel.moveSelectedDown();
        assertEquals("Could not reorder: this engine cannot reorder rules yet", viewModel.messageProperty().get());
    }

    @Test
    void deletingRemovesTheRule() {
        connect(OperatorRole.ADMIN);
        select("legacy-report-block");
        viewModel.deleteSelected();
        assertEquals(12, viewModel.rows().size());
        assertNull(viewModel.selectedProperty().get());
        assertFalse(editor.editingProperty().get());
    }

    @Test
    void theTestPaneShowsClassificationVerdictAndMaskedColumns() {
        connect(OperatorRole.ADMIN);
        RuleTestViewModel test = viewModel.test();
        assertFalse(test.canRunBinding().get());
        test.statementProperty().set("SELECT email, card_number FROM customers");
        test.subjectProperty().set("alice");
        test.groupsProperty().set("analysts");

        test.run();

        assertEquals("read · SELECT · tables public.customers", test.classificationProperty().get());
        assertEquals(VerdictAction.MASK, test.verdictProperty().get());
        assertEquals("Allowed, with masking by rule analysts-rows (Analysts read and write rows)",
                test.verdictTextProperty().get());
        assertEquals(2, test.maskedColumns().size());

        test.targetProperty().set("nowhere");
        test.run();
        assertEquals("Test failed: Not found: no target nowhere", test.errorProperty().get());
        assertNull(test.verdictProperty().get());
    }
}
