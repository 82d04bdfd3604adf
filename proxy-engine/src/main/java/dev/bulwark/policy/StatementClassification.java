package dev.bulwark.policy;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What one statement does, as far as Bulwark can read it.
 *
 * @param text the statement as the client wrote it (comments kept, surrounding whitespace trimmed)
 * @param normalizedText comments stripped, whitespace collapsed, lower-cased outside quotes and literals;
 *        what rules' regular expressions see
 * @param operations what the statement does, never empty
 * @param functions every function the statement calls, normalised ({@code pg_catalog.lower} and
 *        {@code lower} both read {@code lower}), in order of appearance, no repeats
 * @param prepared for {@code PREPARE name AS ...}: the name and the classification of the statement
 *        prepared (which this statement does not run)
 * @param columnUses how the statement (with what it nests: EXPLAIN, DECLARE, PREPARE's body) uses
 *        columns, for masking's {@code access: masked_only}; untraced where the reader could not tell
 */
public record StatementClassification(
        String text,
        String normalizedText,
        List<Operation> operations,
        List<String> functions,
        Optional<Prepared> prepared,
        ColumnUses columnUses) {

    public StatementClassification {
        requireNonNull(text, "text is null");
        requireNonNull(normalizedText, "normalizedText is null");
        operations = List.copyOf(requireNonNull(operations, "operations is null"));
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("operations is empty");
        }
        functions = List.copyOf(requireNonNull(functions, "functions is null"));
        requireNonNull(prepared, "prepared is null");
        requireNonNull(columnUses, "columnUses is null");
    }

    /** Without column facts: a check that needs them fails closed on such a classification. */
    public StatementClassification(String text, String normalizedText, List<Operation> operations,
            List<String> functions, Optional<Prepared> prepared) {
        this(text, normalizedText, operations, functions, prepared,
                ColumnUses.untraced("the statement's column uses were not read"));
    }

    /** A statement Bulwark cannot read at all. */
    static StatementClassification unknown(String text, String normalizedText, String reason) {
        return new StatementClassification(text, normalizedText, List.of(Operation.unknown(reason)), List.of(),
                Optional.empty(), ColumnUses.untraced(reason));
    }

    /** The most severe kind among the operations. */
    public StatementKind kind() {
        StatementKind kind = StatementKind.READ;
        for (Operation operation : operations) {
            kind = StatementKind.mostSevere(kind, operation.kind());
        }
        return kind;
    }

    public Set<Verb> verbs() {
        Set<Verb> verbs = EnumSet.noneOf(Verb.class);
        operations.forEach(operation -> verbs.add(operation.verb()));
        return verbs;
    }

    /** Every table any operation touches, in order, no repeats. */
    public List<TableName> tables() {
        Set<TableName> tables = new LinkedHashSet<>();
        operations.forEach(operation -> tables.addAll(operation.tables()));
        return List.copyOf(tables);
    }

    /** True when some part of the statement is unknown, so the unknown default applies to it. */
    public boolean isUnknown() {
        return kind() == StatementKind.UNKNOWN;
    }

    /** Why the statement (or a part of it) is unknown; empty when it is not. */
    public List<String> unknownReasons() {
        return operations.stream()
                .filter(operation -> operation.kind() == StatementKind.UNKNOWN)
                .map(operation -> switch (operation.verb()) {
                    case UNKNOWN_FUNCTION -> "calls " + operation.detail() + "(), which is not known to be safe";
                    case DO -> "DO runs procedural code Bulwark cannot read";
                    case CALL -> "CALL " + operation.detail() + " runs a procedure Bulwark cannot read";
                    case EXECUTE -> "EXECUTE of prepared statement \"" + operation.detail()
                            + "\", which this session did not prepare through Bulwark";
                    case DYNAMIC_SQL -> operation.detail() + "() runs SQL text Bulwark cannot read";
                    case REMOTE_SQL -> operation.detail() + "() runs SQL on another server";
                    default -> operation.detail();
                })
                .toList();
    }

    /**
     * The statement a PREPARE prepares.
     *
     * @param name the prepared statement's name, as PostgreSQL folds it
     * @param body what the prepared statement does when executed
     */
    public record Prepared(String name, StatementClassification body) {
        public Prepared {
            requireNonNull(name, "name is null");
            requireNonNull(body, "body is null");
        }
    }
}
