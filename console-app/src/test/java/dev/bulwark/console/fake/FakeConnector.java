package dev.bulwark.console.fake;

import dev.bulwark.console.client.ConnectTarget;
import dev.bulwark.console.client.Connection;
import dev.bulwark.console.client.ConnectionEvents;
import dev.bulwark.console.client.Connector;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Opens the same {@link FakeEngine} each time, or fails as often as told. */
public final class FakeConnector implements Connector {
    private final FakeEngine engine;
    private final List<ConnectTarget> targets = Collections.synchronizedList(new ArrayList<>());
    private volatile int failuresLeft;
    private volatile RuntimeException refusal;

    public FakeConnector(FakeEngine engine) {
        this.engine = engine;
    }

    /** The next {@code count} attempts fail as if the engine were not running. */
    public void failNext(int count) {
        failuresLeft = count;
    }

    /** Every attempt is refused with this (an unauthorized hello, say). */
    public void refuse(RuntimeException failure) {
        refusal = failure;
    }

    public List<ConnectTarget> targets() {
        return List.copyOf(targets);
    }

    @Override
    public Connection open(ConnectTarget target, ConnectionEvents events) throws IOException {
        targets.add(target);
        if (refusal != null) {
            throw refusal;
        }
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new ConnectException("Connection refused");
        }
        engine.attach(events);
        return engine;
    }
}
