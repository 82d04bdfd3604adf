package dev.bulwark.cli;

import dev.bulwark.vault.Credential;
import dev.bulwark.vault.Vault;
import dev.bulwark.vault.VaultKey;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultCommandTest {
    private static final String SECRET = "correct horse battery staple";

    @TempDir
    Path data;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, VaultCommand.Terminal terminal, Map<String, String> environment, String... args) {
        VaultCommand vault = new VaultCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), () -> terminal, environment);
        CommandLine command = new CommandLine(vault);
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    private int run(String stdin, String... args) {
        return run(stdin, null, Map.of(), args);
    }

    private void assertNoSecretPrinted() {
        assertFalse(out.toString().contains(SECRET), out::toString);
        assertFalse(err.toString().contains(SECRET), err::toString);
    }

    @Test
    void setReadsTheSecretFromStdinAndListShowsNoSecrets() throws Exception {
        assertEquals(0, run(SECRET + "\nignored second line\n", "set", "shop", "--user", "shop_app", "--data", data.toString()),
                err::toString);
        assertEquals("stored \"shop\" (user shop_app) in " + data.resolve("vault.json") + System.lineSeparator(), out.toString());
        assertTrue(err.toString().startsWith("created the vault key " + data.resolve("vault.key")), err::toString);
        assertEquals(new Credential("shop_app", SECRET), Vault.open(data, Map.of()).credential("shop"));

        assertEquals(0, run("other\r\n", "set", "ledger", "--user", "ledger_app", "--data", data.toString()), err::toString);
        assertEquals("other", Vault.open(data, Map.of()).credential("ledger").password(), "CRLF is stripped");

        out.getBuffer().setLength(0);
        assertEquals(0, run("", "list", "--data", data.toString()), err::toString);
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out::toString);
        assertTrue(lines.get(0).matches("NAME\\s+USER\\s+UPDATED"), lines.get(0));
        assertTrue(lines.get(1).matches("ledger\\s+ledger_app\\s+\\d{4}-.*Z"), lines.get(1));
        assertTrue(lines.get(2).matches("shop\\s+shop_app\\s+\\d{4}-.*Z"), lines.get(2));
        assertNoSecretPrinted();
        assertFalse(out.toString().contains("other"));
    }

    @Test
    void rotatingKeepsTheUser() throws Exception {
        assertEquals(0, run("first\n", "set", "shop", "--user", "shop_app", "--data", data.toString()), err::toString);
        err.getBuffer().setLength(0);
        assertEquals(0, run(SECRET + "\n", "set", "shop", "--data", data.toString()), err::toString);
        assertEquals(new Credential("shop_app", SECRET), Vault.open(data, Map.of()).credential("shop"));
        assertEquals("", err.toString(), "no second key is created");
        assertNoSecretPrinted();
    }

    @Test
    void newEntryNeedsAUser() {
        assertEquals(2, run(SECRET + "\n", "set", "shop", "--data", data.toString()));
        assertEquals("vault set: --user is required for the new entry \"shop\"" + System.lineSeparator(), err.toString());
        assertFalse(Files.exists(data.resolve("vault.json")));
        assertFalse(Files.exists(data.resolve("vault.key")));
    }

    @Test
    void emptyStdinAndBadNamesAreRefused() {
        assertEquals(1, run("", "set", "shop", "--user", "app", "--data", data.toString()));
        assertTrue(err.toString().contains("vault set: no password on standard input"), err::toString);
        assertFalse(Files.exists(data.resolve("vault.key")), "nothing is created when no password came");
        assertEquals(1, run(SECRET, "set", "../shop", "--user", "app", "--data", data.toString()));
        assertTrue(err.toString().contains("a vault name is 1-128 letters"), err::toString);
        assertNoSecretPrinted();
    }

    @Test
    void interactiveTerminalIsAskedTwiceWithoutEcho() throws Exception {
        ArrayDeque<String> prompts = new ArrayDeque<>();
        ArrayDeque<String> answers = new ArrayDeque<>(List.of(SECRET, SECRET));
        VaultCommand.Terminal terminal = prompt -> {
            prompts.add(prompt);
            return answers.remove().toCharArray();
        };
        assertEquals(0, run("stdin is not read", terminal, Map.of(), "set", "shop", "--user", "app", "--data", data.toString()),
                err::toString);
        assertEquals(List.of("Password for shop: ", "Again: "), List.copyOf(prompts));
        assertEquals(SECRET, Vault.open(data, Map.of()).credential("shop").password());

        ArrayDeque<String> mismatch = new ArrayDeque<>(List.of(SECRET, SECRET + "x"));
        assertEquals(1, run("", prompt -> mismatch.remove().toCharArray(), Map.of(),
                "set", "shop", "--user", "app", "--data", data.toString()));
        assertTrue(err.toString().contains("vault set: the passwords do not match"), err::toString);
        assertNoSecretPrinted();
    }

    @Test
    void keyFromTheEnvironmentCreatesNoKeyFile() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> environment = Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, key);
        assertEquals(0, run(SECRET + "\n", null, environment, "set", "shop", "--user", "app", "--data", data.toString()),
                err::toString);
        assertFalse(Files.exists(data.resolve("vault.key")));
        assertEquals("", err.toString());
        assertEquals(SECRET, Vault.open(data, environment).credential("shop").password());
        assertEquals(VaultKey.fromBase64(key, "test").id(),
                Vault.open(data, environment).store().find("shop").orElseThrow().keyId());
    }

    @Test
    void listOfAnEmptyVaultAndBareVaultCommand() {
        assertEquals(0, run("", "list", "--data", data.toString()));
        assertEquals("the vault in " + data + " is empty" + System.lineSeparator(), out.toString());
        assertEquals(2, run(""));
        assertTrue(err.toString().contains("Usage: vault"), err::toString);
    }

    @Test
    void registersUnderTheRootCommandWithTheDefaultConstructor() {
        CommandLine root = new CommandLine(new BulwarkCommand());
        assertTrue(root.getSubcommands().get("vault").getSubcommands().keySet().containsAll(List.of("set", "list")));
        assertTrue(root.getSubcommands().containsKey("token"));
    }
}
