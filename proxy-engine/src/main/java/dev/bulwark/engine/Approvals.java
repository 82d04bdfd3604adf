package dev.bulwark.engine;

import dev.bulwark.auth.Identity;
import dev.bulwark.policy.Verdict;
import dev.bulwark.protocol.SqlState;
import dev.bulwark.session.LiveSession;
import dev.bulwark.session.StatementGate;

/** Where held statements go. Called on the session's event loop; must not block. */
interface Approvals {
    /** Without an approval service, a held statement is refused with a message saying approval is needed. */
    Approvals DISABLED = new Approvals() {
        @Override
        public StatementGate.Decision hold(LiveSession session, Identity identity, StatementGate.Statement statement,
                                           Verdict.Hold hold, StatementGate.Summary summary) {
            return new StatementGate.Decision.Deny(SqlState.INSUFFICIENT_PRIVILEGE,
                    hold.message() + ": this statement needs approval, and approvals are not enabled on this engine",
                    hold.rule().map(dev.bulwark.policy.RuleRef::id).orElse(null), summary);
        }

        @Override
        public void sessionEnded(LiveSession session) {}
    };

    StatementGate.Decision hold(LiveSession session, Identity identity, StatementGate.Statement statement, Verdict.Hold hold,
                                StatementGate.Summary summary);

    /** The session is gone: whatever it waited for is withdrawn. */
    void sessionEnded(LiveSession session);
}
