package dev.bulwark.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.masking.MaskingConfig;
import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.masking.MaskingRule;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.RuleKind;
import dev.bulwark.store.RuleVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masking rules: the masking package's {@link MaskingConfig} as JSON with its snake_case names. Empty
 * lists and objects are left out of what is written (they mean the same as absent), so bodies stay
 * short for the console and equal when the rules are.
 */
final class MaskingRuleFormat implements RuleFormat<MaskingRuleFormat.Compiled> {
    // Is-getters off: IdentitySelector.isEmpty() would otherwise be written as "empty" and refused on reading.
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();
    /** {@code masking rules[0] (id 'x')} and what follows it in a compile error about a one-rule set. */
    private static final Pattern FIRST_RULE = Pattern.compile("^masking rules\\[0\\]( \\(id '[^']*'\\))?(\\.|: )?");

    /** The configuration and what it compiles to. */
    record Compiled(MaskingConfig config, MaskingPolicy policy) {}

    private final byte[] tokenKey;

    /** @param tokenKey the tokenization key, or null when none is configured (then no rule may tokenize) */
    MaskingRuleFormat(byte[] tokenKey) {
        this.tokenKey = tokenKey == null ? null : tokenKey.clone();
    }

    @Override
    public RuleKind kind() {
        return RuleKind.MASKING;
    }

    @Override
    public String storeKind() {
        return RuleVersion.MASKING;
    }

    @Override
    public Compiled empty() {
        return new Compiled(MaskingConfig.EMPTY, MaskingPolicy.empty());
    }

    @Override
    public Compiled readStored(String json) {
        try {
            return compile(JSON.readValue(json, MaskingConfig.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    @Override
    public Compiled readFile(Path file) throws IOException {
        return compile(MaskingConfig.read(file));
    }

    @Override
    public LinkedHashMap<String, ObjectNode> bodies(Compiled set) {
        LinkedHashMap<String, ObjectNode> bodies = new LinkedHashMap<>();
        for (MaskingRule rule : set.config().rules()) {
            bodies.put(rule.id(), body(rule));
        }
        return bodies;
    }

    @Override
    public ObjectNode canonical(String id, ObjectNode body) {
        MaskingRule rule;
        try {
            rule = JSON.treeToValue(body, MaskingRule.class);
        } catch (JsonProcessingException e) {
            throw ManagementException.badRequest("masking rule \"" + id + "\": " + describe(e));
        } catch (IllegalArgumentException e) {
            throw ManagementException.badRequest("masking rule \"" + id + "\": " + e.getMessage());
        }
        try {
            MaskingPolicy.compile(new MaskingConfig(List.of(rule), null, null), tokenKey);
        } catch (IllegalArgumentException e) {
            throw ManagementException.badRequest("masking rule \"" + id + "\": "
                    + FIRST_RULE.matcher(String.valueOf(e.getMessage())).replaceFirst(""));
        }
        return body(rule);
    }

    @Override
    public Compiled withRules(Compiled current, List<ObjectNode> rules) {
        List<MaskingRule> parsed = new ArrayList<>(rules.size());
        try {
            for (ObjectNode rule : rules) {
                parsed.add(JSON.treeToValue(rule, MaskingRule.class));
            }
            MaskingConfig config = current.config();
            return compile(new MaskingConfig(parsed, config.maxScanBytes(), config.maxCopyLineBytes()));
        } catch (JsonProcessingException e) {
            throw ManagementException.badRequest("masking rules: " + describe(e));
        } catch (IllegalArgumentException e) {
            throw ManagementException.badRequest(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public String toJson(Compiled set, long version, String changedBy, Instant changedAt) {
        try {
            return JSON.writeValueAsString(pruned(JSON.valueToTree(set.config())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the masking rules as JSON", e);
        }
    }

    @Override
    public Compiled stamped(Compiled set, long version, String changedBy, Instant changedAt) {
        return set;
    }

    private Compiled compile(MaskingConfig config) {
        return new Compiled(config, MaskingPolicy.compile(config, tokenKey));
    }

    private static ObjectNode body(MaskingRule rule) {
        return pruned(JSON.valueToTree(rule));
    }

    /** Leaves out fields holding empty arrays or objects, at every depth of objects. */
    private static ObjectNode pruned(ObjectNode node) {
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode value = field.getValue();
            if (value instanceof ObjectNode object) {
                pruned(object);
            } else if (value.isArray()) {
                value.forEach(element -> {
                    if (element instanceof ObjectNode object) {
                        pruned(object);
                    }
                });
            }
            if ((value.isArray() || value.isObject()) && value.isEmpty()) {
                empty.add(field.getKey());
            }
        }
        node.remove(empty);
        return node;
    }

    /** A short explanation without Jackson's class names, naming the key. */
    static String describe(JsonProcessingException e) {
        List<JsonMappingException.Reference> path = e instanceof JsonMappingException mapping ? mapping.getPath() : List.of();
        if (e instanceof UnrecognizedPropertyException unrecognized) {
            String in = path(path.subList(0, Math.max(0, path.size() - 1)));
            return "unknown key \"" + unrecognized.getPropertyName() + "\"" + (in.isEmpty() ? "" : " in " + in);
        }
        String what;
        if ((e instanceof ValueInstantiationException || e instanceof InvalidFormatException)
                && e.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null) {
            what = cause.getMessage();
        } else if (e instanceof MismatchedInputException mismatched) {
            what = "expected " + (mismatched.getTargetType() == null ? "another kind of value"
                    : simpleType(mismatched.getTargetType())) + " here";
        } else {
            what = e.getOriginalMessage() == null ? "not readable" : e.getOriginalMessage();
        }
        String where = path(path);
        return where.isEmpty() ? what : where + ": " + what;
    }

    private static String path(List<JsonMappingException.Reference> path) {
        return path.stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String simpleType(Class<?> type) {
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (type == String.class) {
            return "text";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.getSimpleName();
    }
}
