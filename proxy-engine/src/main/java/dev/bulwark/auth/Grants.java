package dev.bulwark.auth;

import dev.bulwark.vault.CredentialReference;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The ordered grant rules: which identity may use which target as which role. A pure function of the
 * identity and the request, safe to call on an event loop.
 */
public final class Grants {
    private static final int MAX_ECHOED_NAME = 63;

    private final List<GrantRule> rules;

    public Grants(List<GrantRule> rules) {
        this.rules = List.copyOf(requireNonNull(rules, "rules is null"));
    }

    public List<GrantRule> rules() {
        return rules;
    }

    /** The first grant that lets {@code identity} use {@code target}; see {@link #authorize(Identity, String, String)}. */
    public Grant authorize(Identity identity, String target) {
        return authorize(identity, target, null);
    }

    /**
     * The first rule, in order, that matches the identity, covers the target and (when
     * {@code requestedRole} is not null) grants that role.
     *
     * @throws AuthenticationException 28000 {@code no grant for target "shop"} (or {@code ... as role "x"});
     *     the message names only what the client asked for, never other targets, roles or credentials
     */
    public Grant authorize(Identity identity, String target, String requestedRole) {
        requireNonNull(identity, "identity is null");
        requireNonNull(target, "target is null");
        for (GrantRule rule : rules) {
            if (rule.covers(target) && rule.matches(identity)
                    && (requestedRole == null || requestedRole.equals(rule.role()))) {
                return new Grant(target, rule.role(), rule.credentialReference());
            }
        }
        String message = "no grant for target \"" + echo(target) + "\""
                + (requestedRole == null ? "" : " as role \"" + echo(requestedRole) + "\"");
        throw new AuthenticationException(AuthenticationException.Reason.NO_GRANT, message);
    }

    /** The credential references the rules use, for checking them when the config is loaded. */
    public List<CredentialReference> credentialReferences() {
        return rules.stream().flatMap(rule -> rule.credentialReference().stream()).toList();
    }

    // The name comes from the client; keep the echo short and printable.
    private static String echo(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(MAX_ECHOED_NAME)
                .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (name.codePointCount(0, name.length()) > MAX_ECHOED_NAME) {
            out.append("...");
        }
        return out.toString();
    }
}
