package dev.bulwark.model;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Who is on the other end of a management connection, as the engine established it (from the
 * peer's OS user on the Unix socket, from a verified token on TCP).
 *
 * @param name the operator's name as it appears in audit trails ({@code changed_by}, decisions)
 * @param role what the operator may do
 * @param groups the groups the operator belongs to; an approval rule names the groups whose members
 *        may review it, so a reviewer must be in one of them. Absent in JSON means none.
 */
public record Operator(String name, OperatorRole role, List<String> groups) {
    public Operator {
        Checks.text(name, "name");
        requireNonNull(role, "role is null");
        groups = Checks.list(groups);
        for (String group : groups) {
            Checks.text(group, "groups");
        }
    }

    /** An operator in no group (may view or administer, but approves nothing that names a reviewer group). */
    public Operator(String name, OperatorRole role) {
        this(name, role, List.of());
    }
}
