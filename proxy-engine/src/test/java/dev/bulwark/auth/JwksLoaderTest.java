package dev.bulwark.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JwksLoaderTest {

    @Test
    void keepsOnlyPublicAsymmetricKeys() {
        ECKey privateEc = TestIdp.ecKey("ec-1");
        String jwks = "{\"keys\":[" + privateEc.toJSONString() + ","
                + "{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"" + Base64URL.encode(new byte[32]) + "\"}]}";

        JWKSet parsed = JwksLoader.parseJwks(jwks.getBytes(StandardCharsets.UTF_8), "test");

        assertEquals(1, parsed.getKeys().size());
        JWK only = parsed.getKeys().getFirst();
        assertEquals("ec-1", only.getKeyID());
        assertEquals(KeyType.EC, only.getKeyType());
        assertFalse(only.isPrivate(), "a private part published by mistake is not kept");
    }

    @Test
    void invalidJwksNamesTheSourceOnly() {
        KeyFetchException failure = assertThrows(KeyFetchException.class,
                () -> JwksLoader.parseJwks("{\"keys\":42}".getBytes(StandardCharsets.UTF_8), "https://idp/certs"));
        assertEquals("JWKS from https://idp/certs is not valid", failure.getMessage());
    }

    @Test
    void fileSourceIsReadOnTheExecutor(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("jwks.json");
        Files.writeString(file, new JWKSet(TestIdp.ecKey("ec-1").toPublicJWK()).toString());
        JwksLoader loader = new JwksLoader(JwksLoader.httpClient(Runnable::run, java.time.Duration.ofSeconds(1)), Runnable::run);

        assertEquals("ec-1", loader.readJwksFile(file).get(5, TimeUnit.SECONDS).getKeys().getFirst().getKeyID());

        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> loader.readJwksFile(directory.resolve("absent.json")).get(5, TimeUnit.SECONDS));
        assertInstanceOf(KeyFetchException.class, missing.getCause());

        Files.write(file, new byte[JwksLoader.MAX_DOCUMENT_BYTES + 1]);
        ExecutionException tooLarge = assertThrows(ExecutionException.class,
                () -> loader.readJwksFile(file).get(5, TimeUnit.SECONDS));
        assertEquals("JWKS file " + file + " is larger than " + JwksLoader.MAX_DOCUMENT_BYTES + " bytes",
                tooLarge.getCause().getMessage());
    }
}
