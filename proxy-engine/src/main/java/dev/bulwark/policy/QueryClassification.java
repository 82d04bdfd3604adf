package dev.bulwark.policy;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one query text does: the classification of each statement in it, in order.
 *
 * @param text the query text as received
 * @param statements one entry per statement; empty for an empty query (only whitespace, comments or
 *        semicolons), which PostgreSQL answers with EmptyQueryResponse
 * @param singleStatementRequired true for the text of an extended-protocol Parse, which PostgreSQL refuses
 *        to hold more than one statement; policy denies such a text when it holds several
 */
public record QueryClassification(String text, List<StatementClassification> statements,
        boolean singleStatementRequired) {

    public QueryClassification {
        requireNonNull(text, "text is null");
        statements = List.copyOf(requireNonNull(statements, "statements is null"));
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }

    public int size() {
        return statements.size();
    }

    /** The most severe kind of any statement; READ for an empty query. */
    public StatementKind kind() {
        StatementKind kind = StatementKind.READ;
        for (StatementClassification statement : statements) {
            kind = StatementKind.mostSevere(kind, statement.kind());
        }
        return kind;
    }

    public boolean isUnknown() {
        return statements.stream().anyMatch(StatementClassification::isUnknown);
    }

    QueryClassification withStatements(List<StatementClassification> replaced) {
        return new QueryClassification(text, replaced, singleStatementRequired);
    }
}
