package dev.bulwark.session;

import dev.bulwark.config.TargetConfig;

import static java.util.Objects.requireNonNull;

/**
 * How the engine logs in to a target for one session: the vaulted credential and, for a pooled
 * service login, the role the session runs as ({@code setRole}; sent as the StartupMessage's
 * {@code role} parameter, so it is the session's default role, see {@link UpstreamConnector}). Holds a
 * secret: never log it.
 */
public record UpstreamLogin(TargetConfig target, String username, String password, String setRole) {
    public UpstreamLogin {
        requireNonNull(target, "target is null");
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
    }

    /** The database role the session runs as. */
    public String effectiveRole() {
        return setRole != null ? setRole : username;
    }

    @Override
    public String toString() {
        return "UpstreamLogin[" + target.name() + " as " + effectiveRole() + "]";
    }
}
