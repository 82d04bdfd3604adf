package dev.bulwark.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The engine's live sessions, by id and by cancel key. Thread-safe. */
public final class SessionRegistry {
    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final Map<CancelKey, ClientConnection> byCancelKey = new ConcurrentHashMap<>();
    private final CancelGuard cancelGuard = new CancelGuard();

    CancelGuard cancelGuard() {
        return cancelGuard;
    }

    void add(ClientConnection session) {
        byId.put(session.id(), session);
    }

    void registerCancelKey(CancelKey key, ClientConnection session) {
        byCancelKey.put(key, session);
    }

    void remove(ClientConnection session) {
        byId.remove(session.id());
        CancelKey key = session.cancelKey();
        if (key != null) {
            byCancelKey.remove(key, session);
        }
    }

    Optional<ClientConnection> byCancelKey(CancelKey key) {
        return Optional.ofNullable(byCancelKey.get(key));
    }

    public Optional<LiveSession> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<LiveSession> list() {
        Collection<ClientConnection> sessions = byId.values();
        return List.copyOf(sessions);
    }

    public int size() {
        return byId.size();
    }
}
