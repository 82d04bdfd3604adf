package dev.bulwark.vault;

import static java.util.Objects.requireNonNull;

/**
 * A login for an upstream database: user and password. The password never appears in
 * {@link #toString()}, so a credential that ends up in a log line or an exception shows only its user.
 */
public record Credential(String user, String password) {

    public Credential {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
    }

    @Override
    public String toString() {
        return "Credential[user=" + user + ", password=***]";
    }
}
