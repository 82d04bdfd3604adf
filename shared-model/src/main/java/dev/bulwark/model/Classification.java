package dev.bulwark.model;

import java.util.List;

/**
 * What the engine understood of a statement.
 *
 * @param kind the classifier's kind (for example read, write, ddl, admin, unknown); the policy
 *     engine owns the vocabulary, so it travels as text
 * @param verbs the statement verbs found, upper case (SELECT, UPDATE, ...)
 * @param tables the tables touched, as written (schema-qualified when the statement qualified them)
 */
public record Classification(String kind, List<String> verbs, List<String> tables) {
    public Classification {
        Checks.text(kind, "kind");
        verbs = Checks.list(verbs);
        tables = Checks.list(tables);
    }
}
