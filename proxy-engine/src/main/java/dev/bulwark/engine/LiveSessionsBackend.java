package dev.bulwark.engine;

import dev.bulwark.auth.Identity;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.ManagementException;
import dev.bulwark.model.Operator;
import dev.bulwark.model.SessionDetail;
import dev.bulwark.model.SessionSummary;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.session.LiveSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Live sessions: the list is the hub's (so it agrees with what subscribers see), the detail and the
 * kill go to the session registry. Nothing here blocks.
 */
final class LiveSessionsBackend implements ManagementBackend.SessionsBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSessionsBackend.class);
    /** What PostgreSQL itself says to a backend ended by pg_terminate_backend. */
    static final String KILL_MESSAGE = "terminating connection due to administrator command";

    private final EngineManagementBackend.Parts parts;

    LiveSessionsBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
    }

    @Override
    public CompletableFuture<List<SessionSummary>> list() {
        return CompletableFuture.completedFuture(parts.hub().snapshot(Set.of(EventTopic.SESSIONS)).sessions());
    }

    @Override
    public CompletableFuture<SessionDetail> get(String sessionId) {
        Optional<LiveSession> live = parts.registry().get(sessionId);
        Optional<Identity> identity = live.flatMap(LiveSession::identity);
        Optional<SessionSummary> summary = live.flatMap(session -> parts.sessionEvents().summary(session));
        if (identity.isEmpty() || summary.isEmpty()) {
            return CompletableFuture.failedFuture(ManagementException.notFound("no live session \"" + sessionId + "\""));
        }
        List<String> waitingFor = parts.hub().snapshot(Set.of(EventTopic.APPROVALS)).approvals().stream()
                .filter(approval -> approval.sessionId().equals(sessionId))
                .map(approval -> approval.id())
                .toList();
        return CompletableFuture.completedFuture(new SessionDetail(summary.get(), identity.get().issuer(),
                identity.get().expiresAt(), parts.sessionEvents().recentStatements(sessionId), waitingFor));
    }

    @Override
    public CompletableFuture<Void> kill(String sessionId, Operator by, Optional<String> reason) {
        Optional<LiveSession> live = parts.registry().get(sessionId);
        if (live.isEmpty()) {
            return CompletableFuture.failedFuture(ManagementException.notFound("no live session \"" + sessionId + "\""));
        }
        String why = "killed by " + by.name() + reason.filter(text -> !text.isBlank()).map(text -> ": " + text).orElse("");
        parts.sessionEvents().endingBecause(sessionId, why);
        live.get().terminate(SqlState.ADMIN_SHUTDOWN, KILL_MESSAGE);
        parts.recorder().admin(AdminAction.sessionKill(by.name(), sessionId, reason.orElse(null)))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.error("session {} was killed by {}, but the admin action could not be recorded: {}",
                                sessionId, by.name(), failure.toString());
                    }
                });
        LOG.info("session {} killed by operator {}", sessionId, by.name());
        return CompletableFuture.completedFuture(null);
    }
}
