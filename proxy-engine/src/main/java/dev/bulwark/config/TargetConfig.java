package dev.bulwark.config;

import dev.bulwark.policy.UnknownAction;
import dev.bulwark.recording.AuditMode;

import java.util.Objects;

/**
 * A database the engine fronts. Clients name it as the database in their StartupMessage.
 *
 * @param name what clients ask for
 * @param host upstream host
 * @param port upstream port
 * @param database upstream database name (default: the target name)
 * @param username the upstream login the engine uses
 * @param credential reference to the upstream password: {@code vault:NAME}, {@code env:VAR} or {@code file:PATH}
 * @param sslmode TLS to the upstream
 * @param rootCert PEM file of trusted CAs for verify-full (default: the JDK's trust store)
 * @param audit whether statements are durable in the recording before they run
 * @param unknownAction what happens to statements the policy cannot read: deny (default), allow, or hold
 * @param writeScope when a filtered write counts as unfiltered (planner estimates; defaults when absent)
 */
public record TargetConfig(
        String name,
        String host,
        Integer port,
        String database,
        String username,
        String credential,
        SslMode sslmode,
        String rootCert,
        AuditMode audit,
        UnknownAction unknownAction,
        WriteScopeConfig writeScope) {

    /** Without write_scope settings: the defaults. */
    public TargetConfig(String name, String host, Integer port, String database, String username, String credential,
            SslMode sslmode, String rootCert, AuditMode audit, UnknownAction unknownAction) {
        this(name, host, port, database, username, credential, sslmode, rootCert, audit, unknownAction, null);
    }

    public TargetConfig {
        if (name == null || name.isBlank()) {
            throw new ConfigException("targets[].name", "is required");
        }
        if (host == null || host.isBlank()) {
            throw new ConfigException("targets[" + name + "].host", "is required");
        }
        port = Objects.requireNonNullElse(port, 5432);
        database = Objects.requireNonNullElse(database, name);
        if (username == null || username.isBlank()) {
            throw new ConfigException("targets[" + name + "].username", "is required");
        }
        if (credential == null || credential.isBlank()) {
            throw new ConfigException("targets[" + name + "].credential", "is required (vault:NAME, env:VAR or file:PATH)");
        }
        sslmode = Objects.requireNonNullElse(sslmode, SslMode.PREFER);
        audit = Objects.requireNonNullElse(audit, AuditMode.STRICT);
        unknownAction = Objects.requireNonNullElse(unknownAction, UnknownAction.DENY);
        writeScope = Objects.requireNonNullElse(writeScope, WriteScopeConfig.defaults());
    }

    @Override
    public String toString() {
        return "TargetConfig[" + name + " -> " + host + ":" + port + "/" + database + "]";
    }
}
