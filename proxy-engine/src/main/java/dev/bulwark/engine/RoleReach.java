package dev.bulwark.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a pooled login could become besides a grant's role. A grant without a {@code credential} of its
 * own logs in with the target's service login and runs as its role only because the engine says so
 * (the StartupMessage's {@code role}); one statement the policy misreads ({@code SET ROLE},
 * {@code set_config('role', ...)}, a function that does either) and the session runs as any role the
 * login can reach. The engine checks this at start, through the same service login, and warns.
 *
 * <p>Reach is read from {@code pg_auth_members}, recursively: the login itself and every role it is a
 * member of, directly or through others, minus what the grant's own role reaches anyway.
 */
final class RoleReach {
    private static final String QUERY = """
            WITH RECURSIVE login_reach(oid) AS (
                SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user
              UNION
                SELECT m.roleid FROM pg_catalog.pg_auth_members m JOIN login_reach r ON m.member = r.oid
            ), grant_reach(oid) AS (
                SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ?
              UNION
                SELECT m.roleid FROM pg_catalog.pg_auth_members m JOIN grant_reach g ON m.member = g.oid
            )
            SELECT r.rolname, r.rolname = current_user, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
                   r.rolreplication,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relowner = r.oid)
                     OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.proowner = r.oid)
                     OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspowner = r.oid)
                     OR EXISTS (SELECT 1 FROM pg_catalog.pg_database d WHERE d.datdba = r.oid)
            FROM pg_catalog.pg_roles r
            WHERE r.oid IN (SELECT oid FROM login_reach) AND r.oid NOT IN (SELECT oid FROM grant_reach)
            ORDER BY r.rolname""";

    private RoleReach() {}

    /**
     * A role the login can become that the grant's role cannot.
     *
     * @param role the role's name
     * @param traits why it matters ("superuser", "owns objects", ...); "other grants" when nothing stands out
     */
    record Reachable(String role, List<String> traits) {
        Reachable {
            requireNonNull(role, "role is null");
            traits = List.copyOf(traits);
        }

        @Override
        public String toString() {
            return role + " (" + String.join(", ", traits) + ")";
        }
    }

    /** The roles the connection's login can become beyond {@code grantRole}'s own reach, in name order. */
    static List<Reachable> beyond(Connection connection, String grantRole) throws SQLException {
        requireNonNull(grantRole, "grantRole is null");
        List<Reachable> found = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, grantRole);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    List<String> traits = new ArrayList<>();
                    if (rs.getBoolean(2)) {
                        traits.add("the login itself");
                    }
                    if (rs.getBoolean(3)) {
                        traits.add("superuser");
                    }
                    if (rs.getBoolean(4)) {
                        traits.add("createrole");
                    }
                    if (rs.getBoolean(5)) {
                        traits.add("createdb");
                    }
                    if (rs.getBoolean(6)) {
                        traits.add("bypassrls");
                    }
                    if (rs.getBoolean(7)) {
                        traits.add("replication");
                    }
                    if (rs.getBoolean(8)) {
                        traits.add("owns objects");
                    }
                    if (rs.getString(1).startsWith("pg_")) {
                        traits.add("predefined role");
                    }
                    if (traits.isEmpty() || traits.equals(List.of("the login itself"))) {
                        traits.add("other grants");
                    }
                    found.add(new Reachable(rs.getString(1), traits));
                }
            }
        }
        return found;
    }

    /** The operator's warning for one grant, or empty when the login reaches nothing beyond the grant's role. */
    static java.util.Optional<String> warning(String target, String grant, String login, String grantRole,
                                              List<Reachable> reachable) {
        if (reachable.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("target " + target + ": grant " + grant + " runs as role " + grantRole
                + " by setting the role on the service login " + login + ", which can also become "
                + reachable.stream().map(Reachable::toString).reduce((a, b) -> a + ", " + b).orElseThrow()
                + ". Only the gateway's reading of each statement keeps such a session from becoming them;"
                + " give the grant its own login (credential: vault:NAME) so PostgreSQL refuses it.");
    }
}
