package dev.bulwark.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How policy reads statements that refer to the session's prepared statements and portals:
 * {@code EXECUTE p} is judged as what {@code p} holds, and {@code FETCH c} on a portal that the extended
 * protocol bound and has not run yet as that portal's statement (the first FETCH runs it).
 *
 * <p>Policy keeps no copy of the names: the session owns them (one owner, changed only when PostgreSQL
 * confirms a change) and hands a {@link Names} view to {@link #resolve}. {@link #changes} tells the
 * session what a statement will change once the server confirms it. PostgreSQL keeps SQL and protocol
 * prepared statements in one namespace, so {@code EXECUTE "S_1"} runs what pgjdbc parsed as S_1, and
 * SQL cursors and protocol portals in another.
 */
public final class SessionPolicyState {

    private SessionPolicyState() {
    }

    /** The session's names as the server will hold them when the statement being judged runs. */
    public interface Names {
        /** No prepared statements, no portals. */
        Names NONE = new Names() {
            @Override
            public StatementClassification statement(String name) {
                return null;
            }

            @Override
            public List<StatementClassification> unexecutedPortals(String name) {
                return List.of();
            }
        };

        /**
         * What {@code EXECUTE name} runs; null when the session holds no such statement (or cannot tell,
         * which policy treats the same: an EXECUTE it cannot resolve stays UNKNOWN).
         */
        StatementClassification statement(String name);

        /**
         * The statements of portals bound by the protocol that have not run yet under this cursor name
         * (a FETCH or MOVE on one runs its statement); for an empty name (not readable) every such portal.
         * An unknown classification stands for a portal the session cannot tell.
         */
        List<StatementClassification> unexecutedPortals(String name);
    }

    /** What a statement changes among the session's names once PostgreSQL confirms it (its CommandComplete). */
    public sealed interface NameChange {
        /** PREPARE name AS body. */
        record Prepare(String name, StatementClassification body) implements NameChange {
            public Prepare {
                requireNonNull(name, "name is null");
                requireNonNull(body, "body is null");
            }
        }

        /** DEALLOCATE name; an empty name is DEALLOCATE ALL. */
        record Deallocate(String name) implements NameChange {
            public Deallocate {
                requireNonNull(name, "name is null");
            }
        }

        /** DISCARD ALL: every prepared statement and every portal. */
        record DiscardAll() implements NameChange {
        }

        /** DECLARE name CURSOR: a portal the protocol did not bind; an empty name when it could not be read. */
        record DeclareCursor(String name) implements NameChange {
            public DeclareCursor {
                requireNonNull(name, "name is null");
            }
        }

        /** CLOSE name; an empty name is CLOSE ALL. */
        record CloseCursor(String name) implements NameChange {
            public CloseCursor {
                requireNonNull(name, "name is null");
            }
        }
    }

    /** A stand-in for a prepared statement or portal whose content the session cannot tell: reads as unknown. */
    public static StatementClassification unknownMeaning(String name) {
        return StatementClassification.unknown("", "", "prepared statement or portal \"" + name
                + "\" holds a statement the gateway cannot tell");
    }

    /** The changes a statement makes to the session's names, in order. */
    public static List<NameChange> changes(StatementClassification statement) {
        requireNonNull(statement, "statement is null");
        List<NameChange> changes = null;
        if (statement.prepared().isPresent()) {
            StatementClassification.Prepared prepared = statement.prepared().get();
            changes = new ArrayList<>(1);
            changes.add(new NameChange.Prepare(prepared.name(), prepared.body()));
        }
        for (Operation operation : statement.operations()) {
            NameChange change = switch (operation.verb()) {
                case DEALLOCATE -> new NameChange.Deallocate(operation.detail());
                case DISCARD -> operation.detail().equals("all") ? new NameChange.DiscardAll() : null;
                case DECLARE_CURSOR -> new NameChange.DeclareCursor(operation.detail());
                case CLOSE_CURSOR -> new NameChange.CloseCursor(operation.detail());
                default -> null;
            };
            if (change != null) {
                if (changes == null) {
                    changes = new ArrayList<>(1);
                }
                changes.add(change);
            }
        }
        return changes == null ? List.of() : changes;
    }

    /** True when judging the query needs the session's names (it runs EXECUTE, FETCH or MOVE). */
    public static boolean readsNames(QueryClassification query) {
        for (StatementClassification statement : query.statements()) {
            for (Operation operation : statement.operations()) {
                if (operation.verb() == Verb.EXECUTE || operation.verb() == Verb.FETCH) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The query with each {@code EXECUTE name} replaced by what the prepared statement does, and each
     * {@code FETCH}/{@code MOVE} on an unexecuted protocol portal joined by what that portal runs, taking
     * earlier statements of the same query into account ({@code PREPARE p AS ...; EXECUTE p}: PostgreSQL
     * runs them in order, and a failing one stops the rest). An EXECUTE of a name the session does not hold
     * stays UNKNOWN.
     */
    public static QueryClassification resolve(QueryClassification query, Names names) {
        requireNonNull(query, "query is null");
        requireNonNull(names, "names is null");
        if (!readsNames(query)) {
            return query;
        }
        Overlay overlay = new Overlay(names);
        List<StatementClassification> resolved = new ArrayList<>(query.size());
        for (StatementClassification statement : query.statements()) {
            StatementClassification result = resolveStatement(statement, overlay);
            resolved.add(result);
            for (NameChange change : changes(result)) {
                overlay.apply(change);
            }
        }
        return query.withStatements(resolved);
    }

    /** A map of prepared statements as a {@link Names} view without portals (for tests and tools). */
    public static Names of(Map<String, StatementClassification> statements) {
        Map<String, StatementClassification> copy = Map.copyOf(statements);
        return new Names() {
            @Override
            public StatementClassification statement(String name) {
                return copy.get(name);
            }

            @Override
            public List<StatementClassification> unexecutedPortals(String name) {
                return List.of();
            }
        };
    }

    /**
     * Applies a confirmed change to a map of prepared statements (portals are not kept): what a session
     * that ran the statement would hold afterwards. For tests and tools that replay statements.
     */
    public static void apply(NameChange change, Map<String, StatementClassification> statements) {
        switch (change) {
            case NameChange.Prepare prepare -> statements.put(prepare.name(), prepare.body());
            case NameChange.Deallocate deallocate -> {
                if (deallocate.name().isEmpty()) {
                    statements.clear();
                } else {
                    statements.remove(deallocate.name());
                }
            }
            case NameChange.DiscardAll discard -> statements.clear();
            case NameChange.DeclareCursor declare -> {
            }
            case NameChange.CloseCursor close -> {
            }
        }
    }

    /** The session's names with the changes of earlier statements of the same query on top. */
    private static final class Overlay {
        private final Names names;
        private final Map<String, StatementClassification> prepared = new HashMap<>();
        private final Set<String> deallocated = new HashSet<>();
        private final Set<String> cursors = new HashSet<>();
        private boolean allDeallocated;
        private boolean allCursorsGone;

        Overlay(Names names) {
            this.names = names;
        }

        StatementClassification statement(String name) {
            StatementClassification local = prepared.get(name);
            if (local != null) {
                return local;
            }
            return allDeallocated || deallocated.contains(name) ? null : names.statement(name);
        }

        List<StatementClassification> unexecutedPortals(String name) {
            if (allCursorsGone || !name.isEmpty() && cursors.contains(name)) {
                return List.of(); // closed, or now a SQL cursor: FETCH reads what its DECLARE was judged for
            }
            return names.unexecutedPortals(name);
        }

        void apply(NameChange change) {
            switch (change) {
                case NameChange.Prepare prepare -> prepared.put(prepare.name(), prepare.body());
                case NameChange.Deallocate deallocate -> {
                    if (deallocate.name().isEmpty()) {
                        prepared.clear();
                        allDeallocated = true;
                    } else {
                        prepared.remove(deallocate.name());
                        deallocated.add(deallocate.name());
                    }
                }
                case NameChange.DiscardAll discard -> {
                    prepared.clear();
                    allDeallocated = true;
                    allCursorsGone = true;
                }
                case NameChange.DeclareCursor declare -> cursors.add(declare.name());
                case NameChange.CloseCursor close -> {
                    if (close.name().isEmpty()) {
                        allCursorsGone = true;
                    } else {
                        cursors.add(close.name());
                    }
                }
            }
        }
    }

    private static StatementClassification resolveStatement(StatementClassification statement, Overlay names) {
        boolean reads = false;
        for (Operation operation : statement.operations()) {
            reads |= operation.verb() == Verb.EXECUTE || operation.verb() == Verb.FETCH;
        }
        if (!reads) {
            return statement;
        }
        List<Operation> operations = new ArrayList<>();
        Set<String> functions = new LinkedHashSet<>(statement.functions());
        ColumnUses uses = statement.columnUses();
        for (Operation operation : statement.operations()) {
            switch (operation.verb()) {
                case EXECUTE -> {
                    StatementClassification meaning = names.statement(operation.detail());
                    if (meaning == null) {
                        operations.add(operation); // stays UNKNOWN
                    } else {
                        operations.addAll(meaning.operations());
                        functions.addAll(meaning.functions());
                        uses = uses.plus(meaning.columnUses());
                    }
                }
                case FETCH -> {
                    operations.add(operation);
                    for (StatementClassification meaning : names.unexecutedPortals(operation.detail())) {
                        operations.addAll(meaning.operations());
                        functions.addAll(meaning.functions());
                        uses = uses.plus(meaning.columnUses());
                    }
                }
                default -> operations.add(operation);
            }
        }
        return new StatementClassification(statement.text(), statement.normalizedText(), operations,
                List.copyOf(functions), statement.prepared(), uses);
    }

    /** Several statements (a Parse text PostgreSQL will refuse, kept for completeness) read as one. */
    public static StatementClassification union(QueryClassification query) {
        if (query.size() == 1) {
            return query.statements().get(0);
        }
        if (query.isEmpty()) {
            return null;
        }
        List<Operation> operations = new ArrayList<>();
        Set<String> functions = new LinkedHashSet<>();
        ColumnUses uses = ColumnUses.NONE;
        for (StatementClassification statement : query.statements()) {
            operations.addAll(statement.operations());
            functions.addAll(statement.functions());
            uses = uses.plus(statement.columnUses());
        }
        StatementClassification first = query.statements().get(0);
        return new StatementClassification(first.text(), first.normalizedText(), operations, List.copyOf(functions),
                Optional.empty(), uses);
    }
}
