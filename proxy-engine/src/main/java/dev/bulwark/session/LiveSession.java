package dev.bulwark.session;

import dev.bulwark.auth.Identity;

import java.time.Instant;
import java.util.Optional;

/** What the rest of the engine (management, approvals) may see of and do to a live session. Thread-safe. */
public interface LiveSession {
    enum State { STARTING, IDLE, IN_TRANSACTION, RUNNING, HELD, CLOSED }

    String id();

    Optional<Identity> identity();

    String target();

    Optional<String> role();

    String clientAddress();

    Optional<String> applicationName();

    Instant startedAt();

    long statementCount();

    Optional<String> lastStatement();

    State state();

    /** True when the engine set this session's role after a pooled login: the client may not change it. */
    boolean fixedRole();

    /** Ends the session: the client gets a FATAL with this SQLSTATE and message. */
    void terminate(String sqlState, String message);
}
