package dev.bulwark.approval;

import dev.bulwark.management.EventHub;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The engine-wide side effects of approvals: live events for consoles and admin actions in the audit
 * chain. A small interface so tests can use a hand-written fake.
 *
 * <p>Called under the request's lock, so per request the calls arrive in the order the changes
 * happened; they must only enqueue (never block, never call back into the service).
 */
public interface ApprovalEffects {

    /** A statement was held: publish {@code approval.requested}. */
    void requested(ApprovalSummary approval);

    /** A decision was added or the approval ended: publish {@code approval.changed}. */
    void changed(ApprovalSummary approval);

    /** A reviewer decided: record the admin action in the audit chain. */
    void decided(AdminAction action);

    /** The engine's: the management event hub and the recorder's admin actions. */
    static ApprovalEffects of(EventHub hub, Recorder recorder) {
        requireNonNull(hub, "hub is null");
        requireNonNull(recorder, "recorder is null");
        Logger log = LoggerFactory.getLogger(ApprovalEffects.class);
        return new ApprovalEffects() {
            @Override
            public void requested(ApprovalSummary approval) {
                hub.approvalRequested(approval);
            }

            @Override
            public void changed(ApprovalSummary approval) {
                hub.approvalChanged(approval);
            }

            @Override
            public void decided(AdminAction action) {
                recorder.admin(action).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        log.warn("approval {}: decision by {} not recorded in the audit chain: {}", action.target(),
                                action.actor(), failure.toString());
                    }
                });
            }
        };
    }
}
