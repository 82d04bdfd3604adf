package dev.bulwark.engine;

import dev.bulwark.masking.DetectorScope;
import dev.bulwark.masking.MaskingConfig;
import dev.bulwark.masking.MaskingRule;
import dev.bulwark.masking.SessionMasking;
import dev.bulwark.masking.TableName;
import dev.bulwark.model.MaskedColumn;
import dev.bulwark.policy.Operation;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.Verb;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which result columns masking would change for a statement, found without running it (for
 * {@code rules.test}). At run time masking goes by the table OID and column number of each result
 * column, which only the server knows; here the statement is read instead:
 *
 * <ul>
 *   <li>a plain {@code SELECT} of columns from tables (joins and aliases included) is read column by
 *       column: each column gets the first rule that names it, as at run time; an expression gets the
 *       first {@code column_name} rule matching its name, else a detector rule;</li>
 *   <li>anything else that reads ({@code *}, subqueries, CTEs, set operations, COPY) lists the column
 *       rules that apply to the tables it reads, since its columns cannot be known without the catalog.</li>
 * </ul>
 *
 * Never runs anything. Blocks only on CPU (parsing), so it runs on the management executor.
 */
final class MaskingPreview {
    /** Statements longer than this are not parsed here; the per-table answer is given instead. */
    private static final int MAX_PARSE_CHARS = 100_000;
    private static final String DETECTED = " (detected values)";

    private MaskingPreview() {}

    static List<MaskedColumn> columns(QueryClassification query, SessionMasking session, MaskingConfig config) {
        if (session.masksNothing()) {
            return List.of();
        }
        Set<String> activeIds = Set.copyOf(session.ruleIds());
        List<MaskingRule> active = config.rules().stream().filter(rule -> activeIds.contains(rule.id())).toList();
        Set<MaskedColumn> columns = new LinkedHashSet<>();
        for (StatementClassification statement : query.statements()) {
            if (!reads(statement)) {
                continue;
            }
            Optional<List<MaskedColumn>> exact = exact(statement.text(), active);
            columns.addAll(exact.orElseGet(() -> byTable(statement, active, session)));
        }
        return List.copyOf(columns);
    }

    private static boolean reads(StatementClassification statement) {
        return statement.operations().stream().anyMatch(operation -> returnsRows(operation.verb()));
    }

    private static boolean returnsRows(Verb verb) {
        return verb == Verb.SELECT || verb == Verb.COPY_TO || verb == Verb.FETCH;
    }

    /** Every column rule on every table the statement reads. */
    private static List<MaskedColumn> byTable(StatementClassification statement, List<MaskingRule> active,
            SessionMasking session) {
        List<MaskedColumn> columns = new ArrayList<>();
        for (Operation operation : statement.operations()) {
            if (!returnsRows(operation.verb())) {
                continue;
            }
            for (dev.bulwark.policy.TableName read : operation.tables()) {
                if (read.name().equals("*")) {
                    continue;
                }
                TableName table = new TableName(read.schema().equals("*") ? "" : read.schema(), read.name());
                if (!session.hasColumnRulesOn(table)) {
                    continue;
                }
                for (MaskingRule rule : active) {
                    if (rule.table() != null && tableMatches(rule, table)) {
                        columns.add(new MaskedColumn(table.toString(), rule.column(), rule.id(), method(rule)));
                    }
                }
            }
        }
        return columns;
    }

    /** Column by column, for a plain SELECT from tables; empty when the statement is anything else. */
    private static Optional<List<MaskedColumn>> exact(String text, List<MaskingRule> active) {
        if (text.length() > MAX_PARSE_CHARS) {
            return Optional.empty();
        }
        Statement parsed;
        try {
            parsed = CCJSqlParserUtil.parse(text);
        } catch (JSQLParserException | RuntimeException e) {
            return Optional.empty();
        }
        if (!(parsed instanceof PlainSelect select) || (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty())
                || select.getFromItem() == null) {
            return Optional.empty();
        }
        Map<String, TableName> tables = new LinkedHashMap<>();
        if (!addTable(select.getFromItem(), tables)) {
            return Optional.empty();
        }
        if (select.getJoins() != null) {
            for (Join join : select.getJoins()) {
                if (!addTable(join.getFromItem(), tables)) {
                    return Optional.empty();
                }
            }
        }
        List<MaskedColumn> columns = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            Expression expression = item.getExpression();
            String alias = item.getAliasName() == null ? null : identifier(item.getAliasName());
            switch (expression) {
                case AllTableColumns all -> {
                    TableName table = tables.get(identifier(all.getTable().getName()));
                    if (table == null) {
                        return Optional.empty();
                    }
                    columns.addAll(rulesOn(table, active));
                }
                case AllColumns all -> tables.values().stream().distinct().forEach(table -> columns.addAll(rulesOn(table, active)));
                case Column column -> {
                    List<TableName> candidates;
                    Table qualifier = column.getTable();
                    if (qualifier != null && qualifier.getName() != null) {
                        TableName table = tables.get(identifier(qualifier.getName()));
                        if (table == null) {
                            return Optional.empty();
                        }
                        candidates = List.of(table);
                    } else {
                        candidates = tables.values().stream().distinct().toList();
                    }
                    String name = identifier(column.getColumnName());
                    column(candidates, name, alias == null ? name : alias, active).ifPresent(columns::add);
                }
                default -> computed(alias != null ? alias : defaultName(expression), active).ifPresent(columns::add);
            }
        }
        return Optional.of(columns);
    }

    /** Registers a FROM item under its alias and its name; false when it is not a plain table. */
    private static boolean addTable(FromItem item, Map<String, TableName> tables) {
        if (!(item instanceof Table table) || table.getName() == null) {
            return false;
        }
        String schema = table.getSchemaName() == null ? "" : identifier(table.getSchemaName());
        TableName name = new TableName(schema, identifier(table.getName()));
        if (table.getAlias() != null && table.getAlias().getName() != null) {
            tables.put(identifier(table.getAlias().getName()), name);
        } else {
            tables.put(name.table(), name);
        }
        return true;
    }

    private static List<MaskedColumn> rulesOn(TableName table, List<MaskingRule> active) {
        List<MaskedColumn> columns = new ArrayList<>();
        for (MaskingRule rule : active) {
            if (rule.table() != null && tableMatches(rule, table)) {
                columns.add(new MaskedColumn(table.toString(), rule.column(), rule.id(), method(rule)));
            }
        }
        return columns;
    }

    /** A table's column: the first rule naming it wins, as at run time; else a detector rule for every column. */
    private static Optional<MaskedColumn> column(List<TableName> candidates, String name, String shownAs,
            List<MaskingRule> active) {
        for (TableName table : candidates) {
            for (MaskingRule rule : active) {
                if (rule.table() != null && tableMatches(rule, table) && glob(rule.column()).matcher(name).matches()) {
                    return Optional.of(new MaskedColumn(table.toString(), shownAs, rule.id(), method(rule)));
                }
            }
        }
        for (MaskingRule rule : active) {
            if (detectorsOnly(rule) && rule.scope() == DetectorScope.ALL) {
                return Optional.of(new MaskedColumn(candidates.size() == 1 ? candidates.getFirst().toString() : null,
                        shownAs, rule.id(), method(rule)));
            }
        }
        return Optional.empty();
    }

    /** A computed column: a column_name rule by its name, else a detector rule. */
    private static Optional<MaskedColumn> computed(String name, List<MaskingRule> active) {
        for (MaskingRule rule : active) {
            if (rule.columnName() != null
                    && Pattern.compile(rule.columnName(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(name).matches()) {
                return Optional.of(new MaskedColumn(null, name, rule.id(), method(rule)));
            }
        }
        for (MaskingRule rule : active) {
            if (detectorsOnly(rule)) {
                return Optional.of(new MaskedColumn(null, name, rule.id(), method(rule)));
            }
        }
        return Optional.empty();
    }

    private static boolean detectorsOnly(MaskingRule rule) {
        return rule.table() == null && rule.columnName() == null && rule.usesDetectors();
    }

    /** The name PostgreSQL gives an unnamed expression column: a function's name, else {@code ?column?}. */
    private static String defaultName(Expression expression) {
        if (expression instanceof Function function && function.getName() != null) {
            String name = function.getName();
            return identifier(name.substring(name.lastIndexOf('.') + 1));
        }
        return "?column?";
    }

    static String method(MaskingRule rule) {
        return rule.strategy().configName() + (rule.usesDetectors() ? DETECTED : "");
    }

    /** As the masking package matches: an unqualified name matches any schema; globs are case-insensitive. */
    static boolean tableMatches(MaskingRule rule, TableName table) {
        return (!table.qualified() || glob(rule.schema()).matcher(table.schema()).matches())
                && glob(rule.table()).matcher(table.table()).matches();
    }

    /** A glob ('*' any run, '?' one character) as a case-insensitive pattern, like the masking package's. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
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

    /** A name as PostgreSQL folds it: quoted kept as written, unquoted lower-cased. */
    static String identifier(String raw) {
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            return raw.substring(1, raw.length() - 1).replace("\"\"", "\"");
        }
        return raw.toLowerCase(Locale.ROOT);
    }
}
