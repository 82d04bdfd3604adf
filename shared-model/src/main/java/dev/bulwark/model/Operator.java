package dev.bulwark.model;

import static java.util.Objects.requireNonNull;

/**
 * Who is on the other end of a management connection, as the engine established it (from the
 * peer's OS user on the Unix socket, from a verified token on TCP).
 *
 * @param name the operator's name as it appears in audit trails ({@code changed_by}, decisions)
 * @param role what the operator may do
 */
public record Operator(String name, OperatorRole role) {
    public Operator {
        Checks.text(name, "name");
        requireNonNull(role, "role is null");
    }
}
