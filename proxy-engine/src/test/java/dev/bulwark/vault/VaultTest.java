package dev.bulwark.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.auth.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultTest {
    private static final String SECRET = "s3cret-Pässwörd!";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private Vault writer() {
        return Vault.openForWriting(data, Map.of());
    }

    @Test
    void roundTrip() {
        writer().put("shop", new Credential("app", SECRET));

        Vault reader = Vault.open(data, Map.of());
        assertEquals(new Credential("app", SECRET), reader.credential("shop"));
        assertEquals(Optional.of("app"), reader.user("shop"));
        assertEquals(List.of("shop"), reader.list().stream().map(VaultEntry::name).toList());
    }

    @Test
    void atRestThePasswordIsSealedWithAFreshNoncePerSecret() throws Exception {
        Vault vault = writer();
        vault.put("shop", new Credential("app", SECRET));
        vault.put("ledger", new Credential("app", SECRET));

        String file = Files.readString(data.resolve("vault.json"));
        assertFalse(file.contains(SECRET));
        assertFalse(file.contains(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8))));
        var secrets = JSON.readTree(file).get("secrets");
        assertNotEquals(secrets.get(0).get("nonce"), secrets.get(1).get("nonce"));
        assertNotEquals(secrets.get(0).get("ciphertext"), secrets.get(1).get("ciphertext"));
        assertEquals(12, Base64.getDecoder().decode(secrets.get(0).get("nonce").asText()).length);
        // 16 password bytes... plus the 16-byte GCM tag.
        assertEquals(SECRET.getBytes(StandardCharsets.UTF_8).length + 16,
                Base64.getDecoder().decode(secrets.get(0).get("ciphertext").asText()).length);
    }

    @Test
    void filesArePrivate() throws Exception {
        Path fresh = data.resolve("fresh");
        Vault.openForWriting(fresh, Map.of()).put("shop", new Credential("app", SECRET));
        assertEquals("rwx------", SecureFiles.permissions(fresh));
        assertEquals("rw-------", SecureFiles.permissions(fresh.resolve("vault.key")));
        assertEquals("rw-------", SecureFiles.permissions(fresh.resolve("vault.json")));
        // Rewrites keep it so (a fresh temp file is renamed over the old one).
        Vault.open(fresh, Map.of()).put("shop", new Credential("app", "other"));
        assertEquals("rw-------", SecureFiles.permissions(fresh.resolve("vault.json")));
        try (var files = Files.list(fresh)) {
            assertEquals(List.of("vault.json", "vault.json.lock", "vault.key"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left behind");
        }
    }

    @Test
    void wrongKeyFailsClearlyWithoutTheSecret() throws Exception {
        writer().put("shop", new Credential("app", SECRET));
        String storedKeyId = VaultKey.load(data.resolve("vault.key")).id();
        VaultKey other = VaultKey.generate();

        Vault wrong = Vault.open(data, Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, other.toBase64()));
        VaultException failure = assertThrows(VaultException.class, () -> wrong.credential("shop"));

        assertEquals("the vault secret \"shop\" was sealed with another key (key id " + storedKeyId
                + "); the key from environment variable BULWARK_VAULT_KEY has id " + other.id(), failure.getMessage());
        assertFalse(failure.getMessage().contains(SECRET));
        assertEquals(null, failure.getCause());
    }

    @Test
    void wrongKeyWithForgedKeyIdStillFails() throws Exception {
        writer().put("shop", new Credential("app", SECRET));
        VaultKey other = VaultKey.generate();
        rewrite(secret -> secret.put("key_id", other.id()));
        Vault wrong = Vault.open(data, Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, other.toBase64()));
        assertEquals("the vault secret \"shop\" failed its integrity check: the vault file was changed or corrupted",
                assertThrows(VaultException.class, () -> wrong.credential("shop")).getMessage());
    }

    @Test
    void tamperedCiphertextFails() throws Exception {
        writer().put("shop", new Credential("app", SECRET));
        rewrite(secret -> {
            byte[] ciphertext = Base64.getDecoder().decode(secret.get("ciphertext").asText());
            ciphertext[0] ^= 1;
            secret.put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        });
        assertIntegrityFailure("shop");
    }

    @Test
    void tamperedNonceOrUserFails() throws Exception {
        writer().put("shop", new Credential("app", SECRET));
        rewrite(secret -> secret.put("user", "postgres"));
        assertIntegrityFailure("shop");

        writer().put("shop", new Credential("app", SECRET));
        rewrite(secret -> secret.put("nonce", Base64.getEncoder().encodeToString(new byte[12])));
        assertIntegrityFailure("shop");

        writer().put("shop", new Credential("app", SECRET));
        rewrite(secret -> secret.put("nonce", "not base64!"));
        assertIntegrityFailure("shop");
    }

    @Test
    void aSecretMovedToAnotherNameFails() throws Exception {
        writer().put("shop", new Credential("app", SECRET));
        rewrite(secret -> secret.put("name", "ledger"));
        assertIntegrityFailure("ledger");
    }

    @Test
    void rotationReachesAnotherProcessWithinTheCheckInterval() {
        MutableClock clock = MutableClock.atSecond(1_800_000_000L);
        Vault engine = new Vault(new FileSecretStore(data.resolve("vault.json"), clock, Duration.ofSeconds(1)),
                Optional.of(VaultKey.loadOrCreate(data.resolve("vault.key"))), "key file", clock);
        Vault cli = writer();

        cli.put("shop", new Credential("app", "first"));
        assertEquals("first", engine.credential("shop").password());

        cli.put("shop", new Credential("app2", "second"));
        // The engine looks at the file at most once per second...
        assertEquals("first", engine.credential("shop").password());
        clock.advance(Duration.ofSeconds(1));
        // ...and then sees the rotation, no restart.
        assertEquals(new Credential("app2", "second"), engine.credential("shop"));

        cli.remove("shop");
        engine.store().reload();
        assertEquals("the vault has no secret \"shop\"",
                assertThrows(VaultException.class, () -> engine.credential("shop")).getMessage());
    }

    @Test
    void keyFromTheEnvironment() {
        VaultKey key = VaultKey.generate();
        Map<String, String> environment = Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, key.toBase64());
        Vault.openForWriting(data, environment).put("shop", new Credential("app", SECRET));

        assertFalse(Files.exists(data.resolve("vault.key")), "no key file when the key comes from the environment");
        assertEquals(SECRET, Vault.open(data, environment).credential("shop").password());
        // URL-safe base64 works as well.
        String urlSafe = Base64.getUrlEncoder().encodeToString(Base64.getDecoder().decode(key.toBase64()));
        assertEquals(SECRET, Vault.open(data, Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, urlSafe)).credential("shop").password());
    }

    @Test
    void badKeysAreRefusedWithoutEchoingThem() throws Exception {
        VaultException notBase64 = assertThrows(VaultException.class,
                () -> Vault.open(data, Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, "hunter2!!")));
        assertEquals("vault key from environment variable BULWARK_VAULT_KEY is not valid base64", notBase64.getMessage());

        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        VaultException tooShort = assertThrows(VaultException.class,
                () -> Vault.open(data, Map.of(Vault.KEY_ENVIRONMENT_VARIABLE, shortKey)));
        assertEquals("vault key from environment variable BULWARK_VAULT_KEY must be 32 bytes, not 16", tooShort.getMessage());

        Files.writeString(data.resolve("vault.key"), "garbage!");
        assertEquals("vault key from key file " + data.resolve("vault.key") + " is not valid base64",
                assertThrows(VaultException.class, () -> Vault.open(data, Map.of())).getMessage());
    }

    @Test
    void withoutAKeyTheVaultListsButDoesNotOpen() {
        writer().put("shop", new Credential("app", SECRET));
        Path keyless = data.resolve("keyless");
        Vault empty = Vault.open(keyless, Map.of());
        assertFalse(empty.hasKey());
        assertEquals(List.of(), empty.list());

        // Same vault file, key file gone: listing works, opening explains what is missing.
        Vault noKey = new Vault(new FileSecretStore(data.resolve("vault.json")), Optional.empty(), "no key (set it)", Clock.systemUTC());
        assertEquals(List.of("shop"), noKey.list().stream().map(VaultEntry::name).toList());
        assertEquals("the vault has no key (set it)",
                assertThrows(VaultException.class, () -> noKey.credential("shop")).getMessage());
    }

    @Test
    void namesAndUsersAreValidated() {
        Vault vault = writer();
        assertThrows(VaultException.class, () -> vault.put("../etc", new Credential("app", SECRET)));
        assertThrows(VaultException.class, () -> vault.put("", new Credential("app", SECRET)));
        assertThrows(VaultException.class, () -> vault.put("shop", new Credential("", SECRET)));
        assertThrows(VaultException.class, () -> vault.put("shop", new Credential("a\nb", SECRET)));
        VaultException tooLong = assertThrows(VaultException.class, () -> vault.put("shop", new Credential("app", "x".repeat(4097))));
        assertFalse(tooLong.getMessage().contains("xxxx"));
    }

    @Test
    void toStringHidesSecrets() {
        Vault vault = writer();
        vault.put("shop", new Credential("app", SECRET));
        VaultKey key = VaultKey.load(data.resolve("vault.key"));
        Credential credential = vault.credential("shop");
        SealedSecret sealed = vault.store().find("shop").orElseThrow();
        CredentialReference literal = CredentialReference.parse(SECRET);

        for (Object holder : List.of(credential, vault, key, sealed, literal, vault.store())) {
            String text = holder.toString();
            assertFalse(text.contains(SECRET), text);
            assertFalse(text.contains(key.toBase64()), text);
            assertFalse(text.contains(sealed.ciphertext()), text);
        }
        assertEquals("Credential[user=app, password=***]", credential.toString());
        assertEquals("VaultKey[id=" + key.id() + "]", key.toString());
        assertEquals("Literal[***]", literal.toString());
        assertTrue(key.id().matches("[0-9a-f]{16}"));
    }

    @Test
    void keyFileIsCreatedOnceEvenWhenRacing() throws Exception {
        Path keyFile = data.resolve("race/vault.key");
        List<String> ids = java.util.stream.IntStream.range(0, 8).parallel()
                .mapToObj(i -> VaultKey.loadOrCreate(keyFile).id()).distinct().toList();
        assertEquals(1, ids.size());
    }

    private interface Edit {
        void apply(ObjectNode secret);
    }

    private void rewrite(Edit edit) throws Exception {
        Path file = data.resolve("vault.json");
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        edit.apply((ObjectNode) root.get("secrets").get(0));
        Files.writeString(file, JSON.writeValueAsString(root));
    }

    private void assertIntegrityFailure(String name) {
        VaultException failure = assertThrows(VaultException.class, () -> Vault.open(data, Map.of()).credential(name));
        assertEquals("the vault secret \"" + name + "\" failed its integrity check: the vault file was changed or corrupted",
                failure.getMessage());
        assertEquals(null, failure.getCause());
    }

    @Test
    void updatedAtIsRecorded() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
        Vault vault = new Vault(new FileSecretStore(data.resolve("vault.json")),
                Optional.of(VaultKey.loadOrCreate(data.resolve("vault.key"))), "key file", clock);
        vault.put("shop", new Credential("app", SECRET));
        assertEquals(List.of(new VaultEntry("shop", "app", Instant.parse("2026-11-21T12:00:00Z"))), vault.list());
    }
}
