package dev.bulwark.recording;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.store.AdminRecord;
import dev.bulwark.store.ChainKey;
import dev.bulwark.store.ChainVerifier;
import dev.bulwark.store.FrameRecord;
import dev.bulwark.store.RuleVersion;
import dev.bulwark.store.SessionRow;
import dev.bulwark.store.Store;
import dev.bulwark.store.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a node's audit trail: the hash chain itself ({@link ChainVerifier}), then the plain
 * tables against what the chain vouches for: every session row must match its SESSION_START frame
 * (so a search cannot be misled by an edited sessions row), frames must have their session row,
 * and rule versions must match the SHA-256 their chained {@code rule_change} recorded. Blocks.
 */
public final class AuditVerifier {
    private AuditVerifier() {}

    /**
     * @param seed the node's seed key (epoch 0)
     * @param stateEpoch the epoch in the engine's key state file, or null when not available
     */
    public static VerifyReport verify(Store store, String nodeId, ChainKey seed, Integer stateEpoch) {
        VerifyReport report = ChainVerifier.verify(store, nodeId, seed, stateEpoch);
        if (!report.ok()) {
            return report;
        }
        Optional<VerifyReport.Failure> failure = checkSessions(store, nodeId);
        if (failure.isEmpty()) {
            failure = checkRuleVersions(store, nodeId);
        }
        return failure.map(found -> new VerifyReport(report.nodeId(), report.records(), report.firstSeq(), report.lastSeq(),
                report.lastEpoch(), Optional.of(found), report.notes())).orElse(report);
    }

    private static Optional<VerifyReport.Failure> checkSessions(Store store, String nodeId) {
        List<String> orphans = store.framesWithoutSession(nodeId, 1);
        if (!orphans.isEmpty()) {
            String sessionId = orphans.getFirst();
            FrameRecord first = store.frames(sessionId, Integer.MIN_VALUE, 1).getFirst();
            return Optional.of(new VerifyReport.Failure(first.seq(), sessionId, first.frameNo(), first.describe(),
                    "the session's row is missing from the sessions table"));
        }
        List<VerifyReport.Failure> found = new ArrayList<>();
        store.forEachSessionStart(nodeId, (session, start) -> {
            if (!found.isEmpty()) {
                return;
            }
            if (start == null) {
                found.add(new VerifyReport.Failure(0, session.id(), 0, "session " + session.id(),
                        "the session row has no SESSION_START frame"));
                return;
            }
            String mismatch = mismatch(session, start);
            if (mismatch != null) {
                found.add(new VerifyReport.Failure(start.seq(), session.id(), 0, "session row " + session.id(),
                        "the sessions table disagrees with the chained SESSION_START frame on " + mismatch));
            }
        });
        return found.stream().findFirst();
    }

    private static String mismatch(SessionRow session, FrameRecord start) {
        if (!start.kind().equals(FrameKind.SESSION_START.name())) {
            return "the kind of frame 0 (" + start.kind() + ")";
        }
        FramePayload.SessionStart payload;
        try {
            payload = (FramePayload.SessionStart) FrameJson.read(start.payload());
        } catch (RuntimeException e) {
            return "the frame's payload, which cannot be read";
        }
        if (!session.subject().equals(payload.subject())) {
            return "subject";
        }
        if (!session.groups().equals(payload.groups())) {
            return "groups";
        }
        if (!session.issuer().equals(payload.issuer())) {
            return "issuer";
        }
        if (!session.tokenId().equals(payload.tokenId())) {
            return "token id";
        }
        if (!session.clientAddress().equals(payload.clientAddress())) {
            return "client address";
        }
        if (!session.applicationName().equals(payload.applicationName())) {
            return "application name";
        }
        if (!session.target().equals(payload.target())) {
            return "target";
        }
        if (!session.databaseRole().equals(payload.databaseRole())) {
            return "database role";
        }
        if (session.startedMicros() != start.atMicros()) {
            return "start time";
        }
        if (!Objects.equals(session.nodeId(), start.nodeId())) {
            return "node";
        }
        return null;
    }

    private static Optional<VerifyReport.Failure> checkRuleVersions(Store store, String nodeId) {
        for (AdminRecord change : store.adminActions(nodeId, AdminAction.RULE_CHANGE)) {
            JsonNode details;
            try {
                details = FrameJson.MAPPER.readTree(change.details());
            } catch (java.io.IOException e) {
                continue; // its hash verified, so this is how it was written
            }
            String kind = details.path("kind").asText("");
            int version = details.path("version").asInt(-1);
            String sha256 = details.path("sha256").asText("");
            if (!RuleVersion.POLICY.equals(kind) && !RuleVersion.MASKING.equals(kind)) {
                continue;
            }
            Optional<RuleVersion> stored = store.ruleSetHistory(kind).stream()
                    .filter(candidate -> candidate.version() == version).findFirst();
            if (stored.isEmpty()) {
                return Optional.of(new VerifyReport.Failure(change.seq(), null, null, change.describe(),
                        kind + " rule set version " + version + " is missing from rule_versions"));
            }
            if (!AdminAction.sha256(stored.get().document()).equals(sha256)) {
                return Optional.of(new VerifyReport.Failure(change.seq(), null, null, change.describe(),
                        kind + " rule set version " + version + " in rule_versions differs from the recorded document"));
            }
        }
        return Optional.empty();
    }
}
