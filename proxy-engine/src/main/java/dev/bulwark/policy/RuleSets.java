package dev.bulwark.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads and writes rule sets: YAML for files (the demo rules, an operator's policy file), JSON for the
 * store and the management socket. Keys are snake_case; enum values are case-insensitive on input.
 * Errors name the place: {@code rules[3] (id "hold-deletes").approval: quorum must be at least 1 (got 0)}.
 * The mappers are thread-safe and shared.
 */
public final class RuleSets {

    private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)).build();
    private static final ObjectMapper JSON = configure(JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)).build();

    private RuleSets() {
    }

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B configure(
            B builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);
    }

    public static RuleSet fromYaml(String yaml) throws RuleSetException {
        requireNonNull(yaml, "yaml is null");
        return read(YAML, yaml);
    }

    public static RuleSet fromYaml(InputStream in) throws RuleSetException {
        requireNonNull(in, "in is null");
        try {
            return read(YAML, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuleSetException("cannot read the rule set: " + e.getMessage(), e);
        }
    }

    /** Reads a YAML file. Blocks on file I/O: not for an event loop. */
    public static RuleSet fromYaml(Path file) throws RuleSetException {
        requireNonNull(file, "file is null");
        try {
            return read(YAML, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuleSetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static RuleSet fromJson(String json) throws RuleSetException {
        requireNonNull(json, "json is null");
        return read(JSON, json);
    }

    public static String toJson(RuleSet ruleSet) {
        try {
            return JSON.writeValueAsString(requireNonNull(ruleSet, "ruleSet is null"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rule set as JSON", e);
        }
    }

    public static String toYaml(RuleSet ruleSet) {
        try {
            return YAML.writeValueAsString(requireNonNull(ruleSet, "ruleSet is null"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rule set as YAML", e);
        }
    }

    public static String toJson(UnknownAction unknownAction) {
        try {
            return JSON.writeValueAsString(requireNonNull(unknownAction, "unknownAction is null"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an unknown action as JSON", e);
        }
    }

    /** Reads an unknown default ({@code deny}, {@code allow}, or an object with mode and approval) from JSON. */
    public static UnknownAction unknownActionFromJson(String json) throws RuleSetException {
        try {
            return JSON.readValue(json, UnknownAction.class);
        } catch (JsonProcessingException e) {
            throw new RuleSetException("unknown_action: " + describe(e), e);
        }
    }

    /**
     * Problems that do not make a rule set invalid but are probably mistakes: rules that can never be
     * reached because an earlier rule decides everything.
     */
    public static List<String> warnings(RuleSet ruleSet) {
        List<String> warnings = new ArrayList<>();
        Rule catchAll = null;
        for (Rule rule : ruleSet.rules()) {
            if (catchAll != null && rule.enabled()) {
                warnings.add("rule \"" + rule.id() + "\" is never reached: rule \"" + catchAll.id()
                        + "\" before it decides every statement");
            } else if (rule.enabled() && rule.action() != RuleAction.LOG && rule.match().isUnconditional()) {
                catchAll = rule;
            }
        }
        return warnings;
    }

    private static RuleSet read(ObjectMapper mapper, String text) throws RuleSetException {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RuleSetException("the rule set is not well-formed: " + describe(e), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new RuleSetException("the rule set is empty", null);
        }
        try {
            return mapper.treeToValue(tree, RuleSet.class);
        } catch (JsonProcessingException e) {
            throw new RuleSetException(where(e, tree) + describe(e), e);
        }
    }

    /** {@code rules[2] (id "x").approval: } from the exception's path, with the rule's id looked up. */
    private static String where(JsonProcessingException e, JsonNode tree) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        List<JsonMappingException.Reference> path = new ArrayList<>(mapping.getPath());
        // An unrecognised key's path ends with the key itself, which the message names already.
        if (e instanceof UnrecognizedPropertyException) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            return "";
        }
        StringBuilder where = new StringBuilder();
        JsonNode node = tree;
        for (JsonMappingException.Reference reference : path) {
            if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
                node = node == null ? null : node.get(reference.getIndex());
                if (node != null && node.hasNonNull("id") && where.toString().matches("rules\\[\\d+]")) {
                    where.append(" (id \"").append(node.get("id").asText()).append("\")");
                }
            } else if (reference.getFieldName() != null) {
                if (!where.isEmpty()) {
                    where.append('.');
                }
                where.append(reference.getFieldName());
                node = node == null ? null : node.get(reference.getFieldName());
            }
        }
        return where + ": ";
    }

    /** A short explanation without Jackson's class names and source excerpts. */
    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unrecognized) {
            String known = unrecognized.getKnownPropertyIds() == null ? ""
                    : unrecognized.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                            .collect(Collectors.joining(", "));
            return "unknown key \"" + unrecognized.getPropertyName() + "\"" + (known.isEmpty() ? "" : " (known: " + known + ")");
        }
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            Throwable cause = instantiation.getCause();
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        if (e instanceof InvalidFormatException invalid) {
            Throwable cause = invalid.getCause();
            if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
                return cause.getMessage();
            }
            // Our deserializers explain themselves after the value: keep that part, drop Jackson's preamble.
            String original = invalid.getOriginalMessage();
            int explanation = original == null ? -1 : original.indexOf("\": ");
            if (explanation >= 0) {
                return original.substring(explanation + 3);
            }
            return "cannot read \"" + invalid.getValue() + "\" as " + simpleType(invalid.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatched) {
            return "expected " + simpleType(mismatched.getTargetType()) + " here";
        }
        String message = e.getOriginalMessage();
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "text";
        }
        return type.getSimpleName();
    }
}
