package dev.bulwark.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.config.WriteScopeConfig;
import dev.bulwark.policy.Operation;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleRef;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.Verb;
import dev.bulwark.policy.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Whether a filtered write is in effect unfiltered (issue 14 class 4): the pure part, no I/O.
 *
 * <p>The policy reader marks an UPDATE/DELETE (or MERGE action) "missing WHERE" from its syntax only
 * ({@code WHERE true}, {@code 1=1}). No list of tautologies is complete ({@code id > 0},
 * {@code id IS NOT NULL}, {@code status LIKE '%'}, {@code USING}/{@code FROM} joins that cover the table,
 * a MERGE joined to its own table), so a write with a WHERE is also judged by what PostgreSQL's planner
 * expects it to touch:
 * <ol>
 *   <li>{@link #ifUnfiltered}: decide the query a second time as if each filtered UPDATE/DELETE were
 *       unfiltered. When the outcome is the same (no rule cares, or the write is already held), nothing
 *       more happens: identities and statements no rule distinguishes pay nothing.</li>
 *   <li>Otherwise the {@link WriteScopeEstimator} EXPLAINs the statement (never ANALYZE) and
 *       {@link #touches} reads the rows each ModifyTable node would take from its input plan, and the
 *       planner's estimate of the target table's rows; {@link #judge} calls the write unfiltered when it
 *       would touch at least {@code unfiltered_fraction} of the table (and at least {@code min_rows}).</li>
 *   <li>{@link #choose}: the unfiltered verdict (with the estimate in its message, for the client and the
 *       reviewers) when the write is wide or could not be estimated (fail closed), else the first.</li>
 * </ol>
 */
final class WriteScope {

    private WriteScope() {
    }

    /**
     * The verdict the query would get if its filtered UPDATE/DELETE operations had no WHERE, when that is a
     * different outcome than {@code verdict}; empty when it would not change anything (or it has none).
     */
    static Optional<Verdict> ifUnfiltered(QueryClassification query, Verdict verdict,
            Function<QueryClassification, Verdict> decide) {
        Optional<QueryClassification> unfiltered = asUnfiltered(query);
        if (unfiltered.isEmpty()) {
            return Optional.empty();
        }
        Verdict other = decide.apply(unfiltered.get());
        return sameOutcome(verdict, other) ? Optional.empty() : Optional.of(other);
    }

    /** The query with every filtered UPDATE/DELETE operation marked unfiltered; empty when it has none. */
    static Optional<QueryClassification> asUnfiltered(QueryClassification query) {
        boolean changed = false;
        List<StatementClassification> statements = new ArrayList<>(query.size());
        for (StatementClassification statement : query.statements()) {
            if (!hasFilteredWrite(statement)) {
                statements.add(statement);
                continue;
            }
            changed = true;
            List<Operation> operations = statement.operations().stream()
                    .map(op -> isFilteredWrite(op) ? new Operation(op.verb(), op.tables(), true, op.detail()) : op)
                    .toList();
            statements.add(new StatementClassification(statement.text(), statement.normalizedText(), operations,
                    statement.functions(), statement.prepared()));
        }
        return changed ? Optional.of(new QueryClassification(query.text(), statements, query.singleStatementRequired()))
                : Optional.empty();
    }

    /** The statements of the query whose writes must be estimated, in order. */
    static List<StatementClassification> filteredWrites(QueryClassification query) {
        return query.statements().stream().filter(WriteScope::hasFilteredWrite).toList();
    }

    private static boolean hasFilteredWrite(StatementClassification statement) {
        return statement.operations().stream().anyMatch(WriteScope::isFilteredWrite);
    }

    private static boolean isFilteredWrite(Operation operation) {
        return (operation.verb() == Verb.UPDATE || operation.verb() == Verb.DELETE) && !operation.missingWhere();
    }

    /** Same action by the same rule (and, for holds, the same approval); messages and warnings aside. */
    static boolean sameOutcome(Verdict a, Verdict b) {
        return switch (a) {
            case Verdict.Allow allow -> b instanceof Verdict.Allow;
            case Verdict.Deny deny -> b instanceof Verdict.Deny other && ruleId(deny.rule()).equals(ruleId(other.rule()));
            case Verdict.Hold hold -> b instanceof Verdict.Hold other && ruleId(hold.rule()).equals(ruleId(other.rule()))
                    && hold.approval().equals(other.approval());
        };
    }

    private static String ruleId(Optional<RuleRef> rule) {
        return rule.map(RuleRef::id).orElse("");
    }

    // ------------------------------------------------------------------ reading plans

    /**
     * One ModifyTable node of a plan that updates or deletes existing rows.
     *
     * @param schema the target table's schema, as the planner resolved it
     * @param relation the target table
     * @param operation Update, Delete, Merge, or Insert (with ON CONFLICT DO UPDATE)
     * @param rows the planner's estimate of the rows the node takes from its input plan
     */
    record Touch(String schema, String relation, String operation, double rows) {
        Touch {
            requireNonNull(schema, "schema is null");
            requireNonNull(relation, "relation is null");
            requireNonNull(operation, "operation is null");
            if (!(rows >= 0)) {
                throw new IllegalArgumentException("rows must be a number >= 0, got " + rows);
            }
        }

        String table() {
            return schema + "." + relation;
        }
    }

    /**
     * The ModifyTable nodes of {@code EXPLAIN (FORMAT JSON, VERBOSE)} output (VERBOSE names the schema) (an array of {"Plan": ...}, one per query
     * the statement was rewritten into), anywhere in the tree (writes in CTEs sit under the top node), that
     * update or delete: Update, Delete, Merge, and Insert ... ON CONFLICT DO UPDATE. Plain INSERTs are left out.
     *
     * @throws IllegalArgumentException when the output does not have that shape (an estimate then fails closed)
     */
    static List<Touch> touches(JsonNode explain) {
        if (explain == null || !explain.isArray() || explain.isEmpty()) {
            throw new IllegalArgumentException("EXPLAIN output is not a non-empty JSON array");
        }
        List<Touch> found = new ArrayList<>();
        for (JsonNode query : explain) {
            JsonNode plan = query.get("Plan");
            if (plan == null || !plan.isObject()) {
                throw new IllegalArgumentException("EXPLAIN output without a Plan");
            }
            walk(plan, found, 0);
        }
        return found;
    }

    private static void walk(JsonNode plan, List<Touch> found, int depth) {
        if (depth > 200) {
            throw new IllegalArgumentException("plan nested too deep");
        }
        if ("ModifyTable".equals(plan.path("Node Type").asText())) {
            String operation = plan.path("Operation").asText();
            boolean updatesRows = switch (operation) {
                case "Update", "Delete", "Merge" -> true;
                case "Insert" -> "UPDATE".equalsIgnoreCase(plan.path("Conflict Resolution").asText());
                default -> false;
            };
            if (updatesRows) {
                JsonNode input = inputOf(plan);
                if (input == null || !input.path("Plan Rows").isNumber()) {
                    throw new IllegalArgumentException("a ModifyTable node without an input plan");
                }
                String relation = plan.path("Relation Name").asText("");
                String schema = plan.path("Schema").asText("");
                if (relation.isEmpty() || schema.isEmpty()) {
                    throw new IllegalArgumentException("a ModifyTable node without its schema and relation (not VERBOSE?)");
                }
                found.add(new Touch(schema, relation, operation,
                        input.path("Plan Rows").asDouble()));
            }
        }
        for (JsonNode child : plan.path("Plans")) {
            walk(child, found, depth + 1);
        }
    }

    /** The node's outer plan: the rows it modifies (initplans and CTE scans are other children). */
    private static JsonNode inputOf(JsonNode modifyTable) {
        for (JsonNode child : modifyTable.path("Plans")) {
            if ("Outer".equals(child.path("Parent Relationship").asText())) {
                return child;
            }
        }
        return null;
    }

    /** The planner's estimate of a table's rows, from {@code EXPLAIN (FORMAT JSON) SELECT 1 FROM t}. */
    static double tableRows(JsonNode explain) {
        JsonNode rows = explain == null ? null : explain.path(0).path("Plan").path("Plan Rows");
        if (rows == null || !rows.isNumber() || !(rows.asDouble() >= 0)) {
            throw new IllegalArgumentException("EXPLAIN of the table has no row estimate");
        }
        return rows.asDouble();
    }

    // ------------------------------------------------------------------ deciding

    /**
     * What a write would touch.
     *
     * @param touch the ModifyTable node
     * @param tableRows the planner's estimate of the whole target table (inheritance children included)
     */
    record Measured(Touch touch, double tableRows) {
        Measured {
            requireNonNull(touch, "touch is null");
            if (!(tableRows >= 0)) {
                throw new IllegalArgumentException("tableRows must be a number >= 0, got " + tableRows);
            }
        }

        /** "an estimated 20,000 of 20,000 rows of public.orders (100%)". */
        String describe() {
            long rows = Math.round(touch.rows());
            long table = Math.round(tableRows);
            String share = tableRows <= 0 ? "" : String.format(Locale.ROOT, " (%d%%)",
                    Math.round(100 * Math.min(touch.rows() / tableRows, 9.99)));
            return String.format(Locale.ROOT, "an estimated %,d of %,d rows of %s%s", rows, table, touch.table(), share);
        }
    }

    /** The outcome of an estimate. */
    sealed interface Scope permits Scope.Narrow, Scope.Wide, Scope.Unknown {
        /** For the client's notice and the reviewers. */
        String reason();

        /** Every write touches less than the configured share of its table. */
        record Narrow(List<Measured> writes) implements Scope {
            public Narrow {
                writes = List.copyOf(writes);
            }

            @Override
            public String reason() {
                return "write scope: " + String.join("; ", writes.stream().map(Measured::describe).toList());
            }
        }

        /** A write would touch at least the configured share of its table: as if it had no WHERE. */
        record Wide(Measured write, double fraction) implements Scope {
            public Wide {
                requireNonNull(write, "write is null");
            }

            @Override
            public String reason() {
                return "the statement would touch " + write.describe() + "; a write of "
                        + String.format(Locale.ROOT, "%d%%", Math.round(fraction * 100))
                        + " or more of a table counts as one without a WHERE";
            }
        }

        /** The estimate failed; the write counts as unfiltered (fail closed). */
        record Unknown(String why) implements Scope {
            public Unknown {
                requireNonNull(why, "why is null");
            }

            @Override
            public String reason() {
                return "Bulwark could not estimate the rows this write touches (" + why
                        + "), so it counts as one without a WHERE";
            }
        }
    }

    /** Wide when any write touches at least {@code fraction} of its table and at least {@code min_rows} rows. */
    static Scope judge(List<Measured> writes, WriteScopeConfig config) {
        if (writes.isEmpty()) {
            return new Scope.Unknown("the plan shows no UPDATE or DELETE");
        }
        for (Measured write : writes) {
            double rows = write.touch().rows();
            if (rows >= config.minRows() && rows >= config.unfilteredFraction() * write.tableRows()) {
                return new Scope.Wide(write, config.unfilteredFraction());
            }
        }
        return new Scope.Narrow(writes);
    }

    /**
     * The verdict to apply: {@code unfiltered} (its message naming the estimate) when the write is wide or
     * could not be estimated, {@code filtered} when it is narrow.
     */
    static Verdict choose(Verdict filtered, Verdict unfiltered, Scope scope) {
        return switch (scope) {
            case Scope.Narrow narrow -> filtered;
            case Scope.Wide wide -> explained(unfiltered, wide.reason());
            case Scope.Unknown unknown -> explained(unfiltered, unknown.reason());
        };
    }

    private static Verdict explained(Verdict verdict, String reason) {
        return switch (verdict) {
            case Verdict.Allow allow -> {
                List<String> warnings = new ArrayList<>(allow.warnings());
                warnings.add(reason);
                yield new Verdict.Allow(allow.rules(), allow.logged(), warnings);
            }
            case Verdict.Deny deny -> new Verdict.Deny(deny.rule(), deny.message() + " (" + reason + ")",
                    deny.statementIndex(), deny.logged());
            case Verdict.Hold hold -> new Verdict.Hold(hold.rule(), hold.approval(), hold.message() + " (" + reason + ")",
                    hold.statementIndex(), hold.logged(), hold.warnings());
        };
    }
}
