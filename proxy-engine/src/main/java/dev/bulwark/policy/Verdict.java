package dev.bulwark.policy;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What policy decided about a query: allow it, deny it (SQLSTATE 42501), or hold it for approval. For a
 * query of several statements it is the most severe statement verdict (deny over hold over allow), so
 * nothing of a query runs if any part of it is denied.
 */
public sealed interface Verdict permits Verdict.Allow, Verdict.Deny, Verdict.Hold {

    /** LOG rules that matched (observe mode), in evaluation order, for the recording. */
    List<RuleRef> logged();

    /** The rules that decided: the allowing rules, or the denying or holding one; empty when a default did. */
    List<RuleRef> decidedBy();

    /**
     * Let it run.
     *
     * @param rules the ALLOW rules that decided, in statement order, each once (a query of several
     *        statements may be allowed by several); empty when no rule did (nothing matched and the
     *        statement was read, unknown_action is allow, or the query is empty)
     * @param logged LOG rules that matched
     * @param warnings things to record about an allowed statement (for example that Bulwark could not
     *        read it and unknown_action is allow)
     */
    record Allow(List<RuleRef> rules, List<RuleRef> logged, List<String> warnings) implements Verdict {
        public Allow {
            rules = List.copyOf(rules);
            logged = List.copyOf(logged);
            warnings = List.copyOf(warnings);
        }

        @Override
        public List<RuleRef> decidedBy() {
            return rules;
        }

        /** Allowed with no rule deciding. */
        static Allow byDefault(List<RuleRef> logged, List<String> warnings) {
            return new Allow(List.of(), logged, warnings);
        }
    }

    /**
     * Refuse it.
     *
     * @param rule the rule that denied it; empty when the unknown default or a protocol check did
     * @param message the message for the client, naming the rule
     * @param statementIndex which statement of the query (0-based) was denied
     * @param logged LOG rules that matched
     */
    record Deny(Optional<RuleRef> rule, String message, int statementIndex, List<RuleRef> logged) implements Verdict {
        public Deny {
            requireNonNull(rule, "rule is null");
            requireNonNull(message, "message is null");
            logged = List.copyOf(logged);
        }

        @Override
        public List<RuleRef> decidedBy() {
            return rule.stream().toList();
        }
    }

    /**
     * Hold it until approved.
     *
     * @param rule the rule that held it; empty when the unknown default did
     * @param approval who approves, how many, how long
     * @param message what to tell the client and the reviewers
     * @param statementIndex which statement of the query (0-based) asked for the hold
     * @param logged LOG rules that matched
     * @param warnings as for {@link Allow}
     */
    record Hold(Optional<RuleRef> rule, Approval approval, String message, int statementIndex, List<RuleRef> logged,
            List<String> warnings) implements Verdict {
        public Hold {
            requireNonNull(rule, "rule is null");
            requireNonNull(approval, "approval is null");
            requireNonNull(message, "message is null");
            logged = List.copyOf(logged);
            warnings = List.copyOf(warnings);
        }

        @Override
        public List<RuleRef> decidedBy() {
            return rule.stream().toList();
        }
    }
}
