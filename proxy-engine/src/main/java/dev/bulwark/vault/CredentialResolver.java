package dev.bulwark.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Turns a credential reference from the engine config into a login, at session start, so a rotated
 * secret (vault, file, both re-read every time) reaches the next session without a restart.
 *
 * <p>{@link #resolve} runs on the executor it was given and never blocks the caller;
 * {@link #resolveNow} blocks.
 */
public final class CredentialResolver {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialResolver.class);
    static final int MAX_FILE_BYTES = 64 * 1024;

    private final Optional<Vault> vault;
    private final Map<String, String> environment;
    private final Executor executor;
    private final AtomicBoolean literalWarned = new AtomicBoolean();

    /**
     * @param vault the vault, or empty when none is configured ({@code vault:} references then fail)
     * @param environment the process environment ({@code System.getenv()}), a map in tests
     * @param executor where file and vault reads run
     */
    public CredentialResolver(Optional<Vault> vault, Map<String, String> environment, Executor executor) {
        this.vault = requireNonNull(vault, "vault is null");
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.executor = requireNonNull(executor, "executor is null");
    }

    /**
     * Parses a reference from the config and warns (once per call, naming only {@code context}) when
     * it is a literal password. Call it when the config is loaded so mistakes show at start.
     *
     * @param context what the reference belongs to, e.g. {@code targets.shop.password}
     * @throws IllegalArgumentException when the reference is malformed
     */
    public static CredentialReference check(String context, String text) {
        CredentialReference reference;
        try {
            reference = CredentialReference.parse(text);
        } catch (IllegalArgumentException | VaultException malformed) {
            throw new IllegalArgumentException(context + ": " + malformed.getMessage());
        }
        if (reference instanceof CredentialReference.Literal) {
            LOG.warn("{} holds a literal password; prefer vault:NAME, env:VAR or file:PATH", context);
        }
        return reference;
    }

    /**
     * The login for {@code reference}. A {@code vault:} secret brings its own user; the other kinds
     * use {@code user}. Completes exceptionally with {@link VaultException} (safe message) on failure.
     *
     * @param user the database user for non-vault references; may be null for vault references
     */
    public CompletableFuture<Credential> resolve(String user, CredentialReference reference) {
        requireNonNull(reference, "reference is null");
        return CompletableFuture.supplyAsync(() -> resolveNow(user, reference), executor);
    }

    /** Like {@link #resolve} but on the calling thread. Blocks on file I/O. */
    public Credential resolveNow(String user, CredentialReference reference) {
        requireNonNull(reference, "reference is null");
        return switch (reference) {
            case CredentialReference.VaultReference(String name) -> vault
                    .orElseThrow(() -> new VaultException("no vault is configured for " + reference.describe()))
                    .credential(name);
            case CredentialReference.EnvironmentReference(String variable) -> {
                String login = requireUser(user, reference);
                String value = environment.get(variable);
                if (value == null) {
                    throw new VaultException("environment variable " + variable + " is not set");
                }
                yield new Credential(login, value);
            }
            case CredentialReference.FileReference(Path path) -> {
                String login = requireUser(user, reference);
                yield new Credential(login, readSecretFile(path));
            }
            case CredentialReference.Literal(String password) -> {
                requireUser(user, reference);
                if (literalWarned.compareAndSet(false, true)) {
                    LOG.warn("a literal password from the config is in use; prefer vault:NAME, env:VAR or file:PATH");
                }
                yield new Credential(requireUser(user, reference), password);
            }
        };
    }

    private static String requireUser(String user, CredentialReference reference) {
        if (user == null || user.isEmpty()) {
            throw new VaultException(reference.describe() + " needs a user");
        }
        return user;
    }

    private static String readSecretFile(Path path) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException missing) {
            throw new VaultException("credential file " + path + " does not exist");
        } catch (IOException unreadable) {
            throw new VaultException("credential file " + path + " cannot be read: " + unreadable.getClass().getSimpleName());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new VaultException("credential file " + path + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            throw new VaultException("credential file " + path + " is not UTF-8 text");
        }
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }

    @Override
    public String toString() {
        return "CredentialResolver[" + vault.map(Vault::toString).orElse("no vault") + "]";
    }
}
