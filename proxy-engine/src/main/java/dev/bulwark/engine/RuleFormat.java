package dev.bulwark.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.RuleKind;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * How one kind of rules is read, checked, written and compiled, so that {@link RuleBook} can keep
 * both kinds the same way. A rule travels as a JSON object (its "body"); a set of rules is stored
 * as one JSON document with a {@code rules} array of those bodies. Bodies handed out are canonical:
 * written back from the parsed rule, so two bodies are equal exactly when the rules are.
 *
 * @param <S> the kind's compiled rule set
 */
sealed interface RuleFormat<S> permits PolicyRuleFormat, MaskingRuleFormat {

    RuleKind kind();

    /** The kind as the store names it ({@code policy}, {@code masking}). */
    String storeKind();

    /** No rules at all. */
    S empty();

    /**
     * Reads a stored document.
     *
     * @throws IllegalArgumentException when it is not a valid rule set (the message says why)
     */
    S readStored(String json);

    /**
     * Reads the configured file. Blocks on file I/O.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not a valid rule set
     */
    S readFile(Path file) throws IOException;

    /** The set's rules as canonical bodies, by id, in evaluation order. */
    LinkedHashMap<String, ObjectNode> bodies(S set);

    /**
     * Checks one rule's body, whose {@code id} is set already, and returns it canonical.
     *
     * @throws dev.bulwark.model.ManagementException bad_request naming the rule and what is wrong
     */
    ObjectNode canonical(String id, ObjectNode body);

    /**
     * The set made of these canonical bodies, in this order, with the other settings of
     * {@code current}; checked and compiled.
     *
     * @throws dev.bulwark.model.ManagementException bad_request when the set as a whole is not valid
     */
    S withRules(S current, List<ObjectNode> rules);

    /** The set as the document to store, with its version's particulars where the format has room. */
    String toJson(S set, long version, String changedBy, Instant changedAt);

    /** The set with its version's particulars, where the format carries them. */
    S stamped(S set, long version, String changedBy, Instant changedAt);
}
