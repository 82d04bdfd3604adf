package dev.bulwark.policy;

import dev.bulwark.policy.ColumnUse.Use;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads how a parsed statement uses columns ({@link ColumnUses}), with PostgreSQL's scoping: FROM items
 * and their aliases, joins, derived tables, CTEs (a CTE sees only the ones before it unless RECURSIVE),
 * LATERAL and correlated subqueries. Part of {@link AstReader}'s walk: the same parse, no second reader.
 *
 * <p>A use is {@link Use#PROJECTED} only where the value reaches the statement's result as it is, so that
 * the result's RowDescription still names the column: a bare column (or {@code *}, {@code t.*}) in the
 * outermost select list of a query, also through derived tables and CTEs whose own select lists are
 * plain. {@code count(col)} and {@code col IS [NOT] NULL} are {@link Use#COUNTED_OR_NULL_TEST}. Every
 * other position is {@link Use#OTHER}. What cannot be told is conservative: an unqualified name is a use
 * of every relation in scope that may have it (and of outer scopes, unless a derived table in scope
 * surely has it); a name equal to a FROM item's name is also a whole-row use of it; expressions in a
 * derived table's select list are uses at once, whether or not the outer query reads them.
 *
 * <p>Expression nodes are walked reflectively (every field of every jsqlparser node), so a node type no
 * case here anticipated still has its columns found, as uses of kind OTHER.
 */
final class ColumnUseReader {

    /** How a query's select list reaches what reads it. */
    private enum Mode {
        /** The statement's own result: plain columns are PROJECTED. */
        TOP,
        /** A derived table or CTE: plain columns pass through, used as the outer query uses them. */
        PASS_THROUGH,
        /** EXISTS (...): plain columns of the select list are not evaluated. */
        EXISTS,
        /** A value computed on or copied (subquery value, set operation, INSERT ... SELECT, CREATE ... AS). */
        OTHER
    }

    /** A column of a relation the statement names ({@link ColumnUse#WHOLE_ROW} for all of them). */
    private record Origin(TableName table, String column) {
    }

    /** The output columns of a derived table (subquery, CTE, VALUES, set operation, function). */
    private static final class Derived {
        /** Output name to the relation columns it shows unchanged (empty: computed, nothing to trace). */
        final Map<String, Set<Origin>> named = new LinkedHashMap<>();
        /** The same by position, when every position is known. */
        final List<Set<Origin>> positional = new ArrayList<>();
        boolean positionsKnown = true;
        /** Sources whose columns pass through by {@code *} or {@code t.*}, names unknown here. */
        final List<Source> stars = new ArrayList<>();

        static Derived opaque() {
            Derived derived = new Derived();
            derived.positionsKnown = false;
            return derived;
        }

        Derived renamed(List<String> names) {
            if (names.isEmpty()) {
                return this;
            }
            // Renaming by position: the old names stay too (a conservative superset).
            Derived copy = new Derived();
            named.forEach((name, origins) -> copy.named.put(name, new LinkedHashSet<>(origins)));
            copy.stars.addAll(stars);
            copy.positional.addAll(positional);
            copy.positionsKnown = positionsKnown;
            Set<Origin> everything = origins(ColumnUse.WHOLE_ROW);
            for (int i = 0; i < names.size(); i++) {
                Set<Origin> origins = positionsKnown && i < positional.size() ? positional.get(i) : everything;
                copy.named.computeIfAbsent(names.get(i), key -> new LinkedHashSet<>()).addAll(origins);
            }
            return copy;
        }

        Set<Origin> origins(String column) {
            Set<Origin> origins = new LinkedHashSet<>();
            if (column.equals(ColumnUse.WHOLE_ROW)) {
                named.values().forEach(origins::addAll);
                positional.forEach(origins::addAll);
            } else if (named.containsKey(column)) {
                origins.addAll(named.get(column));
            }
            for (Source star : stars) {
                origins.addAll(star.origins(column));
            }
            return origins;
        }
    }

    /** A FROM item as the query refers to it. */
    private static final class Source {
        /** How the query qualifies its columns (alias, else the relation's name); null when it cannot. */
        final String name;
        /** The relation named in the statement, or null for a derived table. */
        final TableName relation;
        /** Columns renamed by an alias column list on a relation ({@code customers AS c(a, b)}). */
        final Set<String> renamed;
        final Derived derived;

        Source(String name, TableName relation, Set<String> renamed, Derived derived) {
            this.name = name;
            this.relation = relation;
            this.renamed = renamed;
            this.derived = derived;
        }

        Set<Origin> origins(String column) {
            if (relation != null) {
                // A renamed column may be any column of the relation: the whole row.
                String traced = renamed.contains(column) ? ColumnUse.WHOLE_ROW : column;
                return Set.of(new Origin(relation, traced));
            }
            return derived.origins(column);
        }

        boolean surelyHas(String column) {
            return derived != null && derived.named.containsKey(column);
        }
    }

    /** The FROM items visible at one query level, and the enclosing levels (LATERAL, correlation). */
    private static final class Scope {
        final Scope outer;
        final List<Source> sources = new ArrayList<>();

        Scope(Scope outer) {
            this.outer = outer;
        }
    }

    private final List<ColumnUse> uses = new ArrayList<>();
    private final Set<String> untraced = new LinkedHashSet<>();
    private final Map<Object, Boolean> walking = new java.util.IdentityHashMap<>();
    private int depth;

    private ColumnUseReader() {
    }

    /**
     * @param statement a statement jsqlparser read
     * @param top how the statement's own select list reaches its result: {@code true} for a statement
     *     that returns it to the client; {@code false} when its values are copied or passed on (the
     *     arguments of EXECUTE or CALL)
     * @param ddl whether the statement is CREATE/ALTER (its queries are copied into objects)
     * @param ddlTargets the relations a DDL statement creates or alters
     */
    static ColumnUses read(Statement statement, boolean top, boolean ddl, Set<TableName> ddlTargets) {
        ColumnUseReader reader = new ColumnUseReader();
        try {
            reader.statement(statement, top, ddl, ddlTargets);
        } catch (StackOverflowError e) {
            reader.untraced.add("the statement nests too deeply to trace its columns");
        } catch (RuntimeException e) {
            reader.untraced.add("its column uses could not be traced (" + e.getClass().getSimpleName() + ")");
        }
        return new ColumnUses(reader.uses, List.copyOf(reader.untraced));
    }

    private void statement(Statement statement, boolean top, boolean ddl, Set<TableName> ddlTargets) {
        if (ddl) {
            // CREATE ... AS, CREATE VIEW, ALTER ... USING: every value is copied or computed on.
            Scope scope = new Scope(null);
            for (TableName target : ddlTargets) {
                scope.sources.add(new Source(target.name(), target, Set.of(), null));
            }
            walk(statement, scope, Map.of(), Use.OTHER, "a CREATE or ALTER statement");
            return;
        }
        switch (statement) {
            case Select select -> query(select, null, Map.of(), top ? Mode.TOP : Mode.OTHER);
            case Insert insert -> insert(insert, null, Map.of());
            case Update update -> update(update, null, Map.of());
            case Delete delete -> delete(delete, null, Map.of());
            case Merge merge -> merge(merge, null, Map.of());
            default -> untraced.add(statement.getClass().getSimpleName() + " statements are not traced for column uses");
        }
    }

    // ------------------------------------------------------------------ queries

    private Derived query(Select select, Scope outer, Map<String, Derived> ctes, Mode mode) {
        if (!enter(select)) {
            return Derived.opaque();
        }
        try {
            Map<String, Derived> visible = with(select.getWithItemsList(), outer, ctes);
            return switch (select) {
                case PlainSelect plain -> plainSelect(plain, outer, visible, mode);
                case SetOperationList set -> setOperation(set, outer, visible);
                case ParenthesedSelect parenthesed -> parenthesed(parenthesed, outer, visible, mode);
                case Values values -> {
                    walk(values.getExpressions(), new Scope(outer), visible, Use.OTHER, "VALUES");
                    rest(values, Set.of("expressions", "withItemsList"), new Scope(outer), visible, "VALUES");
                    yield Derived.opaque();
                }
                case TableStatement table -> tableStatement(table, outer, visible, mode);
                default -> {
                    untraced.add(select.getClass().getSimpleName() + " is a query form Bulwark does not trace");
                    yield Derived.opaque();
                }
            };
        } finally {
            leave(select);
        }
    }

    private Derived parenthesed(ParenthesedSelect parenthesed, Scope outer, Map<String, Derived> ctes, Mode mode) {
        boolean ordered = parenthesed.getOrderByElements() != null && !parenthesed.getOrderByElements().isEmpty();
        Derived inner = query(parenthesed.getSelect(), outer, ctes, mode);
        // (SELECT ...) ORDER BY / LIMIT: those clauses see the inner query's output columns.
        Scope scope = new Scope(outer);
        scope.sources.add(new Source(null, null, Set.of(), inner));
        if (ordered) {
            for (OrderByElement element : parenthesed.getOrderByElements()) {
                outputReference(element.getExpression(), inner);
            }
        }
        rest(parenthesed, Set.of("select", "withItemsList", "alias"), scope, ctes, "ORDER BY");
        return inner;
    }

    private Derived setOperation(SetOperationList set, Scope outer, Map<String, Derived> ctes) {
        // UNION/INTERSECT/EXCEPT compare values and return them as computed columns (no table OID).
        for (Select branch : set.getSelects()) {
            query(branch, outer, ctes, Mode.OTHER);
        }
        rest(set, Set.of("selects", "withItemsList"), new Scope(outer), ctes, "a set operation");
        return Derived.opaque();
    }

    private Derived tableStatement(TableStatement statement, Scope outer, Map<String, Derived> ctes, Mode mode) {
        Scope scope = new Scope(outer);
        fromItem(statement.getTable(), scope, ctes);
        Derived derived = new Derived();
        projectStar(scope.sources, mode, derived, "TABLE");
        return derived;
    }

    private Derived plainSelect(PlainSelect select, Scope outer, Map<String, Derived> ctes, Mode requested) {
        Scope scope = new Scope(outer);
        fromItem(select.getFromItem(), scope, ctes);
        List<Join> joins = select.getJoins() == null ? List.of() : select.getJoins();
        for (Join join : joins) {
            fromItem(join.getFromItem(), scope, ctes);
        }
        for (Join join : joins) {
            joinConditions(join, scope, ctes);
        }
        Mode mode = requested;
        String projection = "the select list";
        if (select.getDistinct() != null && requested != Mode.EXISTS) {
            // DISTINCT compares (and usually sorts) the values it returns.
            mode = Mode.OTHER;
            projection = "a DISTINCT select list";
        }
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            mode = Mode.OTHER;
            projection = "SELECT ... INTO (a copy into a new table)";
        }
        if (requested == Mode.OTHER) {
            projection = "a subquery's or set operation's select list";
        }
        List<SelectItem<?>> items = select.getSelectItems() == null ? List.of() : select.getSelectItems();
        boolean[] forced = new boolean[items.size()];
        List<Expression> ordering = new ArrayList<>();
        if (select.getOrderByElements() != null) {
            select.getOrderByElements().forEach(element -> ordering.add(element.getExpression()));
        }
        GroupByElement groupBy = select.getGroupBy();
        if (groupBy != null && groupBy.getGroupByExpressionList() != null) {
            for (Object expression : groupBy.getGroupByExpressionList()) {
                if (expression instanceof Expression e) {
                    ordering.add(e);
                }
            }
        }
        if (select.getDistinct() != null && select.getDistinct().getOnSelectItems() != null) {
            select.getDistinct().getOnSelectItems().forEach(item -> ordering.add(item.getExpression()));
        }
        for (Expression expression : ordering) {
            markReferenced(expression, items, forced);
        }
        Derived derived = new Derived();
        Mode itemMode = mode;
        for (int i = 0; i < items.size(); i++) {
            SelectItem<?> item = items.get(i);
            Expression expression = item.getExpression();
            String outputName = outputName(item);
            if (forced[i]) {
                walk(expression, scope, ctes, Use.OTHER, "GROUP BY, ORDER BY or DISTINCT ON (by output name or position)");
                derived.positional.add(Set.of());
                continue;
            }
            switch (expression) {
                case AllTableColumns star -> {
                    List<Source> named = sourcesNamed(scope, qualifier(star.getTable()), star.getTable());
                    projectStar(named, mode, derived, projection);
                }
                case AllColumns ignored -> projectStar(scope.sources, mode, derived, projection);
                // col[1] is a Column to jsqlparser but a computed element to PostgreSQL (no table OID).
                case Column column when itemMode != Mode.OTHER && column.getArrayConstructor() == null -> {
                    Resolved resolved = resolve(column, scope);
                    switch (itemMode) {
                        case TOP -> {
                            record(resolved.origins, Use.PROJECTED, projection);
                            record(resolved.derivedRows, Use.OTHER, "a whole row of a derived table");
                        }
                        case PASS_THROUGH -> {
                            record(resolved.derivedRows, Use.OTHER, "a whole row of a derived table");
                            if (outputName != null) {
                                derived.named.computeIfAbsent(outputName, key -> new LinkedHashSet<>())
                                        .addAll(resolved.origins);
                            }
                            derived.positional.add(resolved.origins);
                            continue;
                        }
                        case EXISTS, OTHER -> {
                        }
                    }
                }
                default -> walk(expression, scope, ctes, Use.OTHER,
                        mode == Mode.OTHER ? projection : "an expression in the select list");
            }
            derived.positional.add(Set.of());
            if (outputName != null) {
                derived.named.putIfAbsent(outputName, new LinkedHashSet<>());
            }
        }
        walk(select.getWhere(), scope, ctes, Use.OTHER, "WHERE");
        walk(groupBy, scope, ctes, Use.OTHER, "GROUP BY");
        walk(select.getHaving(), scope, ctes, Use.OTHER, "HAVING");
        walk(select.getOrderByElements(), scope, ctes, Use.OTHER, "ORDER BY");
        walk(select.getDistinct(), scope, ctes, Use.OTHER, "DISTINCT ON");
        walk(select.getWindowDefinitions(), scope, ctes, Use.OTHER, "a window");
        rest(select, Set.of("withItemsList", "fromItem", "joins", "selectItems", "distinct", "where", "groupBy",
                "having", "orderByElements", "windowDefinitions", "intoTables"), scope, ctes, "LIMIT, OFFSET or FETCH");
        return derived;
    }

    /** A star in a select list: each source's columns, projected, passed through or used. */
    private void projectStar(List<Source> sources, Mode mode, Derived derived, String context) {
        derived.positionsKnown = false;
        for (Source source : sources) {
            switch (mode) {
                case TOP -> record(source.origins(ColumnUse.WHOLE_ROW), Use.PROJECTED, context);
                case PASS_THROUGH -> derived.stars.add(source);
                case EXISTS -> {
                }
                case OTHER -> record(source.origins(ColumnUse.WHOLE_ROW), Use.OTHER, context);
            }
        }
    }

    /** ORDER BY 2, GROUP BY e (an output name): the select item it names is used too. */
    private static void markReferenced(Expression expression, List<SelectItem<?>> items, boolean[] forced) {
        if (expression instanceof LongValue position) {
            long index = position.getValue() - 1;
            if (index >= 0 && index < items.size()) {
                forced[(int) index] = true;
            } else {
                java.util.Arrays.fill(forced, true);
            }
        } else if (expression instanceof Column column && qualifierOf(column) == null) {
            String name = AstReader.identifier(column.getColumnName());
            for (int i = 0; i < items.size(); i++) {
                if (name.equals(outputName(items.get(i)))) {
                    forced[i] = true;
                }
            }
        }
    }

    /** ORDER BY over a parenthesized query's output: a use of what that output shows. */
    private void outputReference(Expression expression, Derived derived) {
        if (expression instanceof LongValue position) {
            long index = position.getValue() - 1;
            if (derived.positionsKnown && index >= 0 && index < derived.positional.size()) {
                record(derived.positional.get((int) index), Use.OTHER, "ORDER BY");
            } else {
                record(derived.origins(ColumnUse.WHOLE_ROW), Use.OTHER, "ORDER BY");
            }
        }
    }

    private static String outputName(SelectItem<?> item) {
        if (item.getAlias() != null && item.getAlias().getName() != null) {
            return AstReader.identifier(item.getAlias().getName());
        }
        if (item.getExpression() instanceof Column column && column.getColumnName() != null) {
            return AstReader.identifier(column.getColumnName());
        }
        return null;
    }

    private Map<String, Derived> with(List<WithItem<?>> items, Scope outer, Map<String, Derived> ctes) {
        if (items == null || items.isEmpty()) {
            return ctes;
        }
        Map<String, Derived> visible = new HashMap<>(ctes);
        boolean recursive = items.stream().anyMatch(WithItem::isRecursive);
        if (recursive) {
            // A recursive CTE reads itself: its own rows come from its body, traced there.
            for (WithItem<?> item : items) {
                visible.put(cteName(item), Derived.opaque());
            }
        }
        for (WithItem<?> item : items) {
            Derived derived = cte(item, outer, Map.copyOf(visible));
            visible.put(cteName(item), derived.renamed(withColumns(item)));
        }
        return Map.copyOf(visible);
    }

    private Derived cte(WithItem<?> item, Scope outer, Map<String, Derived> visible) {
        Object statement = item.getParenthesedStatement();
        walk(item.getSearchClause(), new Scope(outer), visible, Use.OTHER, "WITH ... SEARCH");
        walk(item.getCycleClause(), new Scope(outer), visible, Use.OTHER, "WITH ... CYCLE");
        switch (statement) {
            case ParenthesedSelect select -> {
                return query(select, outer, visible, Mode.PASS_THROUGH);
            }
            case ParenthesedInsert insert -> insert(insert.getInsert(), outer, visible);
            case ParenthesedUpdate update -> update(update.getUpdate(), outer, visible);
            case ParenthesedDelete delete -> delete(delete.getDelete(), outer, visible);
            case null, default -> untraced.add("a WITH item Bulwark does not trace");
        }
        return Derived.opaque();
    }

    private static String cteName(WithItem<?> item) {
        return item.getAliasName() == null ? "" : AstReader.identifier(item.getAliasName());
    }

    private static List<String> withColumns(WithItem<?> item) {
        List<String> names = new ArrayList<>();
        if (item.getWithItemList() != null) {
            for (SelectItem<?> column : item.getWithItemList()) {
                if (column.getExpression() instanceof Column c && c.getColumnName() != null) {
                    names.add(AstReader.identifier(c.getColumnName()));
                }
            }
        }
        return names;
    }

    private static List<String> aliasColumns(Alias alias) {
        List<String> names = new ArrayList<>();
        if (alias != null && alias.getAliasColumns() != null) {
            for (Alias.AliasColumn column : alias.getAliasColumns()) {
                if (column.name != null) {
                    names.add(AstReader.identifier(column.name));
                }
            }
        }
        return names;
    }

    // ------------------------------------------------------------------ FROM

    private void fromItem(FromItem item, Scope scope, Map<String, Derived> ctes) {
        if (item == null) {
            return;
        }
        Alias alias = item.getAlias();
        String aliasName = alias == null || alias.getName() == null ? null : AstReader.identifier(alias.getName());
        switch (item) {
            case Table table -> {
                TableName name = AstReader.relationName(table);
                if (name == null) {
                    untraced.add("a FROM item without a name");
                    return;
                }
                Derived cte = name.isQualified() ? null : ctes.get(name.name());
                String reference = aliasName != null ? aliasName : name.name();
                if (cte != null) {
                    scope.sources.add(new Source(reference, null, Set.of(), cte.renamed(aliasColumns(alias))));
                } else {
                    scope.sources.add(new Source(reference, name, Set.copyOf(aliasColumns(alias)), null));
                }
                rest(table, Set.of("alias"), scope, ctes, "FROM");
            }
            case ParenthesedSelect select -> {
                // A derived table (LATERAL or not: seeing the items before it is conservative either way).
                Derived derived = query(select, scope, ctes, Mode.PASS_THROUGH);
                scope.sources.add(new Source(aliasName, null, Set.of(), derived.renamed(aliasColumns(alias))));
            }
            case ParenthesedFromItem parenthesed -> {
                Scope inner = new Scope(scope.outer);
                fromItem(parenthesed.getFromItem(), inner, ctes);
                List<Join> joins = parenthesed.getJoins() == null ? List.of() : parenthesed.getJoins();
                for (Join join : joins) {
                    fromItem(join.getFromItem(), inner, ctes);
                }
                for (Join join : joins) {
                    joinConditions(join, inner, ctes);
                }
                if (aliasName == null) {
                    scope.sources.addAll(inner.sources);
                } else {
                    Derived derived = new Derived();
                    derived.positionsKnown = false;
                    derived.stars.addAll(inner.sources);
                    scope.sources.add(new Source(aliasName, null, Set.of(), derived.renamed(aliasColumns(alias))));
                }
            }
            case TableFunction function -> {
                // unnest(...), generate_series(...), jsonb_to_recordset(...): the arguments are computed on.
                walk(function.getFunction(), scope, ctes, Use.OTHER, "a function in FROM");
                rest(function, Set.of("function", "alias"), scope, ctes, "a function in FROM");
                scope.sources.add(new Source(aliasName, null, Set.of(), Derived.opaque()));
            }
            default -> {
                untraced.add(item.getClass().getSimpleName() + " in FROM is not traced");
                walk(item, scope, ctes, Use.OTHER, "FROM");
            }
        }
    }

    private void joinConditions(Join join, Scope scope, Map<String, Derived> ctes) {
        walk(join.getOnExpressions(), scope, ctes, Use.OTHER, "a JOIN condition");
        walk(join.getUsingColumns(), scope, ctes, Use.OTHER, "JOIN ... USING");
        if (join.isNatural()) {
            for (Source source : scope.sources) {
                record(source.origins(ColumnUse.WHOLE_ROW), Use.OTHER, "a NATURAL JOIN");
            }
        }
        rest(join, Set.of("fromItem", "onExpressions", "usingColumns"), scope, ctes, "a JOIN");
    }

    // ------------------------------------------------------------------ data-changing statements

    private Source target(Table table, Scope scope) {
        TableName name = table == null ? null : AstReader.relationName(table);
        if (name == null) {
            untraced.add("a statement without a target table");
            return null;
        }
        Alias alias = table.getAlias();
        String reference = alias == null || alias.getName() == null ? name.name() : AstReader.identifier(alias.getName());
        Source source = new Source(reference, name, Set.of(), null);
        scope.sources.add(source);
        return source;
    }

    private void insert(Insert insert, Scope outer, Map<String, Derived> ctes) {
        Map<String, Derived> visible = with(insert.getWithItemsList(), outer, ctes);
        if (insert.getSelect() != null) {
            // INSERT ... SELECT copies the values into the target: a use, not a projection.
            query(insert.getSelect(), outer, visible, Mode.OTHER);
        }
        Scope scope = new Scope(outer);
        target(insert.getTable(), scope);
        scope.sources.add(new Source("excluded", null, Set.of(), Derived.opaque()));
        if (insert.getConflictAction() != null) {
            for (UpdateSet set : insert.getConflictAction().getUpdateSets() == null
                    ? List.<UpdateSet>of() : insert.getConflictAction().getUpdateSets()) {
                walk(set.getValues(), scope, visible, Use.OTHER, "ON CONFLICT DO UPDATE SET");
            }
            walk(insert.getConflictAction().getWhereExpression(), scope, visible, Use.OTHER, "ON CONFLICT ... WHERE");
        }
        walk(insert.getReturningClause(), scope, visible, Use.OTHER, "RETURNING");
        // The target's column list and the conflict target name columns; they read no values.
        rest(insert, Set.of("withItemsList", "select", "table", "columns", "conflictTarget", "conflictAction",
                "returningClause"), scope, visible, "INSERT");
    }

    private void update(Update update, Scope outer, Map<String, Derived> ctes) {
        Map<String, Derived> visible = with(update.getWithItemsList(), outer, ctes);
        Scope scope = new Scope(outer);
        target(update.getTable(), scope);
        fromItem(update.getFromItem(), scope, visible);
        List<Join> joins = new ArrayList<>();
        if (update.getStartJoins() != null) {
            joins.addAll(update.getStartJoins());
        }
        if (update.getJoins() != null) {
            joins.addAll(update.getJoins());
        }
        joins(joins, scope, visible);
        if (update.getUpdateSets() != null) {
            for (UpdateSet set : update.getUpdateSets()) {
                walk(set.getValues(), scope, visible, Use.OTHER, "UPDATE ... SET");
            }
        }
        walk(update.getWhere(), scope, visible, Use.OTHER, "WHERE");
        walk(update.getReturningClause(), scope, visible, Use.OTHER, "RETURNING");
        rest(update, Set.of("withItemsList", "table", "fromItem", "startJoins", "joins", "updateSets", "where",
                "returningClause"), scope, visible, "UPDATE");
    }

    private void delete(Delete delete, Scope outer, Map<String, Derived> ctes) {
        Map<String, Derived> visible = with(delete.getWithItemsList(), outer, ctes);
        Scope scope = new Scope(outer);
        target(delete.getTable(), scope);
        if (delete.getUsingFromItemList() != null) {
            for (FromItem item : delete.getUsingFromItemList()) {
                fromItem(item, scope, visible);
            }
        }
        joins(delete.getJoins() == null ? List.of() : delete.getJoins(), scope, visible);
        walk(delete.getWhere(), scope, visible, Use.OTHER, "WHERE");
        walk(delete.getReturningClause(), scope, visible, Use.OTHER, "RETURNING");
        rest(delete, Set.of("withItemsList", "table", "tables", "usingFromItemList", "joins", "where",
                "returningClause"), scope, visible, "DELETE");
    }

    /** A write's joined relations: all of them in scope first, then their conditions (which may name any). */
    private void joins(List<Join> joins, Scope scope, Map<String, Derived> visible) {
        for (Join join : joins) {
            fromItem(join.getFromItem(), scope, visible);
        }
        for (Join join : joins) {
            joinConditions(join, scope, visible);
        }
    }

    private void merge(Merge merge, Scope outer, Map<String, Derived> ctes) {
        Map<String, Derived> visible = with(merge.getWithItemsList(), outer, ctes);
        Scope scope = new Scope(outer);
        target(merge.getTable(), scope);
        fromItem(merge.getFromItem(), scope, visible);
        // The ON condition, the actions and their column lists: all conservative uses.
        rest(merge, Set.of("withItemsList", "table", "fromItem"), scope, visible, "MERGE");
    }

    // ------------------------------------------------------------------ expressions

    /** Walks the fields of a node not handled above, as expressions of kind OTHER. */
    private void rest(Object node, Set<String> handled, Scope scope, Map<String, Derived> ctes, String context) {
        for (Field field : AstReader.fields(node.getClass())) {
            if (handled.contains(field.getName())) {
                continue;
            }
            Object value;
            try {
                value = field.get(node);
            } catch (IllegalAccessException e) {
                untraced.add("part of the statement could not be read");
                continue;
            }
            walk(value, scope, ctes, Use.OTHER, context);
        }
    }

    private void walk(Object node, Scope scope, Map<String, Derived> ctes, Use use, String context) {
        if (node == null) {
            return;
        }
        if (depth > AstReader.MAX_WALK_DEPTH) {
            untraced.add("the statement nests too deeply to trace its columns");
            return;
        }
        depth++;
        try {
            walkNode(node, scope, ctes, use, context);
        } finally {
            depth--;
        }
    }

    private void walkNode(Object node, Scope scope, Map<String, Derived> ctes, Use use, String context) {
        if (node instanceof Collection<?> collection) {
            for (Object element : collection) {
                walk(element, scope, ctes, use, context);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Object value : map.values()) {
                walk(value, scope, ctes, use, context);
            }
            return;
        }
        if (node.getClass().isArray()) {
            if (!node.getClass().getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(node); i++) {
                    walk(Array.get(node, i), scope, ctes, use, context);
                }
            }
            return;
        }
        if (!AstReader.isJsqlNode(node.getClass())) {
            return;
        }
        switch (node) {
            case Column column -> {
                record(resolve(column, scope), column.getArrayConstructor() == null ? use : Use.OTHER, context);
                // A subscript is an expression of its own (it may hold a subquery).
                walk(column.getArrayConstructor(), scope, ctes, Use.OTHER, context);
            }
            case AllTableColumns star -> {
                for (Source source : sourcesNamed(scope, qualifier(star.getTable()), star.getTable())) {
                    record(source.origins(ColumnUse.WHOLE_ROW), use, context);
                }
            }
            case AllColumns ignored -> {
                // A bare * inside an expression: every column in scope.
                for (Source source : scope.sources) {
                    record(source.origins(ColumnUse.WHOLE_ROW), use, context);
                }
            }
            case Table ignored -> {
                // A name, not a read (FOR UPDATE OF t, a column's qualifier).
            }
            case Function function when isPlainCount(function) -> {
                walk(function.getParameters(), scope, ctes, Use.COUNTED_OR_NULL_TEST, context);
                rest(function, Set.of("parameters"), scope, ctes, context);
            }
            case IsNullExpression test when isColumnOrRow(test.getLeftExpression()) -> {
                walk(test.getLeftExpression(), scope, ctes, Use.COUNTED_OR_NULL_TEST, context);
                rest(test, Set.of("leftExpression"), scope, ctes, context);
            }
            case ExistsExpression exists when exists.getRightExpression() instanceof Select select ->
                    query(select, scope, ctes, Mode.EXISTS);
            case Select select -> query(select, scope, ctes, Mode.OTHER);
            case Insert insert -> insert(insert, scope, ctes);
            case Update update -> update(update, scope, ctes);
            case Delete delete -> delete(delete, scope, ctes);
            default -> {
                if (!enter(node)) {
                    return;
                }
                try {
                    for (Field field : AstReader.fields(node.getClass())) {
                        Object value;
                        try {
                            value = field.get(node);
                        } catch (IllegalAccessException e) {
                            untraced.add("part of the statement could not be read");
                            continue;
                        }
                        walk(value, scope, ctes, use, context);
                    }
                } finally {
                    leave(node);
                }
            }
        }
    }

    /** {@code count(col)}, {@code count(t.*)}, {@code count(*)}: not DISTINCT (that compares values). */
    private static boolean isPlainCount(Function function) {
        List<String> name = function.getMultipartName();
        if (name == null || name.isEmpty()) {
            return false;
        }
        String last = AstReader.identifier(name.get(name.size() - 1));
        boolean builtIn = name.size() == 1 || name.size() == 2 && AstReader.identifier(name.get(0)).equals("pg_catalog");
        return builtIn && last.equals("count") && !function.isDistinct() && !function.isUnique()
                && function.getParameters() != null && function.getParameters().size() == 1
                && isColumnOrRow(function.getParameters().get(0))
                && (function.getOrderByElements() == null || function.getOrderByElements().isEmpty());
    }

    private static boolean isColumnOrRow(Object expression) {
        return expression instanceof Column column && column.getArrayConstructor() == null
                || expression instanceof AllColumns;
    }

    // ------------------------------------------------------------------ names

    /** What a column reference may read: relation columns, and whole rows of derived tables. */
    private record Resolved(Set<Origin> origins, Set<Origin> derivedRows) {
    }

    private Resolved resolve(Column column, Scope scope) {
        Set<Origin> origins = new LinkedHashSet<>();
        Set<Origin> derivedRows = new LinkedHashSet<>();
        String rawName = column.getColumnName();
        if (rawName == null) {
            untraced.add("a column without a name");
            return new Resolved(origins, derivedRows);
        }
        String name = AstReader.identifier(rawName);
        String qualifier = qualifierOf(column);
        if (qualifier != null) {
            List<Source> sources = sourcesNamed(scope, qualifier, column.getTable());
            if (!sources.isEmpty()) {
                for (Source source : sources) {
                    origins.addAll(source.origins(name));
                }
                return new Resolved(origins, derivedRows);
            }
            // A qualifier no FROM item has (PostgreSQL would refuse it): read it as an unqualified name.
        } else if (AstReader.VALUE_KEYWORDS.contains(name)) {
            return new Resolved(origins, derivedRows);
        }
        for (Scope level = scope; level != null; level = level.outer) {
            boolean sure = false;
            for (Source source : level.sources) {
                origins.addAll(source.origins(name));
                sure |= source.surelyHas(name);
                if (qualifier == null && name.equals(source.name)) {
                    // PostgreSQL reads a bare FROM item name as its whole row (when no column has it).
                    if (source.relation != null) {
                        origins.add(new Origin(source.relation, ColumnUse.WHOLE_ROW));
                    } else {
                        derivedRows.addAll(source.origins(ColumnUse.WHOLE_ROW));
                    }
                }
            }
            if (sure) {
                break;
            }
        }
        return new Resolved(origins, derivedRows);
    }

    private static String qualifierOf(Column column) {
        Table table = column.getTable();
        return table == null || table.getName() == null || table.getName().isEmpty()
                ? null : AstReader.identifier(table.getName());
    }

    private static String qualifier(Table table) {
        return table == null || table.getName() == null ? null : AstReader.identifier(table.getName());
    }

    /** The FROM items a qualifier names, from the innermost level that has one. */
    private static List<Source> sourcesNamed(Scope scope, String qualifier, Table written) {
        String schema = written == null || written.getSchemaName() == null || written.getSchemaName().isEmpty()
                ? null : AstReader.identifier(written.getSchemaName());
        for (Scope level = scope; level != null; level = level.outer) {
            List<Source> found = new ArrayList<>();
            for (Source source : level.sources) {
                boolean byName = qualifier != null && qualifier.equals(source.name);
                boolean bySchema = schema != null && source.relation != null && source.relation.name().equals(qualifier)
                        && (!source.relation.isQualified() || source.relation.schema().equals(schema));
                if (schema == null ? byName : bySchema) {
                    found.add(source);
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    // ------------------------------------------------------------------ recording

    private void record(Resolved resolved, Use use, String context) {
        record(resolved.origins, use, context);
        // A derived table's whole row is a computed record: masking cannot see into it.
        record(resolved.derivedRows, use == Use.COUNTED_OR_NULL_TEST ? use : Use.OTHER, context);
    }

    private void record(Set<Origin> origins, Use use, String context) {
        for (Origin origin : origins) {
            uses.add(new ColumnUse(origin.table(), origin.column(), use, context));
        }
    }

    /** Guards against walking one node inside itself (jsqlparser trees are trees, but cheap to check). */
    private boolean enter(Object node) {
        return walking.put(node, Boolean.TRUE) == null;
    }

    private void leave(Object node) {
        walking.remove(node);
    }
}
