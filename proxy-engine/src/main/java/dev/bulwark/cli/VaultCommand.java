package dev.bulwark.cli;

import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import dev.bulwark.vault.VaultEntry;
import dev.bulwark.vault.VaultException;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code bulwark vault set TARGET [--user U]} stores a target credential, reading the password from
 * standard input (prompted twice without echo when a terminal is attached, else the first line of
 * stdin); {@code bulwark vault list} shows names and users, never secrets.
 *
 * <p>Files: {@code <data>/vault.json} and {@code <data>/vault.key} (0600, created by the first
 * {@code vault set} unless {@code BULWARK_VAULT_KEY} is set). The data directory defaults to
 * {@value TokenCommand#DEFAULT_DATA_DIRECTORY}.
 */
@Command(name = "vault",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        description = "Manage target credentials in the vault.")
public final class VaultCommand implements Callable<Integer> {
    static final int MAX_SECRET_BYTES = 4096;

    /** Reads a password without echo. */
    interface Terminal {
        char[] readPassword(String prompt);
    }

    private final InputStream stdin;
    private final Supplier<Terminal> terminal;
    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    public VaultCommand() {
        this(System.in, VaultCommand::systemTerminal, System.getenv());
    }

    /** For tests: stdin, the terminal (null when none) and the environment to use. */
    VaultCommand(InputStream stdin, Supplier<Terminal> terminal, Map<String, String> environment) {
        this.stdin = requireNonNull(stdin, "stdin is null");
        this.terminal = requireNonNull(terminal, "terminal is null");
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Store or rotate the credential for TARGET; the password is read from standard input.")
    int set(
            @Parameters(paramLabel = "TARGET", description = "The target (vault entry) name.") String target,
            @Option(names = "--user", paramLabel = "USER",
                    description = "The database user; required for a new entry, kept when rotating.") String user,
            @Option(names = "--data", defaultValue = TokenCommand.DEFAULT_DATA_DIRECTORY, paramLabel = "DIR",
                    description = "The data directory. Default: ${DEFAULT-VALUE}.") Path data) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Vault.checkName(target);
            // Settle the user before anything is created: a refused call leaves no key file behind.
            String chosenUser = user != null ? user : Vault.open(data, environment).user(target).orElse(null);
            if (chosenUser == null) {
                err.println("vault set: --user is required for the new entry \"" + target + "\"");
                return CommandLine.ExitCode.USAGE;
            }
            String password = readSecret(target);
            boolean keyExisted = Files.exists(data.resolve(Vault.KEY_FILE));
            Vault vault = Vault.openForWriting(data, environment);
            vault.put(target, new Credential(chosenUser, password));
            if (!keyExisted && !environment.containsKey(Vault.KEY_ENVIRONMENT_VARIABLE)) {
                err.println("created the vault key " + data.resolve(Vault.KEY_FILE)
                        + " (0600); back it up, or give it to the service as " + Vault.KEY_ENVIRONMENT_VARIABLE);
            }
            out.println("stored \"" + target + "\" (user " + chosenUser + ") in " + data.resolve(Vault.VAULT_FILE));
            return CommandLine.ExitCode.OK;
        } catch (VaultException failure) {
            err.println("vault set: " + failure.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the entries: names and users, never secrets.")
    int list(
            @Option(names = "--data", defaultValue = TokenCommand.DEFAULT_DATA_DIRECTORY, paramLabel = "DIR",
                    description = "The data directory. Default: ${DEFAULT-VALUE}.") Path data) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<VaultEntry> entries = Vault.open(data, environment).list();
            if (entries.isEmpty()) {
                out.println("the vault in " + data + " is empty");
                return CommandLine.ExitCode.OK;
            }
            int nameWidth = Math.max(4, entries.stream().mapToInt(entry -> entry.name().length()).max().orElse(0));
            int userWidth = Math.max(4, entries.stream().mapToInt(entry -> entry.user().length()).max().orElse(0));
            String format = "%-" + nameWidth + "s  %-" + userWidth + "s  %s%n";
            out.printf(format, "NAME", "USER", "UPDATED");
            for (VaultEntry entry : entries) {
                out.printf(format, entry.name(), entry.user(), entry.updatedAt());
            }
            return CommandLine.ExitCode.OK;
        } catch (VaultException failure) {
            err.println("vault list: " + failure.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private String readSecret(String target) {
        Terminal attached = terminal.get();
        if (attached != null) {
            char[] first = attached.readPassword("Password for " + target + ": ");
            char[] second = attached.readPassword("Again: ");
            try {
                if (first == null || second == null || first.length == 0) {
                    throw new VaultException("no password entered");
                }
                if (!Arrays.equals(first, second)) {
                    throw new VaultException("the passwords do not match");
                }
                return new String(first);
            } finally {
                if (first != null) {
                    Arrays.fill(first, '\0');
                }
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
            }
        }
        byte[] line = readFirstLine();
        try {
            if (line.length == 0) {
                throw new VaultException("no password on standard input");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException notText) {
            throw new VaultException("the password on standard input is not UTF-8");
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    // The first line of stdin without its line ending; the rest is not read.
    private byte[] readFirstLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int next;
            while ((next = stdin.read()) != -1 && next != '\n') {
                if (line.size() >= MAX_SECRET_BYTES) {
                    throw new VaultException("the password on standard input is longer than " + MAX_SECRET_BYTES + " bytes");
                }
                line.write(next);
            }
        } catch (IOException unreadable) {
            throw new VaultException("cannot read standard input: " + unreadable.getClass().getSimpleName());
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            return Arrays.copyOf(bytes, bytes.length - 1);
        }
        return bytes;
    }

    /** The console when stdin and stdout are a terminal, else null (input is piped). */
    private static Terminal systemTerminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            // JDK 22+ returns a Console even for redirected streams; isTerminal() tells them apart.
            Method isTerminal = Console.class.getMethod("isTerminal");
            if (!(Boolean) isTerminal.invoke(console)) {
                return null;
            }
        } catch (NoSuchMethodException jdk21) {
            // On JDK 21 a non-null console means a terminal.
        } catch (ReflectiveOperationException unexpected) {
            return null;
        }
        return prompt -> console.readPassword("%s", prompt);
    }
}
