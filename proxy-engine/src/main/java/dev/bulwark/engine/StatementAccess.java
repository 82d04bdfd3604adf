package dev.bulwark.engine;

import dev.bulwark.masking.ComputedUse;
import dev.bulwark.masking.SessionMasking;
import dev.bulwark.masking.TableName;
import dev.bulwark.policy.ColumnUse;
import dev.bulwark.policy.Operation;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.Verb;

import java.util.ArrayList;
import java.util.List;

/**
 * What masking's {@code access: masked_only} check needs from a classified query: the policy reader's
 * column uses other than plain projection, count and NULL test, as masking's names, and why the reader
 * could not tell (unread statements, unknown functions, DO, CALL). One place for the session and for
 * {@code rules test}.
 */
final class StatementAccess {

    /**
     * @param uses the computed-on uses
     * @param untraced why some uses could not be traced (the check refuses then)
     */
    record Facts(List<ComputedUse> uses, List<String> untraced) {
        Facts {
            uses = List.copyOf(uses);
            untraced = List.copyOf(untraced);
        }
    }

    /** PostgreSQL's statistics views: their samples (most common values, histogram bounds) are column values. */
    private static final java.util.Set<String> STATISTICS = java.util.Set.of(
            "pg_stats", "pg_statistic", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic_ext_data");

    private StatementAccess() {}

    static Facts facts(QueryClassification query, SessionMasking masking) {
        List<ComputedUse> uses = new ArrayList<>();
        List<String> untraced = new ArrayList<>();
        for (StatementClassification statement : query.statements()) {
            untraced.addAll(statement.columnUses().untraced());
            // Unknown functions, DO, CALL, dynamic SQL: they may read any column, in any way.
            untraced.addAll(statement.unknownReasons());
            for (ColumnUse use : statement.columnUses().uses()) {
                if (use.use() == ColumnUse.Use.OTHER) {
                    uses.add(new ComputedUse(name(use.table()), use.column(), use.context()));
                }
            }
            for (dev.bulwark.policy.TableName table : statement.tables()) {
                if (STATISTICS.contains(table.name()) && (!table.isQualified() || table.schema().equals("pg_catalog"))) {
                    uses.add(new ComputedUse(name(table), ComputedUse.WHOLE_ROW, ComputedUse.STATISTICS));
                }
            }
            for (Operation operation : statement.operations()) {
                if (operation.verb() == Verb.CREATE || operation.verb() == Verb.ALTER) {
                    // Constraints, indexes, triggers, policies and rules on a table compute on its columns.
                    for (dev.bulwark.policy.TableName table : operation.tables()) {
                        if (!table.name().equals("*") && masking.limitsAccessOn(name(table))) {
                            uses.add(new ComputedUse(name(table), ComputedUse.WHOLE_ROW, "CREATE or ALTER on the table"));
                        }
                    }
                }
            }
        }
        return new Facts(uses, untraced);
    }

    static TableName name(dev.bulwark.policy.TableName table) {
        return new TableName(table.schema(), table.name());
    }
}
