package dev.bulwark.management;

import dev.bulwark.auth.PersonKeys;
import dev.bulwark.model.Operator;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An operator as the engine established it on one connection: what the console is told
 * ({@link Operator}: name, role, groups), who the person is ({@link PersonKeys}, for "your own
 * statement" and for counting a quorum by people), and until when the credential holds.
 *
 * @param operator the operator's name, role and groups
 * @param person the names the person is known by, normalized
 * @param expiresAt when the operator's token expires: the connection's rights end then. Empty on the
 *     Unix socket, where the kernel vouches for the peer for as long as the connection lasts.
 */
public record AuthenticatedOperator(Operator operator, PersonKeys person, Optional<Instant> expiresAt) {
    public AuthenticatedOperator {
        requireNonNull(operator, "operator is null");
        requireNonNull(person, "person is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    /** An operator whose rights last as long as its connection (the Unix socket). */
    public static AuthenticatedOperator unexpiring(Operator operator, PersonKeys person) {
        return new AuthenticatedOperator(operator, person, Optional.empty());
    }

    /** Whether the credential has expired at {@code now} (at its {@code exp} exactly, it has). */
    public boolean expiredAt(Instant now) {
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    }

    /** The name in audit trails and decisions. */
    public String name() {
        return operator.name();
    }
}
