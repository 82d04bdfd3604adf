package dev.bulwark.vault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialResolverTest {
    @TempDir
    Path data;

    @Test
    void parsesEveryKind() {
        assertEquals(new CredentialReference.VaultReference("shop"), CredentialReference.parse("vault:shop"));
        assertEquals(new CredentialReference.EnvironmentReference("SHOP_PASSWORD"), CredentialReference.parse("env:SHOP_PASSWORD"));
        assertEquals(new CredentialReference.FileReference(Path.of("/run/secrets/shop")), CredentialReference.parse("file:/run/secrets/shop"));
        assertEquals(new CredentialReference.Literal("hunter2"), CredentialReference.parse("hunter2"));
        assertEquals(new CredentialReference.Literal("vault:not-a-ref"), CredentialReference.parse("literal:vault:not-a-ref"));
        assertThrows(IllegalArgumentException.class, () -> CredentialReference.parse(""));
        assertThrows(IllegalArgumentException.class, () -> CredentialReference.parse("env:"));
        assertThrows(VaultException.class, () -> CredentialReference.parse("vault:../x"));
        assertEquals("a literal password", CredentialReference.parse("hunter2").describe());
    }

    @Test
    void checkNamesTheConfigKeyNotTheValue() {
        assertInstanceOf(CredentialReference.Literal.class, CredentialResolver.check("targets.shop.password", "hunter2"));
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> CredentialResolver.check("targets.shop.password", "env:"));
        assertEquals("targets.shop.password: credential reference env: names no variable", malformed.getMessage());
    }

    @Test
    void resolvesEveryKindOffTheCallersThread() throws Exception {
        Vault vault = Vault.openForWriting(data, Map.of());
        vault.put("shop", new Credential("shop_app", "from-vault"));
        Path secretFile = data.resolve("password.txt");
        Files.writeString(secretFile, "from-file\n");
        Path crlfFile = data.resolve("crlf.txt");
        Files.writeString(crlfFile, "from-crlf\r\n");

        ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "resolver-io"));
        List<String> threads = new CopyOnWriteArrayList<>();
        Executor recording = task -> executor.execute(() -> {
            threads.add(Thread.currentThread().getName());
            task.run();
        });
        try {
            CredentialResolver resolver = new CredentialResolver(Optional.of(vault), Map.of("SHOP_PASSWORD", "from-env"), recording);
            assertEquals(new Credential("shop_app", "from-vault"),
                    resolver.resolve(null, CredentialReference.parse("vault:shop")).get(5, TimeUnit.SECONDS));
            assertEquals(new Credential("app", "from-env"),
                    resolver.resolve("app", CredentialReference.parse("env:SHOP_PASSWORD")).get(5, TimeUnit.SECONDS));
            assertEquals(new Credential("app", "from-file"),
                    resolver.resolve("app", CredentialReference.parse("file:" + secretFile)).get(5, TimeUnit.SECONDS));
            assertEquals(new Credential("app", "from-crlf"),
                    resolver.resolve("app", CredentialReference.parse("file:" + crlfFile)).get(5, TimeUnit.SECONDS));
            assertEquals(new Credential("app", "demo"),
                    resolver.resolve("app", CredentialReference.parse("demo")).get(5, TimeUnit.SECONDS));

            assertEquals(List.of("resolver-io", "resolver-io", "resolver-io", "resolver-io", "resolver-io"), threads,
                    "every resolution ran on the executor");

            // A rotation in the vault reaches the next resolution.
            vault.put("shop", new Credential("shop_app", "rotated"));
            vault.store().reload();
            assertEquals("rotated", resolver.resolve(null, CredentialReference.parse("vault:shop")).get(5, TimeUnit.SECONDS).password());
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void failuresAreSafe() {
        CredentialResolver resolver = new CredentialResolver(Optional.empty(), Map.of(), Runnable::run);
        assertFailure(resolver, "app", "vault:shop", "no vault is configured for vault:shop");
        assertFailure(resolver, "app", "env:MISSING", "environment variable MISSING is not set");
        assertFailure(resolver, "app", "file:" + data.resolve("absent"), "credential file " + data.resolve("absent") + " does not exist");
        assertFailure(resolver, null, "hunter2", "a literal password needs a user");
        assertFailure(resolver, null, "env:X", "env:X needs a user");
    }

    private static void assertFailure(CredentialResolver resolver, String user, String reference, String message) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> resolver.resolve(user, CredentialReference.parse(reference)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(VaultException.class, failure.getCause());
        assertEquals(message, failure.getCause().getMessage());
    }
}
