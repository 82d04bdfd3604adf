package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks column values PostgreSQL puts into error details:
 * <pre>
 *   Key (email)=(alice@example.com) already exists.
 *   Key (lower(email::text))=(alice@example.com) already exists.
 *   Key (customer_id)=(42) is not present in table "customers".
 *   Key (a)=(x) conflicts with existing key (a)=(y).
 *   Failing row contains (1, Alice, alice@example.com, null).       -- by position in the table
 *   Failing row contains (id, email) = (1, alice@example.com).       -- with partial column privileges
 * </pre>
 * PostgreSQL does not quote these values, so a value holding ", " makes the split ambiguous: then
 * the whole detail is replaced ({@link #mask} returns null), never guessed.
 */
final class ErrorDetailMasker {

    private static final String FAILING_ROW = "Failing row contains (";
    private static final Pattern IDENTIFIER = Pattern.compile("\"((?:[^\"]|\"\")+)\"|([A-Za-z_][A-Za-z0-9_$]*)");
    private static final List<String> CONTINUATIONS = List.of(
            " already exists.", " is not present in table ", " is still referenced from table ",
            " conflicts with existing key (", " is duplicated.");

    private final SessionMasking session;
    private final ErrorSource source;
    private final Optional<CatalogTable> table;
    private final ValueMasker values;

    ErrorDetailMasker(SessionMasking session, ErrorSource source, Optional<CatalogTable> table, ValueMasker values) {
        this.session = session;
        this.source = source;
        this.table = table;
        this.values = values;
    }

    /** The detail with masked values, or null when it cannot be split safely. */
    String mask(String detail) {
        if (!session.errorMayCarryMaskedValues(source, table)) {
            return detail;
        }
        StringBuilder out = new StringBuilder(detail.length());
        int copied = 0;
        int searchFrom = 0;
        boolean sawGroup = false;
        while (true) {
            int close = nextSeparator(detail, searchFrom);
            if (close < 0) {
                break;
            }
            int separatorLength = detail.startsWith(")=(", close) ? 3 : 5;
            int open = matchingOpen(detail, close);
            if (open < 0) {
                return null;
            }
            int valuesStart = close + separatorLength;
            int valuesEnd = valuesEnd(detail, valuesStart);
            if (valuesEnd < 0) {
                return null;
            }
            List<String> names = splitTopLevel(detail.substring(open + 1, close));
            String masked = maskValues(names.stream().map(this::planForName).toList(),
                    detail.substring(valuesStart, valuesEnd));
            if (masked == null) {
                return null;
            }
            out.append(detail, copied, valuesStart).append(masked);
            copied = valuesEnd;
            searchFrom = valuesEnd;
            sawGroup = true;
        }
        if (!sawGroup && detail.startsWith(FAILING_ROW)) {
            if (!detail.endsWith(").") || table.isEmpty()) {
                return null;
            }
            List<ColumnPlan> plans = new ArrayList<>();
            for (CatalogColumn column : table.get().columns()) {
                plans.add(session.planForErrorColumn(source, column.name(), table));
            }
            int valuesStart = FAILING_ROW.length();
            int valuesEnd = detail.length() - 2;
            String masked = maskValues(plans, detail.substring(valuesStart, valuesEnd));
            if (masked == null) {
                return null;
            }
            out.append(detail, copied, valuesStart).append(masked);
            copied = valuesEnd;
        }
        return out.append(detail, copied, detail.length()).toString();
    }

    /** Values joined by ", " masked per plan; the text itself when nothing is masked; null when ambiguous. */
    private String maskValues(List<ColumnPlan> plans, String joined) {
        boolean sensitive = plans.stream().anyMatch(plan -> plan != ColumnPlan.PASS);
        if (!sensitive) {
            return joined;
        }
        String[] parts = joined.split(", ", -1);
        if (parts.length != plans.size()) {
            return null;
        }
        StringBuilder out = new StringBuilder(joined.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            String value = parts[i];
            if (value.equals("null") || plans.get(i) == ColumnPlan.PASS) {
                out.append(value);
                continue;
            }
            String masked = values.maskText(plans.get(i), value);
            out.append(masked == null ? "null" : masked);
        }
        return out.toString();
    }

    /** A column name, or an index expression: masked if it reads a masked column. */
    private ColumnPlan planForName(String nameOrExpression) {
        String trimmed = nameOrExpression.trim();
        Matcher whole = IDENTIFIER.matcher(trimmed);
        if (whole.matches()) {
            return session.planForErrorColumn(source, identifier(whole), table);
        }
        Matcher identifiers = IDENTIFIER.matcher(trimmed);
        while (identifiers.find()) {
            ColumnPlan plan = session.planForErrorColumn(source, identifier(identifiers), table);
            switch (plan) {
                case ColumnPlan.Whole w -> {
                    return new ColumnPlan.Whole(ValueType.TEXT, w.strategy(), w.ruleId(), w.reason());
                }
                case ColumnPlan.Detect d -> {
                    return new ColumnPlan.Detect(ValueType.TEXT, d.detectors());
                }
                case ColumnPlan.Pass p -> {
                }
                case ColumnPlan.Row r -> {
                    return new ColumnPlan.Whole(ValueType.TEXT, MaskingStrategy.Redact.INSTANCE, "(fail-closed)", "row");
                }
            }
        }
        return ColumnPlan.PASS;
    }

    private static String identifier(Matcher matcher) {
        return matcher.group(1) != null ? matcher.group(1).replace("\"\"", "\"") : matcher.group(2);
    }

    /** The index of the ')' of the next ")=(" or ") = (". */
    private static int nextSeparator(String detail, int from) {
        int compact = detail.indexOf(")=(", from);
        int spaced = detail.indexOf(") = (", from);
        if (compact < 0) {
            return spaced;
        }
        return spaced < 0 ? compact : Math.min(compact, spaced);
    }

    private static int matchingOpen(String detail, int close) {
        int depth = 0;
        for (int i = close - 1; i >= 0; i--) {
            char c = detail.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** The ')' closing a values list: the first one followed by a known continuation or a final ".". */
    private static int valuesEnd(String detail, int from) {
        for (int i = detail.indexOf(')', from); i >= 0; i = detail.indexOf(')', i + 1)) {
            String rest = detail.substring(i + 1);
            if (rest.isEmpty() || rest.equals(".")) {
                return i;
            }
            for (String continuation : CONTINUATIONS) {
                if (rest.startsWith(continuation)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String names) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < names.length(); i++) {
            char c = names.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',' && names.startsWith(", ", i)) {
                out.add(names.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        out.add(names.substring(start));
        return out;
    }
}
