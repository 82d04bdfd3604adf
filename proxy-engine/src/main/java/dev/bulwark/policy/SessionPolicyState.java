package dev.bulwark.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What policy must remember about one session: the server-side prepared statements it made, so that
 * {@code EXECUTE p} is judged as what {@code p} does. Not thread-safe: one per session, used on the
 * session's event loop.
 *
 * <p>Call {@link #resolve} before deciding on a query and {@link #observe} with the resolved query once
 * it is allowed (whether or not the server then runs it successfully: see below). For the extended
 * protocol, report named Parse and Close messages with {@link #rememberProtocolStatement} and
 * {@link #forgetProtocolStatement}; PostgreSQL keeps SQL and protocol prepared statements in one
 * namespace, so {@code EXECUTE "S_1"} runs what pgjdbc parsed as S_1.
 *
 * <p>Bulwark does not see whether a PREPARE succeeded. A PREPARE of a name already known therefore adds a
 * possible meaning rather than replacing one (the server either refused it, keeping the old statement,
 * or the old one was gone), and EXECUTE is judged as all of them together. DEALLOCATE and DISCARD ALL
 * forget; if the server refused them, a later EXECUTE reads as unknown, which fails closed.
 */
public final class SessionPolicyState {

    /** More prepared statements than this are not remembered (so their EXECUTE reads as unknown). */
    static final int MAX_PREPARED = 10_000;
    /** More meanings than this for one name collapse into unknown. */
    static final int MAX_MEANINGS = 16;

    private final Map<String, List<StatementClassification>> prepared = new HashMap<>();

    /**
     * The query with each {@code EXECUTE name} replaced by what the prepared statement does, taking
     * earlier statements of the same query into account ({@code PREPARE p AS ...; EXECUTE p}). An EXECUTE
     * of a name this session has not prepared stays UNKNOWN.
     */
    public QueryClassification resolve(QueryClassification query) {
        requireNonNull(query, "query is null");
        boolean any = query.statements().stream().anyMatch(SessionPolicyState::mentionsPrepared);
        if (!any) {
            return query;
        }
        Map<String, List<StatementClassification>> view = copy(prepared);
        List<StatementClassification> resolved = new ArrayList<>(query.size());
        for (StatementClassification statement : query.statements()) {
            StatementClassification result = resolveStatement(statement, view);
            resolved.add(result);
            apply(result, view);
        }
        return query.withStatements(resolved);
    }

    /** Records the session effects (PREPARE, DEALLOCATE, DISCARD ALL) of a query that was allowed. */
    public void observe(QueryClassification allowed) {
        requireNonNull(allowed, "allowed is null");
        for (StatementClassification statement : allowed.statements()) {
            apply(statement, prepared);
        }
    }

    /** A named extended-protocol Parse was allowed: remember what the statement does. */
    public void rememberProtocolStatement(String name, QueryClassification parsed) {
        requireNonNull(name, "name is null");
        requireNonNull(parsed, "parsed is null");
        if (name.isEmpty() || parsed.isEmpty()) {
            // The unnamed statement cannot be reached by SQL EXECUTE.
            return;
        }
        StatementClassification body = parsed.size() == 1 ? parsed.statements().get(0) : union(parsed.statements());
        add(prepared, name, body);
    }

    /** A Close of a named statement: forget it. */
    public void forgetProtocolStatement(String name) {
        prepared.remove(requireNonNull(name, "name is null"));
    }

    /** How many prepared statements are remembered (for tests and metrics). */
    public int preparedCount() {
        return prepared.size();
    }

    private static boolean mentionsPrepared(StatementClassification statement) {
        for (Operation operation : statement.operations()) {
            Verb verb = operation.verb();
            if (verb == Verb.EXECUTE || verb == Verb.PREPARE || verb == Verb.DEALLOCATE || verb == Verb.DISCARD) {
                return true;
            }
        }
        return false;
    }

    private static StatementClassification resolveStatement(StatementClassification statement,
            Map<String, List<StatementClassification>> view) {
        if (statement.operations().stream().noneMatch(operation -> operation.verb() == Verb.EXECUTE)) {
            return statement;
        }
        List<Operation> operations = new ArrayList<>();
        Set<String> functions = new LinkedHashSet<>(statement.functions());
        ColumnUses uses = statement.columnUses();
        for (Operation operation : statement.operations()) {
            List<StatementClassification> meanings = operation.verb() == Verb.EXECUTE ? view.get(operation.detail()) : null;
            if (meanings == null) {
                operations.add(operation);
                continue;
            }
            for (StatementClassification meaning : meanings) {
                operations.addAll(meaning.operations());
                functions.addAll(meaning.functions());
                uses = uses.plus(meaning.columnUses());
            }
        }
        return new StatementClassification(statement.text(), statement.normalizedText(), operations,
                List.copyOf(functions), statement.prepared(), uses);
    }

    private static void apply(StatementClassification statement, Map<String, List<StatementClassification>> map) {
        statement.prepared().ifPresent(prepared -> add(map, prepared.name(), prepared.body()));
        for (Operation operation : statement.operations()) {
            switch (operation.verb()) {
                case DEALLOCATE -> {
                    if (operation.detail().isEmpty()) {
                        map.clear();
                    } else {
                        map.remove(operation.detail());
                    }
                }
                case DISCARD -> {
                    if (operation.detail().equals("all")) {
                        map.clear();
                    }
                }
                default -> {
                }
            }
        }
    }

    private static void add(Map<String, List<StatementClassification>> map, String name, StatementClassification body) {
        List<StatementClassification> meanings = map.get(name);
        if (meanings == null) {
            if (map.size() >= MAX_PREPARED) {
                return;
            }
            meanings = new ArrayList<>();
            map.put(name, meanings);
        }
        if (meanings.contains(body)) {
            return;
        }
        if (meanings.size() >= MAX_MEANINGS) {
            meanings.clear();
            meanings.add(StatementClassification.unknown(body.text(), body.normalizedText(),
                    "prepared statement \"" + name + "\" was prepared too many times to follow"));
            return;
        }
        meanings.add(body);
    }

    private static StatementClassification union(List<StatementClassification> statements) {
        List<Operation> operations = new ArrayList<>();
        Set<String> functions = new LinkedHashSet<>();
        ColumnUses uses = ColumnUses.NONE;
        for (StatementClassification statement : statements) {
            operations.addAll(statement.operations());
            functions.addAll(statement.functions());
            uses = uses.plus(statement.columnUses());
        }
        StatementClassification first = statements.get(0);
        return new StatementClassification(first.text(), first.normalizedText(), operations, List.copyOf(functions),
                java.util.Optional.empty(), uses);
    }

    private static Map<String, List<StatementClassification>> copy(Map<String, List<StatementClassification>> map) {
        Map<String, List<StatementClassification>> copy = new HashMap<>();
        map.forEach((name, meanings) -> copy.put(name, new ArrayList<>(meanings)));
        return copy;
    }
}
