package dev.bulwark.console.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ManagementJson;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A masking rule: {@code name, enabled, targets, applies_to{subjects, groups}, exempt{subjects,
 * groups}, schema, table, column, column_name, detectors, patterns, scope, strategy, params}.
 */
public final class MaskingRuleForm implements RuleForm {
    public static final List<String> STRATEGIES = List.of("redact", "partial", "tokenize", "null_out", "fixed");
    public static final List<String> DETECTORS = List.of("email", "payment_card", "iban", "phone", "us_ssn", "jwt", "api_key");
    public static final List<String> SCOPES = List.of("computed", "all");

    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled", true);
    private final StringProperty targets = new SimpleStringProperty(this, "targets", "");
    private final StringProperty appliesToSubjects = new SimpleStringProperty(this, "appliesToSubjects", "");
    private final StringProperty appliesToGroups = new SimpleStringProperty(this, "appliesToGroups", "");
    private final StringProperty exemptSubjects = new SimpleStringProperty(this, "exemptSubjects", "");
    private final StringProperty exemptGroups = new SimpleStringProperty(this, "exemptGroups", "");
    private final StringProperty schema = new SimpleStringProperty(this, "schema", "");
    private final StringProperty table = new SimpleStringProperty(this, "table", "");
    private final StringProperty column = new SimpleStringProperty(this, "column", "");
    private final StringProperty columnName = new SimpleStringProperty(this, "columnName", "");
    private final StringProperty detectors = new SimpleStringProperty(this, "detectors", "");
    private final StringProperty patterns = new SimpleStringProperty(this, "patterns", "");
    private final StringProperty scope = new SimpleStringProperty(this, "scope", "");
    private final StringProperty strategy = new SimpleStringProperty(this, "strategy", "redact");
    private final StringProperty params = new SimpleStringProperty(this, "params", "");

    @Override
    public void load(ObjectNode body) {
        name.set(JsonLists.text(body, "name"));
        enabled.set(body.path("enabled").asBoolean(true));
        targets.set(JsonLists.join(body.get("targets")));
        appliesToSubjects.set(JsonLists.join(body.path("applies_to").get("subjects")));
        appliesToGroups.set(JsonLists.join(body.path("applies_to").get("groups")));
        exemptSubjects.set(JsonLists.join(body.path("exempt").get("subjects")));
        exemptGroups.set(JsonLists.join(body.path("exempt").get("groups")));
        schema.set(JsonLists.text(body, "schema"));
        table.set(JsonLists.text(body, "table"));
        column.set(JsonLists.text(body, "column"));
        columnName.set(JsonLists.text(body, "column_name"));
        detectors.set(JsonLists.join(body.get("detectors")));
        patterns.set(String.join("\n", JsonLists.texts(body.get("patterns"))));
        scope.set(JsonLists.text(body, "scope"));
        strategy.set(JsonLists.text(body, "strategy"));
        JsonNode paramsNode = body.get("params");
        params.set(paramsNode == null || paramsNode.isNull() || paramsNode.isEmpty() ? "" : paramsNode.toString());
    }

    @Override
    public void apply(ObjectNode body) {
        JsonLists.putText(body, "name", name.get());
        if (!enabled.get()) {
            body.put("enabled", false);
        } else if (body.has("enabled")) {
            body.put("enabled", true);
        }
        JsonLists.putList(body, "targets", targets.get());
        ObjectNode appliesTo = JsonLists.child(body, "applies_to");
        JsonLists.putList(appliesTo, "subjects", appliesToSubjects.get());
        JsonLists.putList(appliesTo, "groups", appliesToGroups.get());
        JsonLists.putChild(body, "applies_to", appliesTo);
        ObjectNode exempt = JsonLists.child(body, "exempt");
        JsonLists.putList(exempt, "subjects", exemptSubjects.get());
        JsonLists.putList(exempt, "groups", exemptGroups.get());
        JsonLists.putChild(body, "exempt", exempt);
        JsonLists.putText(body, "schema", schema.get());
        JsonLists.putText(body, "table", table.get());
        JsonLists.putText(body, "column", column.get());
        JsonLists.putText(body, "column_name", columnName.get());
        JsonLists.putList(body, "detectors", detectors.get() == null ? "" : detectors.get().toLowerCase(Locale.ROOT));
        JsonLists.putLines(body, "patterns", patterns.get());
        JsonLists.putText(body, "scope", scope.get());
        JsonLists.putText(body, "strategy", strategy.get());
        String paramsText = params.get() == null ? "" : params.get().strip();
        if (paramsText.isEmpty()) {
            body.remove("params");
        } else {
            JsonNode parsed = parseParams(paramsText);
            if (parsed != null) {
                body.set("params", parsed);
            }
            // Unparseable params leave the body's previous params; validate() reports them.
        }
    }

    private static JsonNode parseParams(String text) {
        try {
            JsonNode node = ManagementJson.mapper().readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public Map<String, String> validate() {
        Map<String, String> errors = new LinkedHashMap<>();
        boolean hasTable = !blank(table.get());
        boolean hasColumn = !blank(column.get());
        boolean hasColumnName = !blank(columnName.get());
        boolean hasDetectors = !JsonLists.split(detectors.get()).isEmpty() || !blank(patterns.get());
        if (hasTable && !hasColumn) {
            errors.put("column", "A table rule needs the column to mask (a glob such as email or *_ssn)");
        }
        if (hasColumn && !hasTable) {
            errors.put("table", "Name the table the column belongs to (or use a column-name pattern instead)");
        }
        if (hasTable && hasColumnName) {
            errors.put("column_name", "Use either table and column, or a column-name pattern, not both");
        }
        if (!hasTable && !hasColumnName && !hasDetectors) {
            errors.putIfAbsent("table", "Say what to mask: a table and column, a column-name pattern, or detectors");
        }
        if (hasColumnName) {
            String problem = regexProblem(columnName.get());
            if (problem != null) {
                errors.put("column_name", problem);
            }
        }
        for (String detector : JsonLists.split(detectors.get())) {
            if (!DETECTORS.contains(detector.toLowerCase(Locale.ROOT))) {
                errors.put("detectors", "Unknown detector " + detector + "; known: " + String.join(", ", DETECTORS));
                break;
            }
        }
        if (patterns.get() != null) {
            for (String pattern : patterns.get().lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
                String problem = regexProblem(pattern);
                if (problem != null) {
                    errors.put("patterns", problem);
                    break;
                }
            }
        }
        String scopeText = scope.get() == null ? "" : scope.get().strip();
        if (!scopeText.isEmpty() && !SCOPES.contains(scopeText.toLowerCase(Locale.ROOT))) {
            errors.put("scope", "computed or all");
        }
        String strategyText = strategy.get() == null ? "" : strategy.get().strip();
        if (!strategyText.isEmpty() && !STRATEGIES.contains(strategyText.toLowerCase(Locale.ROOT))) {
            errors.put("strategy", "Unknown strategy; one of " + String.join(", ", STRATEGIES));
        }
        String paramsText = params.get() == null ? "" : params.get().strip();
        if (!paramsText.isEmpty() && parseParams(paramsText) == null) {
            errors.put("params", "Parameters are a JSON object, such as {\"keep_last\": 4}");
        }
        return errors;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static String regexProblem(String pattern) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            return "Not a valid regular expression: " + e.getDescription() + " near position " + e.getIndex();
        }
    }

    @Override
    public List<ObservableValue<?>> fields() {
        return List.of(name, enabled, targets, appliesToSubjects, appliesToGroups, exemptSubjects, exemptGroups, schema,
                table, column, columnName, detectors, patterns, scope, strategy, params);
    }

    @Override
    public List<String> fieldKeys() {
        return List.of("name", "targets", "applies_to", "exempt", "schema", "table", "column", "column_name", "detectors",
                "patterns", "scope", "strategy", "params");
    }

    public StringProperty nameProperty() {
        return name;
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public StringProperty targetsProperty() {
        return targets;
    }

    public StringProperty appliesToSubjectsProperty() {
        return appliesToSubjects;
    }

    public StringProperty appliesToGroupsProperty() {
        return appliesToGroups;
    }

    public StringProperty exemptSubjectsProperty() {
        return exemptSubjects;
    }

    public StringProperty exemptGroupsProperty() {
        return exemptGroups;
    }

    public StringProperty schemaProperty() {
        return schema;
    }

    public StringProperty tableProperty() {
        return table;
    }

    public StringProperty columnProperty() {
        return column;
    }

    public StringProperty columnNameProperty() {
        return columnName;
    }

    public StringProperty detectorsProperty() {
        return detectors;
    }

    public StringProperty patternsProperty() {
        return patterns;
    }

    public StringProperty scopeProperty() {
        return scope;
    }

    public StringProperty strategyProperty() {
        return strategy;
    }

    public StringProperty paramsProperty() {
        return params;
    }
}
