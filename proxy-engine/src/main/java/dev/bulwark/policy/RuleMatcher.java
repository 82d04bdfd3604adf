package dev.bulwark.policy;

import dev.bulwark.auth.Identity;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Whether a rule applies to a statement; see {@link RuleMatch} for the semantics. Stateless apart from a regex cache. */
final class RuleMatcher {

    private static final int MAX_CACHED_PATTERNS = 1024;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Map<String, TablePattern> TABLE_PATTERNS = new ConcurrentHashMap<>();

    private RuleMatcher() {
    }

    static boolean matches(Rule rule, StatementClassification statement, Identity identity, String target) {
        RuleMatch match = rule.match();
        return sessionMatches(match, identity, target)
                && operationsMatch(match, statement.operations(), rule.action() == RuleAction.ALLOW)
                && textMatches(match, statement, rule.action() != RuleAction.ALLOW);
    }

    static boolean sessionMatches(RuleMatch match, Identity identity, String target) {
        if (!match.targets().isEmpty() && !anyGlob(match.targets(), target)) {
            return false;
        }
        if (!match.subjects().isEmpty() && !anyGlob(match.subjects(), identity.subject())) {
            return false;
        }
        if (!match.groups().isEmpty()
                && identity.groups().stream().noneMatch(group -> anyGlob(match.groups(), group))) {
            return false;
        }
        for (Map.Entry<String, String> claim : match.claims().entrySet()) {
            String value = identity.attributes().get(claim.getKey());
            if (value == null || !Glob.matches(claim.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param every true for ALLOW rules: every operation must satisfy the conditions; otherwise any may
     */
    static boolean operationsMatch(RuleMatch match, List<Operation> operations, boolean every) {
        if (!match.hasOperationConditions()) {
            return true;
        }
        if (every) {
            return operations.stream().allMatch(operation -> operationMatches(match, operation, true));
        }
        return operations.stream().anyMatch(operation -> operationMatches(match, operation, false));
    }

    private static boolean operationMatches(RuleMatch match, Operation operation, boolean every) {
        if (!match.kinds().isEmpty() && !match.kinds().contains(operation.kind())) {
            return false;
        }
        if (!match.verbs().isEmpty() && !match.verbs().contains(operation.verb())) {
            return false;
        }
        if (match.missingWhere() != null && operation.missingWhere() != match.missingWhere()) {
            return false;
        }
        if (match.tables().isEmpty()) {
            return true;
        }
        List<TablePattern> patterns = match.tables().stream()
                .map(text -> TABLE_PATTERNS.computeIfAbsent(text, TablePattern::parse)).toList();
        if (every) {
            return operation.tables().stream()
                    .allMatch(table -> patterns.stream().anyMatch(pattern -> pattern.covers(table)));
        }
        return operation.tables().stream()
                .anyMatch(table -> patterns.stream().anyMatch(pattern -> pattern.overlaps(table)));
    }

    /**
     * @param onRunaway what a regular expression that runs away (catastrophic backtracking) counts as:
     *        a match for rules that restrict, no match for rules that allow
     */
    static boolean textMatches(RuleMatch match, StatementClassification statement, boolean onRunaway) {
        if (match.textPattern() == null) {
            return true;
        }
        Pattern pattern = PATTERNS.get(match.textPattern());
        if (pattern == null) {
            if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
                PATTERNS.clear();
            }
            pattern = Pattern.compile(match.textPattern());
            PATTERNS.put(match.textPattern(), pattern);
        }
        String text = statement.normalizedText();
        try {
            return pattern.matcher(new BoundedText(text, Math.max(1_000_000L, 200L * text.length()))).find();
        } catch (BoundedText.Exhausted e) {
            return onRunaway;
        }
    }

    private static boolean anyGlob(List<String> patterns, String value) {
        for (String pattern : patterns) {
            if (Glob.matches(pattern, value)) {
                return true;
            }
        }
        return false;
    }

    /** Text that stops a regular expression after a budget of character reads. */
    private static final class BoundedText implements CharSequence {
        private final String text;
        private final long[] budget;

        BoundedText(String text, long budget) {
            this(text, new long[] {budget});
        }

        private BoundedText(String text, long[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }

        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Exhausted() {
                super("regular expression ran too long", null, false, false);
            }
        }
    }
}
