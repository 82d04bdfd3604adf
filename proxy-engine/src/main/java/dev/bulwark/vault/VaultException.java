package dev.bulwark.vault;

/**
 * A vault or credential failure. The message names the secret or reference (a target name, a
 * variable, a path) and never a secret value; no cause from a crypto library is attached, so
 * nothing secret can ride along in a log line.
 */
public final class VaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VaultException(String message) {
        super(message);
    }
}
