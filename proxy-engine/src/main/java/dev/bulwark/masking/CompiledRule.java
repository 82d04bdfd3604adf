package dev.bulwark.masking;

import dev.bulwark.auth.Identity;

import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A validated rule with its patterns compiled. */
record CompiledRule(
        MaskingRule source,
        Kind kind,
        Pattern schema,
        Pattern table,
        Pattern column,
        Pattern columnName,
        List<Detector> detectors,
        MaskingStrategy strategy) {

    enum Kind {
        /** table + column, whole value */
        TABLE_WHOLE,
        /** table + column, detectors inside the value */
        TABLE_DETECT,
        /** column_name pattern on computed columns, whole value */
        NAME_WHOLE,
        /** column_name pattern on computed columns, detectors */
        NAME_DETECT,
        /** detectors only, where the scope says, and on message texts */
        SCOPED_DETECT
    }

    CompiledRule {
        requireNonNull(source, "source is null");
        requireNonNull(kind, "kind is null");
        detectors = List.copyOf(detectors);
        requireNonNull(strategy, "strategy is null");
    }

    String id() {
        return source.id();
    }

    /** A table rule whose identities may use the column only as it is (see {@link ColumnAccess#MASKED_ONLY}). */
    boolean maskedOnly() {
        return source.access() == ColumnAccess.MASKED_ONLY && table != null;
    }

    boolean activeFor(Identity identity, String target) {
        if (!onTarget(target)) {
            return false;
        }
        if (!source.appliesTo().isEmpty() && !source.appliesTo().matches(identity)) {
            return false;
        }
        return !source.exempt().matches(identity);
    }

    /** Enabled and configured for this target, whoever reads. */
    boolean onTarget(String target) {
        return source.enabled() && (source.targets().isEmpty() || source.targets().contains(target));
    }

    /**
     * Masks this reader's recording although not this reader's results: the rule is on for the target,
     * the reader is exempt or outside applies_to, and the rule keeps recordings masked.
     */
    boolean masksRecordOnlyFor(Identity identity, String target) {
        return onTarget(target) && !activeFor(identity, target) && source.recordMode() == RecordMode.MASKED;
    }

    /** For table rules: does the rule name this column? */
    boolean matches(ColumnName column) {
        return matchesTable(column.table()) && this.column.matcher(column.column()).matches();
    }

    /** For table rules: does the rule name a column of this table? An unqualified name matches any schema. */
    boolean matchesTable(TableName name) {
        if (table == null) {
            return false;
        }
        return (!name.qualified() || schema.matcher(name.schema()).matches()) && table.matcher(name.table()).matches();
    }

    /** For column_name rules. */
    boolean matchesName(String resultColumnName) {
        return columnName != null && columnName.matcher(resultColumnName).matches();
    }

    /** A glob ('*' any run, '?' one character) as a case-insensitive pattern. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
