package dev.bulwark.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.bulwark.model.ApprovalDecision;
import dev.bulwark.model.ApprovalState;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Decision;
import dev.bulwark.store.ApprovalRow;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON documents of the {@code approvals} table's {@code request} and {@code decision} columns, and
 * the way back from a stored row to an {@link ApprovalSummary} (for approvals no longer in memory).
 * Snake-case keys; times as ISO-8601 text; a {@code version} so the format can change.
 */
final class ApprovalDocuments {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ApprovalDocuments() {}

    /** The {@code request} column. Holds the parameters, as the session's recording does. */
    record Request(
            int version,
            String subject,
            String issuer,
            List<String> groups,
            String target,
            String role,
            String ruleId,
            String ruleName,
            String statement,
            List<String> parameters,
            String statementHash,
            String kind,
            List<String> verbs,
            List<String> tables,
            List<String> reviewerGroups,
            int quorum,
            long timeoutMillis,
            String mode,
            long retryWindowMillis,
            String requestedAt,
            String expiresAt,
            String reason) {}

    /** The {@code decision} column: how it ended, and every reviewer's decision. */
    record Ending(int version, String state, String reason, int approvals, List<Entry> decisions) {}

    /** One reviewer's decision. */
    record Entry(String by, String at, String decision, String reason) {}

    static String request(PendingApproval pending) {
        HeldStatement held = pending.held;
        return write(new Request(VERSION, held.requester().subject(), held.requester().issuer(),
                held.requester().sortedGroups(), held.target(), held.role(), held.rule().id(), held.rule().name(),
                held.text(), held.parameters(), pending.statementHash, held.classification().kind(),
                held.classification().verbs(), held.classification().tables(), held.approval().reviewerGroups(),
                held.approval().quorum(), held.approval().timeout().toMillis(), held.approval().mode().name(),
                held.approval().retryWindow().toMillis(), pending.requestedAt.toString(), pending.expiresAt.toString(),
                held.reason().isEmpty() ? null : held.reason()));
    }

    static String outcome(ApprovalState state, String reason, int approvals, List<ApprovalDecision> decisions) {
        return write(new Ending(VERSION, status(state), reason, approvals, decisions.stream()
                .map(decision -> new Entry(decision.by(), decision.at().toString(), decisionName(decision.decision()),
                        decision.reason()))
                .toList()));
    }

    /** The store's status text of a state: its JSON name. */
    static String status(ApprovalState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static Optional<ApprovalState> state(String status) {
        for (ApprovalState state : ApprovalState.values()) {
            if (status(state).equals(status)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /**
     * A stored approval as the console sees it; empty when the row is not one this format can read
     * (an unknown status or a broken document).
     */
    static Optional<ApprovalSummary> summary(ApprovalRow row) {
        Optional<ApprovalState> state = state(row.status());
        if (state.isEmpty()) {
            return Optional.empty();
        }
        try {
            Request request = JSON.readValue(row.request(), Request.class);
            List<ApprovalDecision> decisions = List.of();
            int approvals = 0;
            if (row.decision() != null) {
                Ending outcome = JSON.readValue(row.decision(), Ending.class);
                decisions = outcome.decisions() == null ? List.of() : outcome.decisions().stream()
                        .map(entry -> new ApprovalDecision(entry.by(), Instant.parse(entry.at()),
                                "deny".equals(entry.decision()) ? Decision.DENY : Decision.APPROVE,
                                entry.reason() == null ? "" : entry.reason()))
                        .toList();
                approvals = outcome.approvals();
            }
            List<String> parameters = request.parameters() == null ? List.of() : request.parameters();
            return Optional.of(new ApprovalSummary(row.id(), row.sessionId(), row.requestedBy(), request.target(),
                    request.role(), request.ruleId(), request.statement(),
                    request.statementHash(), Instant.parse(request.requestedAt()), approvals, request.quorum(),
                    state.get(), decisions, parameters, request.kind() == null ? null
                            : PendingApproval.classification(new HeldStatement.Classification(request.kind(),
                                    request.verbs() == null ? List.of() : request.verbs(),
                                    request.tables() == null ? List.of() : request.tables())), request.reason()));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String decisionName(Decision decision) {
        return switch (decision) {
            case APPROVE -> "approve";
            case DENY -> "deny";
        };
    }

    private static String write(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an approval document", e);
        }
    }
}
