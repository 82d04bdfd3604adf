package dev.bulwark.vault;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Where a password in the engine config comes from:
 * <ul>
 *   <li>{@code vault:NAME} — a secret in the vault (user and password, both from the vault);
 *   <li>{@code env:VAR} — the value of an environment variable of the engine process;
 *   <li>{@code file:PATH} — the contents of a file (one trailing newline removed);
 *   <li>{@code literal:TEXT}, or any other text — the password itself, written in the config. Allowed
 *       for demos, warned about at start (see {@link CredentialResolver#check}).
 * </ul>
 */
public sealed interface CredentialReference {

    static CredentialReference parse(String text) {
        requireNonNull(text, "credential reference is null");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("credential reference is empty");
        }
        if (text.startsWith("vault:")) {
            String name = text.substring("vault:".length());
            Vault.checkName(name);
            return new VaultReference(name);
        }
        if (text.startsWith("env:")) {
            String variable = text.substring("env:".length());
            if (variable.isEmpty()) {
                throw new IllegalArgumentException("credential reference env: names no variable");
            }
            return new EnvironmentReference(variable);
        }
        if (text.startsWith("file:")) {
            String path = text.substring("file:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("credential reference file: names no path");
            }
            return new FileReference(Path.of(path));
        }
        if (text.startsWith("literal:")) {
            return new Literal(text.substring("literal:".length()));
        }
        return new Literal(text);
    }

    /** A description safe to log: the kind and name, never a literal's value. */
    String describe();

    record VaultReference(String name) implements CredentialReference {
        public VaultReference {
            Vault.checkName(name);
        }

        @Override
        public String describe() {
            return "vault:" + name;
        }
    }

    record EnvironmentReference(String variable) implements CredentialReference {
        public EnvironmentReference {
            requireNonNull(variable, "variable is null");
        }

        @Override
        public String describe() {
            return "env:" + variable;
        }
    }

    record FileReference(Path path) implements CredentialReference {
        public FileReference {
            requireNonNull(path, "path is null");
        }

        @Override
        public String describe() {
            return "file:" + path;
        }
    }

    record Literal(String password) implements CredentialReference {
        public Literal {
            requireNonNull(password, "password is null");
        }

        @Override
        public String describe() {
            return "a literal password";
        }

        @Override
        public String toString() {
            return "Literal[***]";
        }
    }
}
