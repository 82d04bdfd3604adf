package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.value.ObservableValue;

import java.util.List;
import java.util.Map;

/**
 * A structured form over a rule body whose shape the console knows. The body stays the source of
 * truth: {@link #apply} writes the form's fields into it and leaves every other key alone, so
 * fields the form does not know (a newer engine's) survive an edit.
 */
sealed interface RuleForm permits PolicyRuleForm, MaskingRuleForm {

    /** Shows a body's fields. */
    void load(ObjectNode body);

    /** Writes the fields into {@code body}: set ones as values, empty ones removed. */
    void apply(ObjectNode body);

    /** Problems by field key (the JSON key, dotted for nested ones); empty when the form is valid. */
    Map<String, String> validate();

    /** Every field, so an editor can follow changes. */
    List<ObservableValue<?>> fields();

    /** The field keys, to place an engine error that names one. */
    List<String> fieldKeys();
}
