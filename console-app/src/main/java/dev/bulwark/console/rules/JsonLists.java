package dev.bulwark.console.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The glue between JSON rule bodies and form fields: lists edited as comma-separated text, and
 * keys written only when they have a value, so a form never adds empty keys the owner would reject.
 */
final class JsonLists {
    private JsonLists() {}

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(element -> texts.add(element.asText()));
        } else if (array != null && array.isTextual()) {
            texts.addAll(split(array.asText()));
        }
        return texts;
    }

    /** "a, b ,c" as [a, b, c]; blanks dropped. */
    static List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(part -> !part.isEmpty()).toList();
    }

    static String join(JsonNode array) {
        return String.join(", ", texts(array));
    }

    static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? "" : value.asText();
    }

    static ObjectNode child(ObjectNode parent, String key) {
        JsonNode child = parent.get(key);
        return child instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    }

    static void putText(ObjectNode node, String key, String value) {
        if (value == null || value.isBlank()) {
            node.remove(key);
        } else {
            node.put(key, value.strip());
        }
    }

    static void putList(ObjectNode node, String key, String commaSeparated) {
        List<String> values = split(commaSeparated);
        if (values.isEmpty()) {
            node.remove(key);
        } else {
            ArrayNode array = node.putArray(key);
            values.forEach(array::add);
        }
    }

    static void putLines(ObjectNode node, String key, String lines) {
        List<String> values = lines == null ? List.of()
                : lines.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (values.isEmpty()) {
            node.remove(key);
        } else {
            ArrayNode array = node.putArray(key);
            values.forEach(array::add);
        }
    }

    /** Puts a child object, or removes it when it ended up empty. */
    static void putChild(ObjectNode parent, String key, ObjectNode child) {
        if (child.isEmpty()) {
            parent.remove(key);
        } else {
            parent.set(key, child);
        }
    }
}
