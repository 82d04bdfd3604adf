package dev.bulwark.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditChainTest {
    private static final byte[] SEED = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void keysRollForwardByHmacOfTheRollLabel() throws Exception {
        ChainKey seed = ChainKey.of(0, SEED);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SEED, "HmacSHA256"));
        byte[] expected = mac.doFinal("bulwark-roll".getBytes(StandardCharsets.US_ASCII));

        ChainKey next = seed.next();
        assertEquals(1, next.epoch());
        assertArrayEquals(expected, next.copyOfKey());
        ChainKey third = seed.rollTo(3);
        assertArrayEquals(next.next().next().copyOfKey(), third.copyOfKey());
        assertThrows(IllegalArgumentException.class, () -> third.rollTo(2), "keys never go back");
    }

    @Test
    void destroyedKeysCannotHash() {
        ChainKey key = ChainKey.of(0, SEED);
        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(IllegalStateException.class, () -> AuditChain.hash(key, AuditChain.GENESIS, frame(1, 0, "{}")));
        assertFalse(key.toString().contains("00010203"), "toString never shows the key");
    }

    @Test
    void everyFieldIsCoveredByTheHash() {
        ChainKey key = ChainKey.of(0, SEED);
        FrameRecord base = frame(1, 0, "{\"a\":1}");
        String hash = AuditChain.hash(key, AuditChain.GENESIS, base);
        assertEquals(64, hash.length());
        assertEquals(hash, AuditChain.hash(ChainKey.of(0, SEED), AuditChain.GENESIS, base), "deterministic");
        assertNotEquals(hash, AuditChain.hash(key, AuditChain.GENESIS, frame(2, 0, "{\"a\":1}")), "seq");
        assertNotEquals(hash, AuditChain.hash(key, AuditChain.GENESIS, frame(1, 0, "{\"a\":2}")), "payload");
        assertNotEquals(hash, AuditChain.hash(key, "1" + AuditChain.GENESIS.substring(1), base), "previous hash");
        assertNotEquals(hash, AuditChain.hash(key.next(), AuditChain.GENESIS,
                new FrameRecord("n", 1, 1, "s", 0, 5, "STATEMENT", "{\"a\":1}", "")), "epoch and key");
        // Field boundaries are length-prefixed: moving a character between fields changes the hash.
        assertNotEquals(AuditChain.hash(key, AuditChain.GENESIS, new FrameRecord("n", 1, 0, "ab", 0, 5, "c", "{}", "")),
                AuditChain.hash(key, AuditChain.GENESIS, new FrameRecord("n", 1, 0, "a", 0, 5, "bc", "{}", "")));
        AdminRecord admin = new AdminRecord("n", 1, 0, 5, "bob", "session_kill", "s", "{}", "");
        assertNotEquals(AuditChain.hash(key, AuditChain.GENESIS, admin),
                AuditChain.hash(key, AuditChain.GENESIS, new AdminRecord("n", 1, 0, 5, "eve", "session_kill", "s", "{}", "")));
        assertThrows(IllegalArgumentException.class, () -> AuditChain.hash(key.next(), AuditChain.GENESIS, base),
                "a record is hashed with its own epoch's key only");
    }

    @Test
    void keyFilesAreOwnerOnlyAndRoundTrip(@TempDir Path dir) throws Exception {
        AuditKeyFiles files = AuditKeyFiles.in(dir);
        ChainKey seed = files.createSeed();
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(files.seedFile()));
        assertArrayEquals(seed.copyOfKey(), files.readSeed().orElseThrow().copyOfKey());
        assertThrows(java.io.IOException.class, files::createSeed, "never overwrite a seed");

        ChainKey rolled = seed.rollTo(4);
        files.writeState(rolled);
        ChainKey state = files.readState().orElseThrow();
        assertEquals(4, state.epoch());
        assertArrayEquals(rolled.copyOfKey(), state.copyOfKey());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(files.stateFile()));
        files.writeState(rolled.next());
        assertEquals(5, files.readState().orElseThrow().epoch());

        Files.writeString(dir.resolve("bad.key"), "version=1\nepoch=0\nkey=AAAA\n");
        assertThrows(java.io.IOException.class, () -> AuditKeyFiles.readKeyFile(dir.resolve("bad.key")));
    }

    private static FrameRecord frame(long seq, int epoch, String payload) {
        return new FrameRecord("n", seq, epoch, "s", 0, 5, "STATEMENT", payload, "");
    }
}
