package dev.bulwark.approval;

import dev.bulwark.auth.Identity;
import dev.bulwark.policy.Approval;
import dev.bulwark.policy.QueryClassification;
import dev.bulwark.policy.RuleRef;
import dev.bulwark.policy.StatementClassification;
import dev.bulwark.policy.StatementKind;
import dev.bulwark.policy.TableName;
import dev.bulwark.policy.Verb;
import dev.bulwark.policy.Verdict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A statement policy held for approval, as the session hands it to {@link ApprovalService#request}.
 *
 * @param sessionId the session that holds it
 * @param requester who sent it (never holds the token)
 * @param target the target name
 * @param role the database role it would run as
 * @param text the exact statement text that would run (the whole query for a multi-statement Query)
 * @param parameters bind parameters rendered as text, null elements for SQL NULL, empty when none
 * @param rule the rule that held it ({@link #UNKNOWN_DEFAULT} when the target's unknown_action did)
 * @param classification what the statement does, for reviewers and the store
 * @param approval who approves, how many, how long, and whether the client waits
 * @param recording where the session's approval frames go
 * @param reason why it was held beyond the rule itself, for reviewers (for example the estimated rows a
 *        filtered write would touch); empty when the rule says it all
 */
public record HeldStatement(
        String sessionId,
        Identity requester,
        String target,
        String role,
        String text,
        List<String> parameters,
        RuleRef rule,
        Classification classification,
        Approval approval,
        ApprovalRecording recording,
        String reason) {

    /** Stands for the target's unknown_action when it, not a rule, held the statement. */
    public static final RuleRef UNKNOWN_DEFAULT = new RuleRef("unknown_action", "statements Bulwark cannot read");

    public HeldStatement(String sessionId, Identity requester, String target, String role, String text,
            List<String> parameters, RuleRef rule, Classification classification, Approval approval,
            ApprovalRecording recording) {
        this(sessionId, requester, target, role, text, parameters, rule, classification, approval, recording, "");
    }

    public HeldStatement {
        requireText(sessionId, "sessionId");
        requireNonNull(requester, "requester is null");
        requireText(target, "target");
        requireNonNull(role, "role is null");
        requireNonNull(text, "text is null");
        parameters = Collections.unmodifiableList(new ArrayList<>(requireNonNull(parameters, "parameters is null")));
        requireNonNull(rule, "rule is null");
        requireNonNull(classification, "classification is null");
        requireNonNull(approval, "approval is null");
        requireNonNull(recording, "recording is null");
        requireNonNull(reason, "reason is null");
    }

    /** The same statement with a reason for reviewers (see {@link #reason()}). */
    public HeldStatement withReason(String why) {
        return new HeldStatement(sessionId, requester, target, role, text, parameters, rule, classification, approval,
                recording, why);
    }

    /** From policy's verdict: the rule (or the unknown default) and its approval parameters. */
    public static HeldStatement of(String sessionId, Identity requester, String target, String role, String text,
            List<String> parameters, Verdict.Hold hold, Classification classification, ApprovalRecording recording) {
        return new HeldStatement(sessionId, requester, target, role, text, parameters,
                hold.rule().orElse(UNKNOWN_DEFAULT), classification, hold.approval(), recording);
    }

    /** What the statement does, as plain strings (stored with the request, shown to reviewers). */
    public record Classification(String kind, List<String> verbs, List<String> tables) {
        public Classification {
            requireNonNull(kind, "kind is null");
            verbs = List.copyOf(verbs);
            tables = List.copyOf(tables);
        }

        public static Classification of(StatementClassification statement) {
            return of(List.of(statement));
        }

        /** The whole query: its most severe kind, every verb and every table of its statements. */
        public static Classification of(QueryClassification query) {
            return of(query.statements());
        }

        private static Classification of(List<StatementClassification> statements) {
            StatementKind kind = StatementKind.READ;
            Set<Verb> verbs = EnumSet.noneOf(Verb.class);
            Set<TableName> tables = new LinkedHashSet<>();
            for (StatementClassification statement : statements) {
                kind = StatementKind.mostSevere(kind, statement.kind());
                verbs.addAll(statement.verbs());
                tables.addAll(statement.tables());
            }
            return new Classification(kind.name(), verbs.stream().map(Verb::name).toList(),
                    tables.stream().map(TableName::toString).toList());
        }
    }

    private static void requireText(String value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
    }
}
