package dev.bulwark.session;

import dev.bulwark.auth.Identity;

import static java.util.Objects.requireNonNull;

/** A client allowed in: who it is and how the engine logs in for it. */
public record Admission(Identity identity, UpstreamLogin login) {
    public Admission {
        requireNonNull(identity, "identity is null");
        requireNonNull(login, "login is null");
    }
}
