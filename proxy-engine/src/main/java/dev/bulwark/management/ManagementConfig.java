package dev.bulwark.management;

import dev.bulwark.auth.PersonKeys;
import dev.bulwark.model.OperatorRole;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNullElse;

/**
 * The {@code management:} section of the engine's configuration (YAML keys in snake_case).
 *
 * <pre>
 * management:
 *   socket: /var/lib/bulwark/bulwark.sock   # default: &lt;data dir&gt;/bulwark.sock
 *   socket_group: bulwark-operators         # default: the engine's group
 *   socket_mode: "0660"
 *   trust_engine_user: true                 # the engine's own OS user and root are admins
 *   operators:                              # other OS users, first match wins
 *     - { user: alice, role: admin, also_known_as: [alice@example.com] }
 *     - { uid: 1001, name: ci-bot, role: viewer }
 *     - { group: dba, role: reviewer }
 *   tcp:
 *     enabled: false
 *     host: 127.0.0.1
 *     port: 7433
 *     certificate: /etc/bulwark/mgmt.crt      # PEM
 *     private_key: /etc/bulwark/mgmt.key      # PEM, PKCS#8
 *     audience: bulwark-management
 *     roles: { admin: [bulwark-admins], reviewer: [dba], viewer: [support] }
 *   max_line_bytes: 1048576
 *   max_subscriptions: 8
 *   max_in_flight: 32
 *   max_queued_events: 10000
 *   hello_timeout_seconds: 10
 *   idle_timeout_seconds: 3600
 *   request_timeout_seconds: 60
 * </pre>
 *
 * @param enabled whether the Unix socket is served at all
 * @param socket the Unix socket's path; absent means {@code <data dir>/bulwark.sock}
 * @param socketGroup the group the socket file is given, so its members can connect (as Docker's
 *     socket does); the engine's user must belong to it
 * @param socketMode the socket file's permissions, octal
 * @param trustEngineUser whether the OS user the engine runs as, and root, are admins without being listed
 * @param operators which other OS users are operators, and with which role
 * @param tcp the optional TLS listener for consoles on other machines
 * @param maxLineBytes the longest request line accepted once authenticated; longer ones are discarded
 *     and answered with too_large
 * @param maxSubscriptions event subscriptions per connection
 * @param maxInFlight requests a connection may have outstanding before the engine stops reading from it
 * @param maxQueuedEvents events queued per subscription while the connection cannot take more;
 *     beyond that the subscription is dropped and the client told to subscribe again
 * @param helloTimeoutSeconds how long a connection may stay without a successful hello
 * @param idleTimeoutSeconds how long an authenticated connection without subscriptions may stay silent
 * @param requestTimeoutSeconds how long a request may wait for the engine before it fails with unavailable
 */
public record ManagementConfig(
        Boolean enabled,
        String socket,
        String socketGroup,
        String socketMode,
        Boolean trustEngineUser,
        List<LocalOperator> operators,
        TcpListener tcp,
        Integer maxLineBytes,
        Integer maxSubscriptions,
        Integer maxInFlight,
        Integer maxQueuedEvents,
        Integer helloTimeoutSeconds,
        Integer idleTimeoutSeconds,
        Integer requestTimeoutSeconds) {

    public static final String SOCKET_FILE_NAME = "bulwark.sock";
    /** Before hello, lines are limited to this, so strangers cannot make the engine buffer megabytes. */
    public static final int MAX_HELLO_LINE_BYTES = 64 * 1024;

    public ManagementConfig {
        enabled = requireNonNullElse(enabled, true);
        socket = blankToNull(socket);
        socketGroup = blankToNull(socketGroup);
        socketMode = requireNonNullElse(blankToNull(socketMode), "0660");
        trustEngineUser = requireNonNullElse(trustEngineUser, true);
        operators = operators == null ? List.of() : List.copyOf(operators);
        tcp = requireNonNullElse(tcp, TcpListener.disabled());
        maxLineBytes = atLeast(requireNonNullElse(maxLineBytes, 1024 * 1024), MAX_HELLO_LINE_BYTES, "max_line_bytes");
        maxSubscriptions = atLeast(requireNonNullElse(maxSubscriptions, 8), 1, "max_subscriptions");
        maxInFlight = atLeast(requireNonNullElse(maxInFlight, 32), 1, "max_in_flight");
        maxQueuedEvents = atLeast(requireNonNullElse(maxQueuedEvents, 10_000), 1, "max_queued_events");
        helloTimeoutSeconds = atLeast(requireNonNullElse(helloTimeoutSeconds, 10), 1, "hello_timeout_seconds");
        idleTimeoutSeconds = atLeast(requireNonNullElse(idleTimeoutSeconds, 3600), 1, "idle_timeout_seconds");
        requestTimeoutSeconds = atLeast(requireNonNullElse(requestTimeoutSeconds, 60), 1, "request_timeout_seconds");
        socketPermissions(socketMode);
    }

    /** Every default. */
    public static ManagementConfig defaults() {
        return new ManagementConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The socket's path: the configured one, or {@code bulwark.sock} in the data directory. */
    public Path socketPath(Path dataDirectory) {
        return socket == null ? dataDirectory.resolve(SOCKET_FILE_NAME) : Path.of(socket);
    }

    /** {@link #socketMode} as permissions. */
    public Set<PosixFilePermission> socketPermissions() {
        return socketPermissions(socketMode);
    }

    private static Set<PosixFilePermission> socketPermissions(String mode) {
        if (!mode.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("management.socket_mode must be three octal digits such as \"0660\"");
        }
        String digits = mode.substring(mode.length() - 3);
        StringBuilder symbolic = new StringBuilder();
        for (char digit : digits.toCharArray()) {
            int bits = digit - '0';
            symbolic.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(symbolic.toString());
    }

    /**
     * An OS user (or the members of an OS group) allowed on the Unix socket. Exactly one of
     * {@code user}, {@code uid}, {@code group}, {@code gid} says whom it matches.
     *
     * @param user a user name from /etc/passwd
     * @param uid a numeric user id
     * @param group a group name from /etc/group: its members, and users whose primary group it is
     * @param gid a numeric group id (matched against the connecting process's group)
     * @param name the operator name to record (changed_by, decisions); default: the user name
     * @param role what the operator may do
     * @param groups the operator's groups, for approval rules that name reviewer groups (default none)
     * @param alsoKnownAs the names this person has elsewhere (OIDC subjects, emails, usernames), so that
     *     the person is recognised as the requester of their own statements and counted once in a
     *     quorum whether they decide here or on the TLS listener. The operator name and the OS user
     *     name always count; see {@link dev.bulwark.auth.PersonKeys}.
     */
    public record LocalOperator(String user, Integer uid, String group, Integer gid, String name, OperatorRole role,
                                List<String> groups, List<String> alsoKnownAs) {
        public LocalOperator(String user, Integer uid, String group, Integer gid, String name, OperatorRole role) {
            this(user, uid, group, gid, name, role, List.of(), List.of());
        }

        public LocalOperator(String user, Integer uid, String group, Integer gid, String name, OperatorRole role,
                List<String> groups) {
            this(user, uid, group, gid, name, role, groups, List.of());
        }

        public LocalOperator {
            groups = groups == null ? List.of() : List.copyOf(groups);
            if (alsoKnownAs != null && alsoKnownAs.stream().anyMatch(alias -> alias == null || alias.isBlank())) {
                throw new IllegalArgumentException("management.operators: also_known_as has an empty name");
            }
            alsoKnownAs = alsoKnownAs == null ? List.of() : List.copyOf(alsoKnownAs);
            user = blankToNull(user);
            group = blankToNull(group);
            name = blankToNull(name);
            // Such a name would read as someone else's in audit trails (tokens with one are refused too).
            if (name != null && PersonKeys.hasInvisible(name) || alsoKnownAs.stream().anyMatch(PersonKeys::hasInvisible)) {
                throw new IllegalArgumentException(
                        "management.operators: a name or also_known_as has invisible or control characters");
            }
            int selectors = (user == null ? 0 : 1) + (uid == null ? 0 : 1) + (group == null ? 0 : 1) + (gid == null ? 0 : 1);
            if (selectors != 1) {
                throw new IllegalArgumentException(
                        "management.operators: each entry needs exactly one of user, uid, group, gid");
            }
            if (role == null) {
                throw new IllegalArgumentException("management.operators: each entry needs a role (viewer, reviewer, admin)");
            }
        }
    }

    /**
     * The TLS listener for consoles on other machines. Operators authenticate with an OIDC token
     * for {@code audience} in their hello.
     *
     * @param enabled off unless configured
     * @param host the address to bind; loopback unless configured otherwise
     * @param port the port
     * @param certificate the listener's certificate chain, PEM
     * @param privateKey its private key, PEM (PKCS#8)
     * @param audience the audience operator tokens must carry (distinct from client sessions')
     * @param roles which token groups give which role
     */
    public record TcpListener(Boolean enabled, String host, Integer port, String certificate, String privateKey,
            String audience, RoleMapping roles) {
        public static final int DEFAULT_PORT = 7433;

        public TcpListener {
            enabled = requireNonNullElse(enabled, false);
            host = requireNonNullElse(blankToNull(host), "127.0.0.1");
            port = requireNonNullElse(port, DEFAULT_PORT);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("management.tcp.port must be between 0 and 65535");
            }
            certificate = blankToNull(certificate);
            privateKey = blankToNull(privateKey);
            audience = requireNonNullElse(blankToNull(audience), "bulwark-management");
            roles = requireNonNullElse(roles, RoleMapping.none());
            if (enabled && (certificate == null || privateKey == null)) {
                throw new IllegalArgumentException(
                        "management.tcp.certificate and management.tcp.private_key are required when management.tcp.enabled is true");
            }
        }

        public static TcpListener disabled() {
            return new TcpListener(false, null, null, null, null, null, null);
        }
    }

    /**
     * Which token groups make an operator of which role. A token in no listed group is refused.
     */
    public record RoleMapping(List<String> admin, List<String> reviewer, List<String> viewer) {
        public RoleMapping {
            admin = admin == null ? List.of() : List.copyOf(admin);
            reviewer = reviewer == null ? List.of() : List.copyOf(reviewer);
            viewer = viewer == null ? List.of() : List.copyOf(viewer);
        }

        public static RoleMapping none() {
            return new RoleMapping(null, null, null);
        }

        /** The highest role any of the groups gives, if any. For the lead's token authenticator. */
        public Optional<OperatorRole> roleFor(Collection<String> groups) {
            if (groups.stream().anyMatch(admin::contains)) {
                return Optional.of(OperatorRole.ADMIN);
            }
            if (groups.stream().anyMatch(reviewer::contains)) {
                return Optional.of(OperatorRole.REVIEWER);
            }
            if (groups.stream().anyMatch(viewer::contains)) {
                return Optional.of(OperatorRole.VIEWER);
            }
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static int atLeast(int value, int minimum, String key) {
        if (value < minimum) {
            throw new IllegalArgumentException("management." + key + " must be at least " + minimum);
        }
        return value;
    }
}
