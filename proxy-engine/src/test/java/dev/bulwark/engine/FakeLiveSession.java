package dev.bulwark.engine;

import dev.bulwark.auth.Identity;
import dev.bulwark.session.LiveSession;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A live session whose state the test sets, and which remembers how it was terminated. */
final class FakeLiveSession implements LiveSession {
    static final Instant STARTED = Instant.parse("2026-11-21T08:00:00Z");

    private final String id;
    volatile Identity identity;
    volatile State state = State.IDLE;
    volatile long statements;
    volatile String lastStatement;
    final List<String> terminations = new CopyOnWriteArrayList<>();

    FakeLiveSession(String id, String subject, String... groups) {
        this.id = id;
        this.identity = subject == null ? null
                : new Identity(subject, Set.of(groups), "https://idp.test", "jti-" + id, STARTED.plusSeconds(3600), Map.of());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public String target() {
        return "shop";
    }

    @Override
    public Optional<String> role() {
        return Optional.of("analyst");
    }

    @Override
    public String clientAddress() {
        return "10.0.0.7:51234";
    }

    @Override
    public Optional<String> applicationName() {
        return Optional.of("psql");
    }

    @Override
    public Instant startedAt() {
        return STARTED;
    }

    @Override
    public long statementCount() {
        return statements;
    }

    @Override
    public Optional<String> lastStatement() {
        return Optional.ofNullable(lastStatement);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public boolean fixedRole() {
        return false;
    }

    @Override
    public void terminate(String sqlState, String message) {
        terminations.add(sqlState + " " + message);
        state = State.CLOSED;
    }
}
