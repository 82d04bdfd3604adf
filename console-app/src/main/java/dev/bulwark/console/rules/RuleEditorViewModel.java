package dev.bulwark.console.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ManagementJson;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule being edited, as a structured form and as JSON text at once: a change in either shows in
 * the other, and both are validated as the user types. The JSON body is the source of truth; the
 * form edits the keys it knows and leaves the others alone. Runs on the UI thread.
 */
public final class RuleEditorViewModel {
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    private static final ObjectWriter PRETTY = ManagementJson.newMapper().writerWithDefaultPrettyPrinter();

    private final PolicyRuleForm policyForm = new PolicyRuleForm();
    private final MaskingRuleForm maskingForm = new MaskingRuleForm();
    private final ReadOnlyObjectWrapper<RuleKind> kind = new ReadOnlyObjectWrapper<>(this, "kind", RuleKind.POLICY);
    private final ReadOnlyBooleanWrapper isNew = new ReadOnlyBooleanWrapper(this, "new", true);
    private final ReadOnlyBooleanWrapper editing = new ReadOnlyBooleanWrapper(this, "editing");
    private final StringProperty ruleId = new SimpleStringProperty(this, "ruleId", "");
    private final StringProperty jsonText = new SimpleStringProperty(this, "jsonText", "");
    private final ReadOnlyStringWrapper jsonError = new ReadOnlyStringWrapper(this, "jsonError", "");
    private final ReadOnlyStringWrapper idError = new ReadOnlyStringWrapper(this, "idError", "");
    private final ReadOnlyStringWrapper saveError = new ReadOnlyStringWrapper(this, "saveError", "");
    private final ReadOnlyStringWrapper heading = new ReadOnlyStringWrapper(this, "heading", "");
    private final ObservableMap<String, String> fieldErrors = FXCollections.observableHashMap();
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(this, "valid");
    private ObjectNode body = JsonNodeFactory.instance.objectNode();
    private long expectedVersion;
    /** Set while one side is being written from the other, so the change does not echo back. */
    private boolean syncing;

    public RuleEditorViewModel() {
        for (RuleForm form : new RuleForm[] {policyForm, maskingForm}) {
            for (ObservableValue<?> field : form.fields()) {
                field.addListener((observable, old, value) -> formChanged(form));
            }
        }
        jsonText.addListener((observable, old, text) -> jsonChanged(text));
        ruleId.addListener((observable, old, id) -> {
            if (!syncing) {
                dirty.set(true);
                validate();
            }
        });
    }

    /** Edits a stored rule. */
    public void load(RuleDocument document) {
        syncing = true;
        try {
            kind.set(document.kind());
            isNew.set(false);
            ruleId.set(document.id());
            expectedVersion = document.version();
            body = ((ObjectNode) document.body()).deepCopy();
            form().load(body);
            jsonText.set(pretty(body));
            heading.set(title(document.kind()) + " " + document.id() + " · version " + document.version()
                    + " · " + document.changedBy());
        } finally {
            syncing = false;
        }
        editing.set(true);
        dirty.set(false);
        saveError.set("");
        jsonError.set("");
        validate();
    }

    /** Starts a new rule of a kind, with a sensible skeleton. */
    public void newRule(RuleKind newKind) {
        syncing = true;
        try {
            kind.set(newKind);
            isNew.set(true);
            ruleId.set("");
            expectedVersion = 0;
            body = JsonNodeFactory.instance.objectNode();
            if (newKind == RuleKind.POLICY) {
                body.put("name", "");
                body.put("action", "DENY");
            } else {
                body.put("name", "");
                body.put("strategy", "redact");
            }
            form().load(body);
            form().apply(body);
            jsonText.set(pretty(body));
            heading.set("New " + title(newKind).toLowerCase(java.util.Locale.ROOT));
        } finally {
            syncing = false;
        }
        editing.set(true);
        dirty.set(true);
        saveError.set("");
        jsonError.set("");
        validate();
    }

    /** Nothing selected. */
    public void clear() {
        syncing = true;
        try {
            ruleId.set("");
            jsonText.set("");
            body = JsonNodeFactory.instance.objectNode();
            heading.set("");
        } finally {
            syncing = false;
        }
        editing.set(false);
        dirty.set(false);
        saveError.set("");
        jsonError.set("");
        fieldErrors.clear();
        valid.set(false);
    }

    private static String title(RuleKind ruleKind) {
        return switch (ruleKind) {
            case POLICY -> "Policy rule";
            case MASKING -> "Masking rule";
        };
    }

    private RuleForm form() {
        return switch (kind.get()) {
            case POLICY -> policyForm;
            case MASKING -> maskingForm;
        };
    }

    private void formChanged(RuleForm changed) {
        if (syncing || changed != form() || !editing.get()) {
            return;
        }
        syncing = true;
        try {
            ObjectNode updated = body.deepCopy();
            changed.apply(updated);
            body = updated;
            jsonText.set(pretty(updated));
            jsonError.set("");
        } finally {
            syncing = false;
        }
        dirty.set(true);
        validate();
    }

    private void jsonChanged(String text) {
        if (syncing || !editing.get()) {
            return;
        }
        dirty.set(true);
        JsonNode parsed;
        try {
            parsed = text == null || text.isBlank() ? null : ManagementJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            jsonError.set("Not valid JSON" + (location == null ? "" : " at line " + location.getLineNr()
                    + ", column " + location.getColumnNr()) + ": " + e.getOriginalMessage());
            validate();
            return;
        }
        if (!(parsed instanceof ObjectNode object)) {
            jsonError.set("A rule is a JSON object: { ... }");
            validate();
            return;
        }
        jsonError.set("");
        syncing = true;
        try {
            body = object;
            form().load(object);
        } finally {
            syncing = false;
        }
        validate();
    }

    private void validate() {
        Map<String, String> errors = form().validate();
        fieldErrors.keySet().retainAll(errors.keySet());
        fieldErrors.putAll(errors);
        String id = ruleId.get() == null ? "" : ruleId.get().strip();
        if (id.isEmpty()) {
            idError.set("Give the rule an id");
        } else if (!RULE_ID.matcher(id).matches()) {
            idError.set("1 to 64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
        } else {
            idError.set("");
        }
        valid.set(editing.get() && errors.isEmpty() && jsonError.get().isEmpty() && idError.get().isEmpty());
    }

    /** After a refused save: the engine's message, also under the field it names when it names one. */
    void saveFailed(String message) {
        saveError.set(message);
        for (String key : form().fieldKeys()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            if (message.contains(key) || message.contains(leaf + " ") || message.contains(leaf + ":")) {
                fieldErrors.put(key, message);
                break;
            }
        }
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a JSON tree", e);
        }
    }

    /** The body as it would be saved. */
    public ObjectNode body() {
        return body.deepCopy();
    }

    long expectedVersion() {
        return expectedVersion;
    }

    public PolicyRuleForm policyForm() {
        return policyForm;
    }

    public MaskingRuleForm maskingForm() {
        return maskingForm;
    }

    public ReadOnlyObjectProperty<RuleKind> kindProperty() {
        return kind.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty newProperty() {
        return isNew.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty editingProperty() {
        return editing.getReadOnlyProperty();
    }

    public StringProperty ruleIdProperty() {
        return ruleId;
    }

    public StringProperty jsonTextProperty() {
        return jsonText;
    }

    public ReadOnlyStringProperty jsonErrorProperty() {
        return jsonError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty idErrorProperty() {
        return idError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty saveErrorProperty() {
        return saveError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty headingProperty() {
        return heading.getReadOnlyProperty();
    }

    /** Problems by field key, as {@link RuleForm#validate} names them. */
    public ObservableMap<String, String> fieldErrors() {
        return fieldErrors;
    }

    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }
}
