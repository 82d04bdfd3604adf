package dev.bulwark.management;

import dev.bulwark.auth.PersonKeys;
import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Maps the OS user on the other end of the Unix socket (from SO_PEERCRED: uid and gid) to an
 * operator. The configured entries are tried in order, first match wins; then, if
 * {@code trust_engine_user} is on, the engine's own user and root are admins. Anyone else is not an
 * operator. The kernel vouches for the credentials: they cannot be forged by the client.
 *
 * <p>The person behind the operator is known by the operator name, the OS user name and the entry's
 * {@code also_known_as} names ({@link PersonKeys}); the rights last as long as the connection.
 */
final class PeerOperators {
    private final ManagementConfig config;
    private final UnixAccounts accounts;
    private final int engineUid;

    PeerOperators(ManagementConfig config, UnixAccounts accounts, int engineUid) {
        this.config = requireNonNull(config, "config is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.engineUid = engineUid;
    }

    Optional<AuthenticatedOperator> resolve(int uid, int gid) {
        Optional<UnixAccounts.User> user = accounts.userByUid(uid);
        String userName = user.map(UnixAccounts.User::name).orElse("uid:" + uid);
        for (ManagementConfig.LocalOperator entry : config.operators()) {
            if (matches(entry, uid, gid, user)) {
                String name = entry.name() == null ? userName : entry.name();
                List<String> names = new ArrayList<>(List.of(name, userName));
                names.addAll(entry.alsoKnownAs());
                return Optional.of(AuthenticatedOperator.unexpiring(new Operator(name, entry.role(), entry.groups()),
                        PersonKeys.ofNames(names)));
            }
        }
        if (config.trustEngineUser() && (uid == engineUid || uid == 0)) {
            return Optional.of(AuthenticatedOperator.unexpiring(new Operator(userName, OperatorRole.ADMIN, List.of()),
                    PersonKeys.ofNames(List.of(userName))));
        }
        return Optional.empty();
    }

    private boolean matches(ManagementConfig.LocalOperator entry, int uid, int gid, Optional<UnixAccounts.User> user) {
        if (entry.uid() != null) {
            return entry.uid() == uid;
        }
        if (entry.user() != null) {
            return accounts.userByName(entry.user()).map(named -> named.uid() == uid).orElse(false);
        }
        Optional<UnixAccounts.Group> group = entry.group() != null
                ? accounts.groupByName(entry.group())
                : accounts.groupByGid(entry.gid());
        int wantedGid = group.map(UnixAccounts.Group::gid).orElse(entry.gid() == null ? Integer.MIN_VALUE : entry.gid());
        if (wantedGid == gid || user.map(found -> found.gid() == wantedGid).orElse(false)) {
            return true;
        }
        return group.isPresent() && user.isPresent() && group.get().members().contains(user.get().name());
    }
}
