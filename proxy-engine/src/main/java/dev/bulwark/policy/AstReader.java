package dev.bulwark.policy;

import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.JsonTableFunction;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.XmlTableFunction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * Reads statements jsqlparser understands: parses the canonical text the classifier prepared and walks
 * the tree for what the statement does.
 *
 * <p>The walk is reflective: it visits every jsqlparser object reachable from the statement, so a node
 * type no visitor method anticipated cannot hide a DELETE or a function call. Expression and query node
 * types that are not PostgreSQL syntax (jsqlparser reads many dialects) make the statement unknown, so a
 * text PostgreSQL reads one way and jsqlparser another fails closed.
 *
 * <p>Parsing runs on the calling thread. A shared daemon watchdog thread interrupts a parse that takes
 * longer than the budget (jsqlparser's backtracking can be slow on pathological input); such a statement
 * is unknown and its classification is not cached. Thread-safe.
 */
final class AstReader {

    /** Nodes in these packages must be on the allow-lists below; other jsqlparser packages are walked freely. */
    private static final String EXPRESSION_PACKAGE = "net.sf.jsqlparser.expression";
    private static final String SELECT_PACKAGE = "net.sf.jsqlparser.statement.select";

    /** jsqlparser expression nodes that are PostgreSQL syntax. */
    private static final Set<String> ALLOWED_EXPRESSIONS = Set.of(
            "Alias", "AllValue", "AnalyticExpression", "AnyComparisonExpression", "ArrayConstructor",
            "ArrayExpression", "BinaryExpression", "BooleanValue", "CaseExpression", "CastExpression",
            "CollateExpression", "DateTimeLiteralExpression", "DoubleValue", "ExtractExpression", "FilterOverImpl",
            "Function", "HexValue", "IntervalExpression", "JdbcParameter", "JsonAggregateFunction", "JsonExpression",
            "JsonFunction", "JsonFunctionExpression", "JsonKeyValuePair", "JsonTableFunction", "LongValue",
            "NotExpression", "NullValue", "OrderByClause", "OverlapsCondition", "Parenthesis", "PartitionByClause",
            "OracleNamedFunctionParameter", "PostgresNamedFunctionParameter", "RangeExpression", "RowConstructor", "RowGetExpression",
            "SignedExpression", "StringValue", "TimeKeyExpression", "TimezoneExpression", "TrimFunction",
            "WhenClause", "WindowDefinition", "WindowElement", "WindowOffset", "WindowRange", "XMLSerializeExpr",
            "XmlTableFunction");

    /** jsqlparser query nodes that are PostgreSQL syntax. */
    private static final Set<String> ALLOWED_SELECT_NODES = Set.of(
            "AllColumns", "AllTableColumns", "Distinct", "ExceptOp", "Fetch", "ForMode", "ForUpdateClause",
            "GroupByElement", "IntersectOp", "Join", "LateralSubSelect", "Limit", "Offset", "OrderByElement",
            "ParenthesedFromItem", "ParenthesedSelect", "PlainSelect", "Select", "SelectItem", "SetOperation",
            "SetOperationList", "TableFunction", "TableStatement", "UnionOp", "Values", "WithItem", "SampleClause",
            "WithCycleClause", "WithSearchClause", "FunctionAllColumns");

    /**
     * Names jsqlparser reads as columns but PostgreSQL reads as values: a WHERE made of them alone does not
     * filter rows.
     */
    static final Set<String> VALUE_KEYWORDS = Set.of(
            "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_user",
            "current_role", "session_user", "user", "current_catalog", "current_schema", "system_user", "true",
            "false", "null", "default");

    private static final ScheduledExecutorService WATCHDOG = watchdog();
    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            return walkableFields(type);
        }
    };
    static final int MAX_WALK_DEPTH = 400;
    /** Statements longer than this are not parsed (and so are unknown). */
    static final int MAX_PARSE_CHARS = 1_000_000;
    /** jsqlparser retries a failed parse with backtracking only for modest nesting, as its own utility does. */
    private static final int COMPLEX_PARSING_MAX_NESTING = 10;

    /** Held so that java.util.logging cannot forget the level set on it. */
    private static final Logger JSQLPARSER_LOGGER = Logger.getLogger(CCJSqlParserUtil.class.getName());

    static {
        // jsqlparser's parse utilities log at INFO on every call; nothing they say is ours to log.
        JSQLPARSER_LOGGER.setLevel(Level.WARNING);
    }

    private final FunctionCatalog catalog;
    private final long budgetMillis;

    AstReader(FunctionCatalog catalog, Duration parseBudget) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.budgetMillis = requireNonNull(parseBudget, "parseBudget is null").toMillis();
        if (budgetMillis <= 0) {
            throw new IllegalArgumentException("parse budget must be positive, got " + parseBudget);
        }
    }

    sealed interface Parsed permits Success, Failure {
    }

    record Success(Statement statement) implements Parsed {
    }

    /**
     * @param reason a short, client-safe reason (never the statement text)
     * @param timedOut whether the parse ran over budget (so the result must not be cached)
     */
    record Failure(String reason, boolean timedOut) implements Parsed {
    }

    /** Parses one canonical statement text; never throws. */
    Parsed parse(String canonical, int nesting) {
        if (canonical.length() > MAX_PARSE_CHARS) {
            // Bulk loads belong in COPY; a statement this long would hold the event loop for too long.
            return new Failure("it is longer than " + MAX_PARSE_CHARS + " characters", false);
        }
        Failure failure = null;
        for (boolean complex : new boolean[] {false, true}) {
            if (complex && nesting > COMPLEX_PARSING_MAX_NESTING) {
                break;
            }
            CCJSqlParser parser = CCJSqlParserUtil.newParser(canonical).withAllowComplexParsing(complex);
            ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
                parser.interrupted = true;
            }, budgetMillis, TimeUnit.MILLISECONDS);
            try {
                Statement statement = parser.Statement();
                if (statement == null) {
                    failure = new Failure("the parser found no statement", false);
                    continue;
                }
                if (parser.getNextToken().kind != CCJSqlParserConstants.EOF) {
                    failure = new Failure("the parser stopped before the end of the statement", false);
                    continue;
                }
                return new Success(statement);
            } catch (ParseException e) {
                failure = new Failure(describe(e), parser.interrupted);
            } catch (StackOverflowError e) {
                return new Failure("the statement nests too deeply to read", false);
            } catch (RuntimeException e) {
                failure = new Failure("the parser could not read it", parser.interrupted);
            } catch (Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                failure = new Failure("the parser could not read it", parser.interrupted);
            } finally {
                alarm.cancel(false);
            }
            if (failure.timedOut()) {
                return new Failure("reading it took longer than " + budgetMillis + " ms", true);
            }
        }
        return requireNonNull(failure, "failure");
    }

    private static String describe(ParseException e) {
        if (e.currentToken != null && e.currentToken.next != null && e.currentToken.next.image != null) {
            String near = e.currentToken.next.image;
            if (near.length() > 40) {
                near = near.substring(0, 40) + "...";
            }
            return near.isEmpty() ? "the parser expected more" : "the parser stopped near \"" + near + "\"";
        }
        return "the parser could not read it";
    }

    /** Everything a walk found. */
    static final class Findings {
        final List<Operation> operations = new ArrayList<>();
        final Set<TableName> reads = new LinkedHashSet<>();
        final Set<TableName> ddlTargets = new LinkedHashSet<>();
        final Set<String> functions = new LinkedHashSet<>();
        final List<String> unknown = new ArrayList<>();
        /** How the statement uses columns (for masking's access: masked_only). */
        ColumnUses columnUses = ColumnUses.NONE;
    }

    /**
     * Walks a parsed statement.
     *
     * @param ddl whether tables named outside any query are the DDL statement's targets (CREATE, ALTER)
     */
    Findings walk(Statement statement, boolean ddl) {
        return walk(statement, ddl, true);
    }

    /**
     * @param result whether the statement's select list is its result (false for the arguments of EXECUTE,
     *     CALL or COPY's WHERE read as a SELECT: those values are passed on, not shown)
     */
    Findings walk(Statement statement, boolean ddl, boolean result) {
        Walker walker = new Walker(ddl);
        walker.visit(statement, 0);
        walker.findings.columnUses = ColumnUseReader.read(statement, result, ddl, walker.findings.ddlTargets);
        return walker.findings;
    }

    private final class Walker {
        private final Findings findings = new Findings();
        private final boolean ddl;
        private final Map<Object, Boolean> visited = new IdentityHashMap<>();
        private final Map<Object, Boolean> targets = new IdentityHashMap<>();
        /** CTE names in scope; a reference to one is not a table. */
        private final Deque<Set<String>> cteScopes = new ArrayDeque<>();
        private int queryDepth;
        private boolean tooDeep;

        Walker(boolean ddl) {
            this.ddl = ddl;
        }

        void visit(Object node, int depth) {
            if (node == null || visited.put(node, Boolean.TRUE) != null) {
                return;
            }
            if (depth > MAX_WALK_DEPTH) {
                if (!tooDeep) {
                    tooDeep = true;
                    findings.unknown.add("the statement nests too deeply to read");
                }
                return;
            }
            if (node instanceof Collection<?> collection) {
                for (Object element : collection) {
                    visit(element, depth + 1);
                }
                return;
            }
            if (node instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    visit(entry.getKey(), depth + 1);
                    visit(entry.getValue(), depth + 1);
                }
                return;
            }
            if (node.getClass().isArray()) {
                if (!node.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(node); i++) {
                        visit(Array.get(node, i), depth + 1);
                    }
                }
                return;
            }
            if (!isJsqlNode(node.getClass())) {
                return;
            }
            checkAllowed(node.getClass());
            boolean query = node instanceof Select || node instanceof Insert || node instanceof Update
                    || node instanceof Delete || node instanceof Merge;
            switch (node) {
                case Table table -> recordTable(table);
                case TableFunction ignored -> {
                    // A wrapper: the call itself is its function field, walked below.
                }
                case XmlTableFunction ignored -> {
                    // XMLTABLE(...) and JSON_TABLE(...) are built-in syntax; their arguments are walked below.
                }
                case JsonTableFunction ignored -> {
                }
                case ParenthesedDelete ignored -> {
                    // (DELETE ...) in a WITH item wraps the real Delete, walked below.
                }
                case ParenthesedUpdate ignored -> {
                }
                case ParenthesedInsert ignored -> {
                }
                case Function function -> recordFunction(function.getMultipartName(), function);
                case JdbcParameter parameter when !"$".equals(parameter.getParameterCharacter()) ->
                        findings.unknown.add("a \"" + parameter.getParameterCharacter()
                                + "\" placeholder is not PostgreSQL syntax");
                case AnalyticExpression analytic -> recordFunction(List.of(analytic.getName().split("\\.")), null);
                case Delete delete -> recordDelete(delete);
                case Update update -> recordUpdate(update);
                case Insert insert -> recordInsert(insert);
                case Merge merge -> recordMerge(merge);
                case PlainSelect select -> recordSelectInto(select);
                default -> {
                }
            }
            if (query) {
                queryDepth++;
            }
            List<WithItem<?>> withItems = withItems(node);
            if (!withItems.isEmpty()) {
                // Scoping as PostgreSQL does it: without RECURSIVE a CTE sees only the CTEs before it (its
                // own name inside it is the real table); with RECURSIVE every CTE sees all of them. The
                // statement that owns the WITH list sees all of them.
                Set<String> names = new HashSet<>();
                boolean recursive = withItems.stream().anyMatch(WithItem::isRecursive);
                if (recursive) {
                    withItems.forEach(item -> names.add(cteName(item)));
                }
                cteScopes.push(names);
                for (WithItem<?> item : withItems) {
                    visit(item, depth + 1);
                    names.add(cteName(item));
                }
            }
            try {
                for (Field field : FIELDS.get(node.getClass())) {
                    if (!withItems.isEmpty() && field.getName().equals("withItemsList")) {
                        continue;
                    }
                    Object value;
                    try {
                        value = field.get(node);
                    } catch (IllegalAccessException e) {
                        findings.unknown.add("part of the statement could not be read");
                        continue;
                    }
                    visit(value, depth + 1);
                }
            } finally {
                if (!withItems.isEmpty()) {
                    cteScopes.pop();
                }
                if (query) {
                    queryDepth--;
                }
            }
        }

        private void checkAllowed(Class<?> type) {
            String packageName = type.getPackageName();
            String simpleName = type.getName().substring(packageName.length() + 1);
            int inner = simpleName.indexOf('$');
            String outer = inner < 0 ? simpleName : simpleName.substring(0, inner);
            if (packageName.equals(EXPRESSION_PACKAGE) && !ALLOWED_EXPRESSIONS.contains(outer)) {
                findings.unknown.add(outer + " is not PostgreSQL syntax Bulwark reads");
            } else if (packageName.equals(SELECT_PACKAGE) && !ALLOWED_SELECT_NODES.contains(outer)) {
                findings.unknown.add(outer + " is not PostgreSQL syntax Bulwark reads");
            } else if (packageName.startsWith("net.sf.jsqlparser.statement.piped")) {
                findings.unknown.add("pipe syntax is not PostgreSQL syntax");
            }
        }

        private void recordTable(Table table) {
            if (targets.containsKey(table)) {
                return;
            }
            TableName name = tableName(table);
            if (name == null) {
                return;
            }
            if (ddl && queryDepth == 0) {
                findings.ddlTargets.add(name);
                return;
            }
            if (!name.isQualified()) {
                for (Set<String> scope : cteScopes) {
                    if (scope.contains(name.name())) {
                        return;
                    }
                }
            }
            findings.reads.add(name);
        }

        private List<TableName> targetsOf(Table... tables) {
            List<TableName> names = new ArrayList<>();
            for (Table table : tables) {
                if (table != null) {
                    targets.put(table, Boolean.TRUE);
                    TableName name = tableName(table);
                    if (name != null) {
                        names.add(name);
                    }
                }
            }
            return names;
        }

        private void recordDelete(Delete delete) {
            if (delete.getTables() != null && !delete.getTables().isEmpty()) {
                findings.unknown.add("multi-table DELETE is not PostgreSQL syntax");
            }
            findings.operations.add(new Operation(Verb.DELETE, targetsOf(delete.getTable()),
                    whereMissing(delete.getWhere()), ""));
        }

        private void recordUpdate(Update update) {
            findings.operations.add(new Operation(Verb.UPDATE, targetsOf(update.getTable()),
                    whereMissing(update.getWhere()), ""));
        }

        private void recordInsert(Insert insert) {
            List<TableName> target = targetsOf(insert.getTable());
            findings.operations.add(Operation.of(Verb.INSERT, target));
            if (insert.getConflictAction() != null
                    && insert.getConflictAction().getConflictActionType() == ConflictActionType.DO_UPDATE) {
                // ON CONFLICT DO UPDATE touches only the conflicting rows: an UPDATE with a WHERE.
                findings.operations.add(Operation.of(Verb.UPDATE, target));
            }
        }

        private void recordMerge(Merge merge) {
            List<TableName> target = targetsOf(merge.getTable());
            findings.operations.add(Operation.of(Verb.MERGE, target));
            boolean unfiltered = whereMissing(merge.getOnCondition());
            if (merge.getOperations() == null) {
                return;
            }
            for (MergeOperation operation : merge.getOperations()) {
                switch (operation) {
                    case MergeDelete delete -> findings.operations.add(new Operation(Verb.DELETE, target,
                            unfiltered && whereMissing(delete.getAndPredicate()), ""));
                    case MergeUpdate update -> findings.operations.add(new Operation(Verb.UPDATE, target,
                            unfiltered && whereMissing(update.getAndPredicate()), ""));
                    case MergeInsert ignored -> findings.operations.add(Operation.of(Verb.INSERT, target));
                    default -> findings.unknown.add("MERGE action " + operation.getClass().getSimpleName()
                            + " is not PostgreSQL syntax");
                }
            }
        }

        private void recordSelectInto(PlainSelect select) {
            if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
                // SELECT ... INTO t creates t: DDL, like CREATE TABLE AS.
                findings.operations.add(Operation.of(Verb.CREATE,
                        targetsOf(select.getIntoTables().toArray(Table[]::new))));
            }
        }

        private void recordFunction(List<String> rawParts, Function function) {
            if (rawParts == null || rawParts.isEmpty()) {
                findings.unknown.add("a function call without a name");
                return;
            }
            List<String> parts = rawParts.stream().map(AstReader::identifier).toList();
            String display = parts.size() == 2 && parts.get(0).equals("pg_catalog")
                    ? parts.get(1) : String.join(".", parts);
            // COALESCE, GREATEST ... are grammar only when unquoted: "coalesce"(a, b) calls a function of
            // that name, which PostgreSQL finds in search_path (a user's public."coalesce").
            boolean syntax = parts.size() == 1 && !rawParts.get(0).startsWith("\"")
                    && FunctionCatalog.SYNTAX.contains(display);
            if (!syntax) {
                findings.functions.add(display);
            }
            if (function != null && function.isEscaped()) {
                findings.unknown.add("JDBC escape {fn ...} is not PostgreSQL syntax");
                return;
            }
            switch (syntax ? FunctionCatalog.SAFE_LOOKUP : catalog.lookup(parts)) {
                case FunctionCatalog.Safe ignored -> {
                }
                case FunctionCatalog.Unknown ignored ->
                        findings.operations.add(new Operation(Verb.UNKNOWN_FUNCTION, List.of(), false, display));
                case FunctionCatalog.Dangerous dangerous -> recordDangerous(dangerous.verb(), display, function);
            }
        }

        private void recordDangerous(Verb verb, String name, Function function) {
            List<Expression> arguments = arguments(function);
            switch (verb) {
                case SEQUENCE_WRITE -> {
                    List<TableName> sequence = new ArrayList<>();
                    literal(arguments, 0).flatMap(AstReader::relationFromText).ifPresent(sequence::add);
                    findings.operations.add(new Operation(verb, sequence, false, name));
                }
                case SET_CONFIG -> {
                    Optional<String> setting = literal(arguments, 0);
                    if (setting.isEmpty()) {
                        findings.operations.add(Operation.unknown("set_config() of a setting named by an expression"));
                        return;
                    }
                    List<String> values = literal(arguments, 1).map(Settings::splitList).orElse(null);
                    findings.operations.add(Settings.check(setting.get(), values, Verb.SET_CONFIG, name));
                }
                default -> findings.operations.add(new Operation(verb, List.of(), false, name));
            }
            Verb also = FunctionCatalog.ALSO.get(name);
            if (also != null) {
                findings.operations.add(new Operation(also, List.of(), false, name));
            }
        }

        private static String cteName(WithItem<?> item) {
            return item.getAliasName() == null ? "" : identifier(item.getAliasName());
        }

        private List<WithItem<?>> withItems(Object node) {
            List<WithItem<?>> items = switch (node) {
                case Select select -> select.getWithItemsList();
                case Insert insert -> insert.getWithItemsList();
                case Update update -> update.getWithItemsList();
                case Delete delete -> delete.getWithItemsList();
                case Merge merge -> merge.getWithItemsList();
                default -> null;
            };
            return items == null ? List.of() : items;
        }
    }

    /** Whether a WHERE (or ON) clause would let the statement touch every row. */
    static boolean whereMissing(Expression where) {
        return where == null || isTautology(where);
    }

    /**
     * A condition that cannot narrow the rows: one that refers to no column at all (constant per
     * statement: {@code true}, {@code 1=1}, {@code $1}, {@code NOT false}), {@code x = x}, or an OR with
     * such a branch. {@code false} and NULL are left alone: they touch nothing.
     */
    static boolean isTautology(Expression expression) {
        Expression e = expression;
        while (e instanceof ParenthesedExpressionList<?> list && list.size() == 1
                && list.get(0) instanceof Expression inner) {
            e = inner;
        }
        if (e instanceof BooleanValue bool) {
            return bool.getValue();
        }
        if (e instanceof NullValue) {
            return false;
        }
        if (e instanceof IsBooleanExpression test && test.isTrue() != test.isNot()) {
            // x IS TRUE and x IS NOT FALSE keep the rows x keeps (x = x IS TRUE is no filter either).
            return isTautology(test.getLeftExpression());
        }
        if (e instanceof OrExpression or) {
            return isTautology(or.getLeftExpression()) || isTautology(or.getRightExpression());
        }
        if (e instanceof AndExpression and) {
            return isTautology(and.getLeftExpression()) && isTautology(and.getRightExpression());
        }
        if (e instanceof NotExpression not) {
            return !refersToColumn(not.getExpression()) && !isTautology(not.getExpression());
        }
        if (e instanceof EqualsTo || e instanceof GreaterThanEquals || e instanceof MinorThanEquals
                || (e instanceof IsDistinctExpression distinct && distinct.isNot())) {
            var binary = (net.sf.jsqlparser.expression.BinaryExpression) e;
            if (binary.getLeftExpression() != null && binary.getRightExpression() != null
                    && sameText(binary.getLeftExpression(), binary.getRightExpression())) {
                return true;
            }
        }
        return !refersToColumn(e);
    }

    /**
     * Whether two expressions are written the same once names are compared by their PostgreSQL value
     * ({@code id}, {@code ID} and {@code "id"} are one column). A quoted name equal to a keyword
     * ({@code "true"} and {@code true}) also counts as the same, which can only make a WHERE read as
     * missing when it is not.
     */
    static boolean sameText(Expression left, Expression right) {
        String leftText = left.toString();
        String rightText = right.toString();
        if (leftText.equals(rightText)) {
            return true;
        }
        // Names differ only by ASCII case or by quoting (the canonical text writes every quoted name "...").
        if (!leftText.equalsIgnoreCase(rightText) && leftText.indexOf('"') < 0 && rightText.indexOf('"') < 0) {
            return false;
        }
        SqlLexer.Result a = SqlLexer.lex(leftText);
        SqlLexer.Result b = SqlLexer.lex(rightText);
        if (a.error().isPresent() || b.error().isPresent() || a.tokens().size() != b.tokens().size()) {
            return false;
        }
        for (int i = 0; i < a.tokens().size(); i++) {
            SqlLexer.Token x = a.tokens().get(i);
            SqlLexer.Token y = b.tokens().get(i);
            boolean same = x.isName() && y.isName() ? x.value().equals(y.value())
                    : x.type() == y.type() && x.value().equals(y.value());
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** Whether the expression mentions any real column (anywhere, subqueries included). */
    static boolean refersToColumn(Object node) {
        return findColumn(node, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static boolean findColumn(Object node, Set<Object> seen, int depth) {
        if (node == null || depth > MAX_WALK_DEPTH || !seen.add(node)) {
            return depth > MAX_WALK_DEPTH;
        }
        if (node instanceof Column column) {
            String name = column.getColumnName();
            // A quoted "current_user" is a column; only the unquoted word is the value.
            return column.getTable() != null && column.getTable().getName() != null
                    || name == null || name.startsWith("\"") || !VALUE_KEYWORDS.contains(identifier(name));
        }
        if (node instanceof Collection<?> collection) {
            for (Object element : collection) {
                if (findColumn(element, seen, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (!isJsqlNode(node.getClass())) {
            return false;
        }
        for (Field field : FIELDS.get(node.getClass())) {
            try {
                if (findColumn(field.get(node), seen, depth + 1)) {
                    return true;
                }
            } catch (IllegalAccessException e) {
                return true;
            }
        }
        return false;
    }

    private static List<Expression> arguments(Function function) {
        if (function == null) {
            return List.of();
        }
        ExpressionList<?> parameters = function.getParameters();
        if (parameters == null) {
            return List.of();
        }
        return new ArrayList<>(parameters);
    }

    /** The string literal at a position, looking through casts such as {@code 'seq'::regclass}. */
    private static Optional<String> literal(List<Expression> arguments, int index) {
        if (index >= arguments.size()) {
            return Optional.empty();
        }
        Expression argument = arguments.get(index);
        while (argument instanceof CastExpression cast) {
            argument = cast.getLeftExpression();
        }
        return argument instanceof StringValue string ? Optional.of(string.getValue().replace("''", "'"))
                : Optional.empty();
    }

    /** Reads a relation name written in a string, as regclass input does: {@code 'app."Seq"'}. */
    static Optional<TableName> relationFromText(String text) {
        SqlLexer.Result lexed = SqlLexer.lex(text);
        if (lexed.error().isPresent()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        List<SqlLexer.Token> tokens = lexed.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            SqlLexer.Token token = tokens.get(i);
            if (i % 2 == 0 && token.isName()) {
                parts.add(token.value());
            } else if (i % 2 == 1 && token.is(SqlLexer.TokenType.PUNCTUATION, ".")) {
                continue;
            } else {
                return Optional.empty();
            }
        }
        return parts.isEmpty() || tokens.size() % 2 == 0 ? Optional.empty() : Optional.of(tableName(parts));
    }

    static TableName tableName(List<String> parts) {
        int size = parts.size();
        return size == 1 ? TableName.unqualified(parts.get(0)) : new TableName(parts.get(size - 2), parts.get(size - 1));
    }

    /** The relation a FROM item or target names, as PostgreSQL folds it; null when it names none. */
    static TableName relationName(Table table) {
        return tableName(table);
    }

    private static TableName tableName(Table table) {
        String name = table.getName();
        if (name == null || name.isEmpty()) {
            return null;
        }
        String schema = table.getSchemaName();
        return new TableName(schema == null || schema.isEmpty() ? "" : identifier(schema), identifier(name));
    }

    /** Normalises a name as jsqlparser hands it over: quoted kept (unquoted), unquoted folded. */
    static String identifier(String raw) {
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            return SqlLexer.truncateIdentifier(raw.substring(1, raw.length() - 1).replace("\"\"", "\""));
        }
        return SqlLexer.truncateIdentifier(SqlLexer.asciiLowerCase(raw));
    }

    /** The fields of a jsqlparser node that the walks follow (see {@link #skipped}). */
    static List<Field> fields(Class<?> type) {
        return FIELDS.get(type);
    }

    static boolean isJsqlNode(Class<?> type) {
        String name = type.getName();
        return name.startsWith("net.sf.jsqlparser.") && !name.startsWith("net.sf.jsqlparser.parser.")
                && !type.isEnum();
    }

    private static List<Field> walkableFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
            for (Field field : current.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || skipped(current, field)) {
                    continue;
                }
                Class<?> fieldType = field.getType();
                if (fieldType.isPrimitive() || fieldType == String.class || fieldType.isEnum()
                        || Number.class.isAssignableFrom(fieldType) || fieldType == Boolean.class
                        || fieldType == Character.class || fieldType.getName().startsWith("net.sf.jsqlparser.parser.")) {
                    continue;
                }
                field.setAccessible(true);
                fields.add(field);
            }
        }
        return List.copyOf(fields);
    }

    /** Table references that are not relations read: column qualifiers, {@code t.*}, resolver caches. */
    private static boolean skipped(Class<?> owner, Field field) {
        String name = field.getName();
        return (owner == Column.class && (name.equals("table") || name.equals("resolvedTable")))
                || (owner == AllTableColumns.class && name.equals("table"))
                || (owner == Table.class && name.equals("resolvedTable"));
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bulwark-sql-parse-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
