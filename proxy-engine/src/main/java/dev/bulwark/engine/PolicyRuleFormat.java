package dev.bulwark.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.RuleKind;
import dev.bulwark.policy.RuleSet;
import dev.bulwark.policy.RuleSetException;
import dev.bulwark.policy.RuleSets;
import dev.bulwark.store.RuleVersion;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/** Policy rules: {@link RuleSets} reads and writes them, so the stored document is a plain rule set. */
final class PolicyRuleFormat implements RuleFormat<RuleSet> {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** {@code rules[0] (id "x")} and what follows it in a RuleSetException about a one-rule set. */
    private static final Pattern FIRST_RULE = Pattern.compile("^rules\\[0\\]( \\(id \"[^\"]*\"\\))?(\\.|: )?");

    @Override
    public RuleKind kind() {
        return RuleKind.POLICY;
    }

    @Override
    public String storeKind() {
        return RuleVersion.POLICY;
    }

    @Override
    public RuleSet empty() {
        return RuleSet.EMPTY;
    }

    @Override
    public RuleSet readStored(String json) {
        try {
            return RuleSets.fromJson(json);
        } catch (RuleSetException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public RuleSet readFile(Path file) {
        try {
            return RuleSets.fromYaml(file);
        } catch (RuleSetException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public LinkedHashMap<String, ObjectNode> bodies(RuleSet set) {
        LinkedHashMap<String, ObjectNode> bodies = new LinkedHashMap<>();
        for (JsonNode rule : tree(RuleSets.toJson(set)).path("rules")) {
            bodies.put(rule.path("id").asText(), (ObjectNode) rule);
        }
        return bodies;
    }

    @Override
    public ObjectNode canonical(String id, ObjectNode body) {
        RuleSet parsed;
        try {
            parsed = RuleSets.fromJson(document(List.of(body)));
        } catch (RuleSetException e) {
            String detail = FIRST_RULE.matcher(e.getMessage()).replaceFirst("");
            throw ManagementException.badRequest("policy rule \"" + id + "\": " + detail);
        }
        return bodies(parsed).get(id);
    }

    @Override
    public RuleSet withRules(RuleSet current, List<ObjectNode> rules) {
        try {
            return RuleSets.fromJson(document(rules));
        } catch (RuleSetException e) {
            throw ManagementException.badRequest("policy rules: " + e.getMessage());
        }
    }

    @Override
    public String toJson(RuleSet set, long version, String changedBy, Instant changedAt) {
        return RuleSets.toJson(stamped(set, version, changedBy, changedAt));
    }

    @Override
    public RuleSet stamped(RuleSet set, long version, String changedBy, Instant changedAt) {
        return set.withVersion(version, changedBy, changedAt);
    }

    private static String document(List<ObjectNode> rules) {
        ObjectNode document = JSON.createObjectNode();
        ArrayNode array = document.putArray("rules");
        rules.forEach(array::add);
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
