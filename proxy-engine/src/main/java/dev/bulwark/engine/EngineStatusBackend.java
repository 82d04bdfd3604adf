package dev.bulwark.engine;

import dev.bulwark.config.TargetConfig;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.EngineStats;
import dev.bulwark.model.EngineStatus;
import dev.bulwark.model.EventTopic;
import dev.bulwark.model.StoreHealth;
import dev.bulwark.model.TargetStatus;
import dev.bulwark.model.VerdictAction;
import dev.bulwark.recording.Recorder;
import dev.bulwark.session.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Version, status and counters: all from memory, so answered at once on the event loop. */
final class EngineStatusBackend implements ManagementBackend.EngineBackend {
    private final EngineManagementBackend.Parts parts;

    EngineStatusBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
    }

    @Override
    public String version() {
        return parts.version();
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        List<LiveSession> live = parts.registry().list();
        Map<String, Integer> perTarget = new HashMap<>();
        for (LiveSession session : live) {
            perTarget.merge(session.target(), 1, Integer::sum);
        }
        List<TargetStatus> targets = new ArrayList<>();
        for (TargetConfig target : parts.targets()) {
            targets.add(new TargetStatus(target.name(), target.host() + ":" + target.port(),
                    perTarget.getOrDefault(target.name(), 0)));
        }
        Instant now = Instant.now();
        long uptime = Math.max(0, Duration.between(parts.startedAt(), now).toSeconds());
        return CompletableFuture.completedFuture(new EngineStatus(parts.version(), parts.startedAt(), uptime, live.size(),
                targets, storeHealth(parts.recorder())));
    }

    static StoreHealth storeHealth(Recorder recorder) {
        if (recorder.healthy()) {
            Recorder.Stats stats = recorder.stats();
            return new StoreHealth(true, "recording: " + stats.framesWritten() + " records written, " + stats.queued() + " queued");
        }
        return new StoreHealth(false, recorder.lastFailure().orElse("the recorder is not writing"));
    }

    @Override
    public CompletableFuture<EngineStats> stats() {
        SessionEvents events = parts.sessionEvents();
        Recorder.Stats recorded = parts.recorder().stats();
        int pendingApprovals = parts.hub().snapshot(Set.of(EventTopic.APPROVALS)).approvals().size();
        Map<String, Long> other = new LinkedHashMap<>();
        other.put("recorder_batches", recorded.batches());
        other.put("recorder_frames_lost", recorded.framesLost());
        other.put("recorder_queued", (long) recorded.queued());
        other.put("policy_rules_version", parts.rules().policyVersion());
        other.put("masking_rules_version", parts.rules().maskingVersion());
        other.put("statements_logged", events.statements(VerdictAction.LOG));
        other.put("classifier_cached_texts", (long) parts.classifier().cachedTexts());
        return CompletableFuture.completedFuture(new EngineStats(
                events.sessionsStarted(),
                parts.registry().size(),
                events.statements(),
                // allowed as they were, whether or not a log rule noted them
                events.statements(VerdictAction.ALLOW) + events.statements(VerdictAction.LOG),
                events.statements(VerdictAction.MASK),
                events.statements(VerdictAction.DENY),
                events.statements(VerdictAction.HOLD),
                pendingApprovals,
                recorded.framesWritten(),
                other));
    }
}
