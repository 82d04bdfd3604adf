package dev.bulwark.management;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The local users and groups, read from /etc/passwd and /etc/group once when the server starts
 * (no native calls, no {@code id} process; never on an event loop). Accounts from LDAP or other
 * NSS sources are not seen: configure those operators by uid or gid.
 */
final class UnixAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(UnixAccounts.class);

    record User(String name, int uid, int gid) {}

    record Group(String name, int gid, Set<String> members) {}

    private final Map<Integer, User> usersByUid = new HashMap<>();
    private final Map<String, User> usersByName = new HashMap<>();
    private final Map<String, Group> groupsByName = new HashMap<>();
    private final Map<Integer, Group> groupsByGid = new HashMap<>();

    static UnixAccounts system() {
        return load(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** Reads the files; a missing or unreadable file counts as empty (then only uid/gid entries match). */
    static UnixAccounts load(Path passwd, Path group) {
        UnixAccounts accounts = new UnixAccounts();
        for (String line : lines(passwd)) {
            String[] fields = line.split(":", -1);
            if (fields.length < 4 || fields[0].isEmpty()) {
                continue;
            }
            try {
                User user = new User(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]));
                accounts.usersByUid.putIfAbsent(user.uid(), user);
                accounts.usersByName.putIfAbsent(user.name(), user);
            } catch (NumberFormatException e) {
                // Not an account line.
            }
        }
        for (String line : lines(group)) {
            String[] fields = line.split(":", -1);
            if (fields.length < 4 || fields[0].isEmpty()) {
                continue;
            }
            try {
                Set<String> members = fields[3].isBlank() ? Set.of() : Set.copyOf(Arrays.stream(fields[3].split(","))
                        .map(String::trim).filter(member -> !member.isEmpty()).toList());
                Group entry = new Group(fields[0], Integer.parseInt(fields[2]), members);
                accounts.groupsByName.putIfAbsent(entry.name(), entry);
                accounts.groupsByGid.putIfAbsent(entry.gid(), entry);
            } catch (NumberFormatException e) {
                // Not a group line.
            }
        }
        return accounts;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return List.of();
        }
    }

    Optional<User> userByUid(int uid) {
        return Optional.ofNullable(usersByUid.get(uid));
    }

    Optional<User> userByName(String name) {
        return Optional.ofNullable(usersByName.get(name));
    }

    Optional<Group> groupByName(String name) {
        return Optional.ofNullable(groupsByName.get(name));
    }

    Optional<Group> groupByGid(int gid) {
        return Optional.ofNullable(groupsByGid.get(gid));
    }
}
