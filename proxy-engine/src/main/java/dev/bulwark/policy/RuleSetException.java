package dev.bulwark.policy;

/** A rule set that cannot be read or is not valid; the message says where ({@code rules[2] (id "x"): ...}) and why. */
public final class RuleSetException extends Exception {
    private static final long serialVersionUID = 1L;

    public RuleSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
