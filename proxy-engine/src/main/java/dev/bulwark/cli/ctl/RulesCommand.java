package dev.bulwark.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.cli.CtlCommand;
import dev.bulwark.model.ClientMessage;
import dev.bulwark.model.EngineMessage;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.model.RuleDocument;
import dev.bulwark.model.RuleKind;
import dev.bulwark.model.RuleTestResult;
import dev.bulwark.model.TestIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bulwark ctl rules [list | apply FILE | test --as SUBJECT ... SQL]}. All of it needs the admin role. */
@Command(name = "rules", description = "Lists rules (the default), applies a rules file, or tests a statement against the rules.")
public final class RulesCommand implements Callable<Integer> {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParentCommand
    private CtlCommand ctl;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return list(null);
    }

    @Command(name = "list", description = "Lists rules with their versions.")
    int list(@Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class,
            description = "policy or masking (default: both).") RuleKind kind) {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Rules reply = client.callAndWait(id -> new ClientMessage.RulesList(id, kind), EngineMessage.Rules.class);
            if (output.json()) {
                output.json(reply);
                return CtlCommand.OK;
            }
            if (reply.rules().isEmpty()) {
                output.line("no rules");
                return CtlCommand.OK;
            }
            Table table = new Table("KIND", "ID", "VERSION", "CHANGED BY", "CHANGED AT", "NAME");
            for (RuleDocument rule : reply.rules()) {
                JsonNode name = rule.body().get("name");
                table.add(Text.name(rule.kind()), rule.id(), rule.version(), rule.changedBy(), Text.time(rule.changedAt()),
                        name == null || !name.isTextual() ? null : name.asText());
            }
            table.print(output.out());
            return CtlCommand.OK;
        });
    }

    @Command(name = "apply", description = {
            "Creates or replaces the rules in a YAML or JSON file, in order, stopping at the first refusal.",
            "The file holds one rule, a list of rules, or {rules: [...]}; each rule is",
            "{kind: policy|masking, id: ..., expected_version: N (optional), body: {...}}."})
    int apply(@Parameters(paramLabel = "FILE", description = "The rules file.") Path file) {
        List<ClientMessage.RulePut> puts;
        try {
            puts = readRules(file);
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("bulwark ctl: cannot use " + file + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return CtlCommand.USAGE;
        }
        return Ctl.run(ctl, spec, (client, output) -> {
            for (ClientMessage.RulePut put : puts) {
                EngineMessage.Rule stored = client.callAndWait(id -> new ClientMessage.RulePut(id, put.kind(), put.rule(),
                        put.expectedVersion(), put.body()), EngineMessage.Rule.class);
                if (output.json()) {
                    output.json(stored);
                } else {
                    output.line(Text.name(stored.rule().kind()) + " rule " + stored.rule().id() + " is now version "
                            + stored.rule().version());
                }
                output.out().flush();
            }
            return CtlCommand.OK;
        });
    }

    @Command(name = "test", description = "Shows what the rules would do with a statement for an identity, without running it.")
    int test(@Option(names = "--as", required = true, paramLabel = "SUBJECT", description = "The subject to pretend to be.")
            String subject,
            @Option(names = "--groups", split = ",", paramLabel = "GROUP", description = "Its groups, comma-separated.")
            List<String> groups,
            @Option(names = "--target", paramLabel = "TARGET", description = "The target (default: the engine's default).")
            String target,
            @Parameters(paramLabel = "SQL", description = "The statement.") String statement) {
        return Ctl.run(ctl, spec, (client, output) -> {
            EngineMessage.Tested reply = client.callAndWait(id -> new ClientMessage.RuleTest(id, statement,
                    new TestIdentity(subject, groups == null ? List.of() : groups), target), EngineMessage.Tested.class);
            if (output.json()) {
                output.json(reply);
                return CtlCommand.OK;
            }
            RuleTestResult result = reply.result();
            Table table = new Table("", "");
            table.add("kind", result.classification().kind());
            table.add("verbs", Text.list(result.classification().verbs()));
            table.add("tables", Text.list(result.classification().tables()));
            String rule = result.verdict().ruleId() == null ? "default"
                    : "rule " + result.verdict().ruleId()
                            + (result.verdict().ruleName() == null ? "" : " \"" + result.verdict().ruleName() + "\"");
            table.add("verdict", Text.name(result.verdict().action()) + " (" + rule + ")"
                    + (result.verdict().message() == null ? "" : ": " + result.verdict().message()));
            List<String> masked = new ArrayList<>();
            for (MaskedColumn column : result.maskedColumns()) {
                masked.add((column.table() == null ? "" : column.table() + ".") + column.column()
                        + " (" + column.method() + ", rule " + column.rule() + ")");
            }
            table.add("masked", masked.isEmpty() ? "-" : String.join("; ", masked));
            table.printWithoutHeader(output.out());
            return CtlCommand.OK;
        });
    }

    /** Reads a rules file into requests (ids are assigned when sent). */
    static List<ClientMessage.RulePut> readRules(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException("the file is empty");
        }
        JsonNode list = root.isObject() && root.has("rules") ? root.get("rules") : root;
        List<JsonNode> entries = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(entries::add);
        } else {
            entries.add(list);
        }
        List<ClientMessage.RulePut> puts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String where = "rule " + (i + 1);
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            RuleKind kind = kind(text(entry, "kind", where), where);
            String id = text(entry, "id", where);
            JsonNode expected = entry.get("expected_version");
            if (expected != null && !expected.canConvertToLong()) {
                throw new IllegalArgumentException(where + ": expected_version must be a number");
            }
            JsonNode body = entry.get("body");
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException(where + " (" + id + "): body must be an object");
            }
            puts.add(new ClientMessage.RulePut(1, kind, id, expected == null ? null : expected.asLong(), body));
        }
        return puts;
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": " + field + " is missing");
        }
        return value.asText();
    }

    private static RuleKind kind(String text, String where) {
        try {
            return RuleKind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": kind must be policy or masking");
        }
    }

    /** Accepts policy/masking in any case. */
    static final class KindConverter implements ITypeConverter<RuleKind> {
        @Override
        public RuleKind convert(String value) {
            try {
                return RuleKind.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected policy or masking, got '" + value + "'");
            }
        }
    }
}
