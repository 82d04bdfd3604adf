package dev.bulwark.approval;

import dev.bulwark.auth.Identity;
import dev.bulwark.auth.PersonKeys;
import dev.bulwark.management.AuthenticatedOperator;
import dev.bulwark.management.EventHub;
import dev.bulwark.model.ApprovalSummary;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;
import dev.bulwark.policy.Approval;
import dev.bulwark.policy.HoldMode;
import dev.bulwark.policy.RuleRef;
import dev.bulwark.recording.AdminAction;
import dev.bulwark.recording.FramePayload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hand-written fakes and builders for the approval tests. */
final class Fakes {
    static final String ISSUER = "https://idp.example.com";
    static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

    private Fakes() {}

    /** Publishes to a real hub and keeps the admin actions the recorder would get. */
    static final class Effects implements ApprovalEffects {
        final EventHub hub;
        final List<AdminAction> adminActions = new CopyOnWriteArrayList<>();
        final List<ApprovalSummary> published = new CopyOnWriteArrayList<>();

        Effects(EventHub hub) {
            this.hub = hub;
        }

        @Override
        public void requested(ApprovalSummary approval) {
            published.add(approval);
            hub.approvalRequested(approval);
        }

        @Override
        public void changed(ApprovalSummary approval) {
            published.add(approval);
            hub.approvalChanged(approval);
        }

        @Override
        public void decided(AdminAction action) {
            adminActions.add(action);
        }
    }

    /** A session's recording: the frames, in order. */
    static final class Frames implements ApprovalRecording {
        final List<FramePayload.Approval> frames = new CopyOnWriteArrayList<>();

        @Override
        public void approval(FramePayload.Approval frame) {
            frames.add(frame);
        }

        List<String> states() {
            List<String> states = new ArrayList<>();
            for (FramePayload.Approval frame : frames) {
                states.add(frame.state() + (frame.by() == null ? "" : " by " + frame.by()));
            }
            return states;
        }
    }

    static Identity identity(String subject, String... groups) {
        return new Identity(subject, Set.of(groups), ISSUER, "jti-" + subject, EXPIRES, Map.of());
    }

    /** A reviewer on the TLS listener whose token names only its subject and does not expire soon. */
    static AuthenticatedOperator reviewer(String name, String... groups) {
        return operator(new Operator(name, OperatorRole.REVIEWER, List.of(groups)));
    }

    /** A reviewer on the TLS listener with this token identity (its names are the person's). */
    static AuthenticatedOperator tokenReviewer(Identity token) {
        return new AuthenticatedOperator(new Operator(token.subject(), OperatorRole.REVIEWER, token.sortedGroups()),
                token.person(), java.util.Optional.of(token.expiresAt()));
    }

    /** A reviewer on the Unix socket with configured other names (also_known_as). */
    static AuthenticatedOperator unixReviewer(String name, List<String> alsoKnownAs, String... groups) {
        List<String> names = new ArrayList<>(alsoKnownAs);
        names.add(name);
        return AuthenticatedOperator.unexpiring(new Operator(name, OperatorRole.REVIEWER, List.of(groups)),
                PersonKeys.ofNames(names));
    }

    /** An operator known by its name only, without expiry (as on the Unix socket). */
    static AuthenticatedOperator operator(Operator operator) {
        return AuthenticatedOperator.unexpiring(operator, PersonKeys.ofNames(List.of(operator.name())));
    }

    static Approval approval(int quorum, Duration timeout, HoldMode mode, Duration retryWindow, String... groups) {
        return new Approval(List.of(groups), quorum, timeout, mode, retryWindow);
    }

    static HeldStatement held(String sessionId, Identity requester, String text, List<String> parameters,
            Approval approval, ApprovalRecording recording) {
        return held(sessionId, requester, "bulwark_rw", text, parameters, approval, recording);
    }

    /** A held statement that would run as database role {@code role}. */
    static HeldStatement held(String sessionId, Identity requester, String role, String text, List<String> parameters,
            Approval approval, ApprovalRecording recording) {
        return new HeldStatement(sessionId, requester, "orders", role, text, parameters,
                new RuleRef("bulk-delete", "Bulk deletes need a DBA"),
                new HeldStatement.Classification("WRITE", List.of("DELETE"), List.of("public.orders")),
                approval, recording);
    }
}
