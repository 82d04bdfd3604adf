package dev.bulwark.masking;

import dev.bulwark.auth.Identity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static java.util.Objects.requireNonNull;

/**
 * The compiled masking rules of the gateway: immutable, thread-safe, built once per configuration
 * (and again on reload). {@link #forSession} picks the rules that apply to one identity on one
 * target. Never blocks.
 */
public final class MaskingPolicy {

    /** At least 128 bits of key for HMAC-SHA256 tokenization. */
    public static final int MIN_TOKEN_KEY_BYTES = 16;

    private final List<CompiledRule> rules;
    private final byte[] tokenKey;
    private final int maxScanBytes;
    private final int maxCopyLineBytes;

    private MaskingPolicy(List<CompiledRule> rules, byte[] tokenKey, int maxScanBytes, int maxCopyLineBytes) {
        this.rules = List.copyOf(rules);
        this.tokenKey = tokenKey == null ? null : tokenKey.clone();
        this.maxScanBytes = maxScanBytes;
        this.maxCopyLineBytes = maxCopyLineBytes;
    }

    /**
     * Validates and compiles the rules.
     *
     * @param config the masking configuration
     * @param tokenKey the tokenization key (at least 16 bytes; read by the engine from its key file);
     *     may be null when no rule tokenizes
     * @throws IllegalArgumentException naming the rule and key that is wrong
     */
    public static MaskingPolicy compile(MaskingConfig config, byte[] tokenKey) {
        requireNonNull(config, "config is null");
        if (tokenKey != null && tokenKey.length < MIN_TOKEN_KEY_BYTES) {
            throw new IllegalArgumentException("the masking tokenization key must have at least "
                    + MIN_TOKEN_KEY_BYTES + " bytes");
        }
        List<CompiledRule> compiled = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < config.rules().size(); i++) {
            MaskingRule rule = config.rules().get(i);
            String where = "masking rules[" + i + "]";
            if (rule == null) {
                throw new IllegalArgumentException(where + " is empty");
            }
            if (rule.id() == null || rule.id().isBlank()) {
                throw new IllegalArgumentException(where + ".id is required");
            }
            where = where + " (id '" + rule.id() + "')";
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException(where + ": id is used by another rule");
            }
            CompiledRule rule1 = compileRule(rule, where);
            if (rule1.strategy() instanceof MaskingStrategy.Tokenize && tokenKey == null) {
                throw new IllegalArgumentException(where + ": strategy tokenize needs the tokenization key");
            }
            compiled.add(rule1);
        }
        return new MaskingPolicy(compiled, tokenKey, config.maxScanBytes(), config.maxCopyLineBytes());
    }

    /** No rules at all. */
    public static MaskingPolicy empty() {
        return new MaskingPolicy(List.of(), null, MaskingConfig.DEFAULT_MAX_SCAN_BYTES,
                MaskingConfig.DEFAULT_MAX_COPY_LINE_BYTES);
    }

    /** The rules that apply to this identity on this target (rules in configuration order). */
    public SessionMasking forSession(Identity identity, String target) {
        requireNonNull(identity, "identity is null");
        requireNonNull(target, "target is null");
        List<CompiledRule> active = new ArrayList<>();
        for (CompiledRule rule : rules) {
            if (rule.activeFor(identity, target)) {
                active.add(rule);
            }
        }
        return new SessionMasking(active, tokenKey, maxScanBytes, maxCopyLineBytes);
    }

    /**
     * What the recording of this identity's session masks on top of what the session's own rules masked
     * for the client ({@link #forSession}): the rules the reader is not masked by (exempt, or outside
     * applies_to) that keep recordings masked ({@code record: masked}, the default). The client's
     * results are not touched by it; it is applied only to what is recorded.
     */
    public SessionMasking forRecording(Identity identity, String target) {
        requireNonNull(identity, "identity is null");
        requireNonNull(target, "target is null");
        List<CompiledRule> recordOnly = new ArrayList<>();
        for (CompiledRule rule : rules) {
            if (rule.masksRecordOnlyFor(identity, target)) {
                recordOnly.add(rule);
            }
        }
        return new SessionMasking(recordOnly, tokenKey, maxScanBytes, maxCopyLineBytes);
    }

    public int ruleCount() {
        return rules.size();
    }

    private static CompiledRule compileRule(MaskingRule rule, String where) {
        boolean hasTable = rule.table() != null;
        boolean hasColumnName = rule.columnName() != null;
        if (rule.column() != null && !hasTable) {
            throw new IllegalArgumentException(where + ": column needs table");
        }
        if (hasTable && rule.column() == null) {
            throw new IllegalArgumentException(where + ": table needs column (a name or a glob such as '*')");
        }
        if (hasTable && hasColumnName) {
            throw new IllegalArgumentException(where + ": use either table + column or column_name, not both");
        }
        if (hasTable && rule.table().isBlank()) {
            throw new IllegalArgumentException(where + ".table is empty");
        }
        if (rule.access() == ColumnAccess.MASKED_ONLY && !hasTable) {
            throw new IllegalArgumentException(where + ": access masked_only needs table + column"
                    + " (it limits how statements may use a table's column)");
        }
        boolean detects = rule.usesDetectors();
        if (!hasTable && !hasColumnName && !detects) {
            throw new IllegalArgumentException(where
                    + ": a rule without table or column_name must list detectors or patterns"
                    + " (masking every value is not a default)");
        }
        List<Detector> detectors = new ArrayList<>();
        for (DetectorKind kind : rule.detectors()) {
            detectors.add(Detector.of(kind));
        }
        for (int p = 0; p < rule.patterns().size(); p++) {
            String pattern = rule.patterns().get(p);
            if (pattern == null || pattern.isEmpty()) {
                throw new IllegalArgumentException(where + ".patterns[" + p + "] is empty");
            }
            try {
                Pattern compiled = Pattern.compile(pattern);
                if (compiled.matcher("").matches()) {
                    throw new IllegalArgumentException(where + ".patterns[" + p + "] matches the empty string");
                }
                detectors.add(new Detector.Custom("pattern " + p, compiled));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ".patterns[" + p + "] is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        Pattern columnName = null;
        if (hasColumnName) {
            try {
                columnName = Pattern.compile(rule.columnName(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ".column_name is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        CompiledRule.Kind kind = hasTable
                ? (detects ? CompiledRule.Kind.TABLE_DETECT : CompiledRule.Kind.TABLE_WHOLE)
                : hasColumnName
                ? (detects ? CompiledRule.Kind.NAME_DETECT : CompiledRule.Kind.NAME_WHOLE)
                : CompiledRule.Kind.SCOPED_DETECT;
        return new CompiledRule(rule, kind,
                hasTable ? CompiledRule.glob(rule.schema()) : null,
                hasTable ? CompiledRule.glob(rule.table()) : null,
                hasTable ? CompiledRule.glob(rule.column()) : null,
                columnName, detectors, strategy(rule, where));
    }

    private static MaskingStrategy strategy(MaskingRule rule, String where) {
        Map<String, Object> params = rule.params();
        return switch (rule.strategy()) {
            case REDACT -> {
                allowOnly(params, where, Set.of());
                yield MaskingStrategy.Redact.INSTANCE;
            }
            case NULL_OUT -> {
                allowOnly(params, where, Set.of());
                yield MaskingStrategy.NullOut.INSTANCE;
            }
            case PARTIAL -> {
                allowOnly(params, where, Set.of("keep_first", "keep_last", "keep_email_domain"));
                boolean keepDomain = bool(params, "keep_email_domain", false, where);
                yield new MaskingStrategy.Partial(
                        count(params, "keep_first", 0, where),
                        count(params, "keep_last", keepDomain ? 0 : 4, where),
                        keepDomain);
            }
            case TOKENIZE -> {
                allowOnly(params, where, Set.of("length", "keep_email_domain"));
                int length = count(params, "length", 16, where);
                if (length < 8 || length > 64) {
                    throw new IllegalArgumentException(where + ": params.length must be between 8 and 64");
                }
                yield new MaskingStrategy.Tokenize(length, bool(params, "keep_email_domain", false, where));
            }
            case FIXED -> {
                allowOnly(params, where, Set.of("value"));
                Object value = params.get("value");
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    throw new IllegalArgumentException(where + ": strategy fixed needs params.value (a string)");
                }
                yield new MaskingStrategy.Fixed(value.toString());
            }
        };
    }

    private static void allowOnly(Map<String, Object> params, String where, Set<String> allowed) {
        for (Map.Entry<String, Object> entry : params.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                throw new IllegalArgumentException(where + ": params." + entry.getKey()
                        + " is not a parameter of this strategy" + (allowed.isEmpty() ? "" : " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")"));
            }
            if (entry.getValue() == null) {
                throw new IllegalArgumentException(where + ": params." + entry.getKey() + " is empty");
            }
        }
    }

    private static int count(Map<String, Object> params, String key, int fallback, String where) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer number && number >= 0) {
            return number;
        }
        throw new IllegalArgumentException(where + ": params." + key + " must be a non-negative integer");
    }

    private static boolean bool(Map<String, Object> params, String key, boolean fallback, String where) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new IllegalArgumentException(where + ": params." + key + " must be true or false");
    }
}
