package dev.bulwark.management;

import dev.bulwark.model.Operator;
import dev.bulwark.model.OperatorRole;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Maps the OS user on the other end of the Unix socket (from SO_PEERCRED: uid and gid) to an
 * operator. The configured entries are tried in order, first match wins; then, if
 * {@code trust_engine_user} is on, the engine's own user and root are admins. Anyone else is not an
 * operator. The kernel vouches for the credentials: they cannot be forged by the client.
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

    Optional<Operator> resolve(int uid, int gid) {
        Optional<UnixAccounts.User> user = accounts.userByUid(uid);
        String userName = user.map(UnixAccounts.User::name).orElse("uid:" + uid);
        for (ManagementConfig.LocalOperator entry : config.operators()) {
            if (matches(entry, uid, gid, user)) {
                return Optional.of(new Operator(entry.name() == null ? userName : entry.name(), entry.role(), entry.groups()));
            }
        }
        if (config.trustEngineUser() && (uid == engineUid || uid == 0)) {
            return Optional.of(new Operator(userName, OperatorRole.ADMIN, List.of()));
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
