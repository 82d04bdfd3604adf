package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A policy rule (blocking, approval and allow rules): {@code name, enabled, action, message,
 * match{targets, subjects, groups, kinds, verbs, tables, missing_where, text_pattern},
 * approval{reviewer_groups, quorum, timeout, mode}} for HOLD.
 */
public final class PolicyRuleForm implements RuleForm {
    public static final List<String> ACTIONS = List.of("ALLOW", "DENY", "HOLD", "LOG");
    public static final List<String> KINDS = List.of("READ", "WRITE", "DDL", "DCL", "TRANSACTION", "SESSION", "UTILITY", "UNKNOWN");
    public static final List<String> MODES = List.of("WAIT", "RETRY");
    /** The missing_where choice: either (absent), only without a WHERE (true), only with one (false). */
    public static final List<String> MISSING_WHERE = List.of("either", "without WHERE", "with WHERE");

    private static final Pattern VERB = Pattern.compile("[A-Za-z_]+");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.*?\"$]+");
    private static final Pattern TIMEOUT = Pattern.compile("(\\d+(ms|s|m|h|d))+|P(T)?[0-9A-Za-z.]+");
    private static final Set<String> KIND_SET = Set.copyOf(KINDS);

    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled", true);
    private final StringProperty action = new SimpleStringProperty(this, "action", "DENY");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty targets = new SimpleStringProperty(this, "targets", "");
    private final StringProperty subjects = new SimpleStringProperty(this, "subjects", "");
    private final StringProperty groups = new SimpleStringProperty(this, "groups", "");
    private final StringProperty kinds = new SimpleStringProperty(this, "kinds", "");
    private final StringProperty verbs = new SimpleStringProperty(this, "verbs", "");
    private final StringProperty tables = new SimpleStringProperty(this, "tables", "");
    private final StringProperty missingWhere = new SimpleStringProperty(this, "missingWhere", MISSING_WHERE.get(0));
    private final StringProperty textPattern = new SimpleStringProperty(this, "textPattern", "");
    private final StringProperty reviewerGroups = new SimpleStringProperty(this, "reviewerGroups", "");
    private final StringProperty quorum = new SimpleStringProperty(this, "quorum", "");
    private final StringProperty timeout = new SimpleStringProperty(this, "timeout", "");
    private final StringProperty mode = new SimpleStringProperty(this, "mode", "");

    @Override
    public void load(ObjectNode body) {
        name.set(JsonLists.text(body, "name"));
        enabled.set(body.path("enabled").asBoolean(true));
        action.set(JsonLists.text(body, "action").toUpperCase(Locale.ROOT));
        message.set(JsonLists.text(body, "message"));
        JsonNode match = body.path("match");
        targets.set(JsonLists.join(match.get("targets")));
        subjects.set(JsonLists.join(match.get("subjects")));
        groups.set(JsonLists.join(match.get("groups")));
        kinds.set(JsonLists.join(match.get("kinds")));
        verbs.set(JsonLists.join(match.get("verbs")));
        tables.set(JsonLists.join(match.get("tables")));
        JsonNode missing = match.get("missing_where");
        missingWhere.set(missing == null || missing.isNull() ? MISSING_WHERE.get(0)
                : missing.asBoolean() ? MISSING_WHERE.get(1) : MISSING_WHERE.get(2));
        textPattern.set(match.path("text_pattern").asText(""));
        JsonNode approval = body.path("approval");
        reviewerGroups.set(JsonLists.join(approval.get("reviewer_groups")));
        quorum.set(approval.has("quorum") ? approval.get("quorum").asText() : "");
        timeout.set(approval.path("timeout").asText(""));
        mode.set(approval.path("mode").asText("").toUpperCase(Locale.ROOT));
    }

    @Override
    public void apply(ObjectNode body) {
        JsonLists.putText(body, "name", name.get());
        if (enabled.get()) {
            // Enabled is the default: only write it when the body said so already.
            if (body.has("enabled")) {
                body.put("enabled", true);
            }
        } else {
            body.put("enabled", false);
        }
        JsonLists.putText(body, "action", action.get());
        JsonLists.putText(body, "message", message.get());
        ObjectNode match = JsonLists.child(body, "match");
        JsonLists.putList(match, "targets", targets.get());
        JsonLists.putList(match, "subjects", subjects.get());
        JsonLists.putList(match, "groups", groups.get());
        JsonLists.putList(match, "kinds", upper(kinds.get()));
        JsonLists.putList(match, "verbs", upper(verbs.get()));
        JsonLists.putList(match, "tables", tables.get());
        int missing = MISSING_WHERE.indexOf(missingWhere.get());
        if (missing <= 0) {
            match.remove("missing_where");
        } else {
            match.put("missing_where", missing == 1);
        }
        JsonLists.putText(match, "text_pattern", textPattern.get());
        JsonLists.putChild(body, "match", match);
        if ("HOLD".equalsIgnoreCase(action.get())) {
            ObjectNode approval = JsonLists.child(body, "approval");
            JsonLists.putList(approval, "reviewer_groups", reviewerGroups.get());
            String quorumText = quorum.get() == null ? "" : quorum.get().strip();
            if (quorumText.isEmpty()) {
                approval.remove("quorum");
            } else if (quorumText.matches("\\d{1,6}")) {
                approval.put("quorum", Integer.parseInt(quorumText));
            } else {
                approval.put("quorum", quorumText);
            }
            JsonLists.putText(approval, "timeout", timeout.get());
            JsonLists.putText(approval, "mode", mode.get());
            JsonLists.putChild(body, "approval", approval);
        } else {
            // The policy refuses approval settings on anything but HOLD.
            body.remove("approval");
        }
    }

    @Override
    public Map<String, String> validate() {
        Map<String, String> errors = new LinkedHashMap<>();
        String actionValue = action.get() == null ? "" : action.get().strip().toUpperCase(Locale.ROOT);
        if (actionValue.isEmpty()) {
            errors.put("action", "Choose what the rule does");
        } else if (!ACTIONS.contains(actionValue)) {
            errors.put("action", "Unknown action " + actionValue + "; one of " + String.join(", ", ACTIONS));
        }
        for (String kind : JsonLists.split(kinds.get())) {
            if (!KIND_SET.contains(kind.toUpperCase(Locale.ROOT))) {
                errors.put("match.kinds", "Unknown kind " + kind + "; known: " + String.join(", ", KINDS));
                break;
            }
        }
        for (String verb : JsonLists.split(verbs.get())) {
            if (!VERB.matcher(verb).matches()) {
                errors.put("match.verbs", "A verb is a word such as DELETE or COPY_FROM, not \"" + verb + "\"");
                break;
            }
        }
        for (String table : JsonLists.split(tables.get())) {
            if (!TABLE.matcher(table).matches()) {
                errors.put("match.tables", "A table pattern is schema.table with * and ? wildcards, not \"" + table + "\"");
                break;
            }
        }
        String pattern = textPattern.get();
        if (pattern != null && !pattern.isBlank()) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                errors.put("match.text_pattern", "Not a valid regular expression: " + e.getDescription()
                        + " near position " + e.getIndex());
            }
        }
        if ("HOLD".equals(actionValue)) {
            if (JsonLists.split(reviewerGroups.get()).isEmpty()) {
                errors.put("approval.reviewer_groups", "A HOLD rule needs at least one reviewer group");
            }
            String quorumText = quorum.get() == null ? "" : quorum.get().strip();
            if (!quorumText.isEmpty() && !(quorumText.matches("\\d{1,6}") && Integer.parseInt(quorumText) >= 1)) {
                errors.put("approval.quorum", "The quorum is a whole number, at least 1");
            }
            String timeoutText = timeout.get() == null ? "" : timeout.get().strip();
            if (!timeoutText.isEmpty() && !TIMEOUT.matcher(timeoutText).matches()) {
                errors.put("approval.timeout", "A duration such as 15m, 1h or 90s");
            }
            String modeText = mode.get() == null ? "" : mode.get().strip().toUpperCase(Locale.ROOT);
            if (!modeText.isEmpty() && !MODES.contains(modeText)) {
                errors.put("approval.mode", "WAIT (the client waits) or RETRY (the client retries after approval)");
            }
        }
        return errors;
    }

    private static String upper(String text) {
        return text == null ? "" : text.toUpperCase(Locale.ROOT);
    }

    @Override
    public List<ObservableValue<?>> fields() {
        return List.of(name, enabled, action, message, targets, subjects, groups, kinds, verbs, tables, missingWhere,
                textPattern, reviewerGroups, quorum, timeout, mode);
    }

    @Override
    public List<String> fieldKeys() {
        return List.of("name", "action", "message", "match.targets", "match.subjects", "match.groups", "match.kinds",
                "match.verbs", "match.tables", "match.missing_where", "match.text_pattern", "approval.reviewer_groups",
                "approval.quorum", "approval.timeout", "approval.mode");
    }

    public StringProperty nameProperty() {
        return name;
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public StringProperty actionProperty() {
        return action;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty targetsProperty() {
        return targets;
    }

    public StringProperty subjectsProperty() {
        return subjects;
    }

    public StringProperty groupsProperty() {
        return groups;
    }

    public StringProperty kindsProperty() {
        return kinds;
    }

    public StringProperty verbsProperty() {
        return verbs;
    }

    public StringProperty tablesProperty() {
        return tables;
    }

    public StringProperty missingWhereProperty() {
        return missingWhere;
    }

    public StringProperty textPatternProperty() {
        return textPattern;
    }

    public StringProperty reviewerGroupsProperty() {
        return reviewerGroups;
    }

    public StringProperty quorumProperty() {
        return quorum;
    }

    public StringProperty timeoutProperty() {
        return timeout;
    }

    public StringProperty modeProperty() {
        return mode;
    }
}
