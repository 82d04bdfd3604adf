package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.console.ui.Format;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.ZoneId;
import java.util.Locale;

/** One rule in the list; updated in place when a new version arrives. */
public final class RuleRow {
    private final RuleKind kind;
    private final String id;
    private final ObjectProperty<RuleDocument> document = new SimpleObjectProperty<>(this, "document");
    private final StringProperty name = new SimpleStringProperty(this, "name");
    private final StringProperty effect = new SimpleStringProperty(this, "effect");
    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled");
    private final StringProperty version = new SimpleStringProperty(this, "version");
    private final StringProperty changed = new SimpleStringProperty(this, "changed");
    private final ZoneId zone;

    RuleRow(RuleDocument document, ZoneId zone) {
        this.kind = document.kind();
        this.id = document.id();
        this.zone = zone;
        update(document);
    }

    void update(RuleDocument newDocument) {
        document.set(newDocument);
        JsonNode body = newDocument.body();
        name.set(body.path("name").asText(newDocument.id()));
        effect.set(effectOf(newDocument.kind(), body));
        enabled.set(body.path("enabled").asBoolean(true));
        version.set("v" + newDocument.version());
        changed.set(newDocument.changedBy() + ", " + Format.dateTime(newDocument.changedAt(), zone));
    }

    /** What the rule does, in a word or two: "DENY", "HOLD (dba)", "mask email: partial". */
    static String effectOf(RuleKind kind, JsonNode body) {
        return switch (kind) {
            case POLICY -> {
                String action = body.path("action").asText("?").toUpperCase(Locale.ROOT);
                JsonNode groups = body.path("approval").path("reviewer_groups");
                yield groups.isArray() && !groups.isEmpty()
                        ? action + " (" + String.join(", ", JsonLists.texts(groups)) + ")" : action;
            }
            case MASKING -> {
                String strategy = body.path("strategy").asText("redact");
                String what;
                if (body.hasNonNull("table")) {
                    what = body.path("column").asText("?");
                } else if (body.hasNonNull("column_name")) {
                    what = "~" + body.path("column_name").asText();
                } else {
                    what = "detectors";
                }
                yield "mask " + what + " (" + strategy + ")";
            }
        };
    }

    public RuleKind kind() {
        return kind;
    }

    public String id() {
        return id;
    }

    public RuleDocument document() {
        return document.get();
    }

    public ReadOnlyObjectProperty<RuleDocument> documentProperty() {
        return document;
    }

    public ReadOnlyStringProperty nameProperty() {
        return name;
    }

    public ReadOnlyStringProperty effectProperty() {
        return effect;
    }

    public ReadOnlyBooleanProperty enabledProperty() {
        return enabled;
    }

    public ReadOnlyStringProperty versionProperty() {
        return version;
    }

    public ReadOnlyStringProperty changedProperty() {
        return changed;
    }

    @Override
    public String toString() {
        return "RuleRow[" + kind + "/" + id + "]";
    }
}
