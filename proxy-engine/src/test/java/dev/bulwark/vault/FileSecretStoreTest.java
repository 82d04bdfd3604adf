package dev.bulwark.vault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSecretStoreTest {
    @TempDir
    Path data;

    private static SealedSecret secret(String name) {
        return new SealedSecret(name, "user-" + name, "0011223344556677", "AAAAAAAAAAAAAAAA", "BBBB",
                Instant.parse("2026-11-21T12:00:00Z"));
    }

    @Test
    void absentFileIsEmpty() {
        FileSecretStore store = new FileSecretStore(data.resolve("vault.json"));
        assertEquals(List.of(), store.all());
        assertEquals(Optional.empty(), store.find("shop"));
        assertTrue(!Files.exists(data.resolve("vault.json")), "reading creates nothing");
    }

    @Test
    void putFindRemoveAndSortedListing() {
        FileSecretStore store = new FileSecretStore(data.resolve("vault.json"));
        store.put(secret("shop"));
        store.put(secret("ledger"));
        assertEquals(List.of("ledger", "shop"), store.all().stream().map(SealedSecret::name).toList());
        assertEquals(Optional.of(secret("shop")), new FileSecretStore(data.resolve("vault.json")).find("shop"));
        assertTrue(store.remove("shop"));
        assertEquals(false, store.remove("shop"));
        assertEquals(List.of("ledger"), new FileSecretStore(data.resolve("vault.json")).all().stream().map(SealedSecret::name).toList());
    }

    @Test
    void concurrentWritersDoNotLoseUpdates() throws Exception {
        Path file = data.resolve("vault.json");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                // One store per writer: like separate `vault set` processes, they share only the file.
                FileSecretStore store = new FileSecretStore(file);
                int id = writer;
                writes.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        store.put(secret("w" + id + "-" + i));
                    }
                }));
            }
            for (Future<?> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, new FileSecretStore(file).all().size());
    }

    /** Run in a child JVM: puts {@code count} secrets named {@code prefix-i} into the file. */
    public static void main(String[] args) {
        FileSecretStore store = new FileSecretStore(Path.of(args[0]));
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            store.put(secret(args[1] + "-" + i));
        }
    }

    @Test
    void concurrentProcessesDoNotLoseUpdates() throws Exception {
        // Separate JVMs, as with two `bulwark vault set` at once: only the file lock keeps them apart.
        Path file = data.resolve("vault.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        try {
            for (String prefix : List.of("a", "b", "c")) {
                processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        FileSecretStoreTest.class.getName(), file.toString(), prefix, "15")
                        .redirectErrorStream(true).redirectOutput(data.resolve(prefix + ".log").toFile()).start());
            }
            for (Process process : processes) {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "writer finished");
                assertEquals(0, process.exitValue(), () -> readLog(data));
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertEquals(45, new FileSecretStore(file).all().size());
    }

    private static String readLog(Path data) {
        try (var logs = Files.list(data)) {
            return logs.filter(path -> path.toString().endsWith(".log")).map(path -> {
                try {
                    return Files.readString(path);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            }).toList().toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void corruptFilesAreReportedWithoutContent() throws Exception {
        Path file = data.resolve("vault.json");
        Files.writeString(file, "{\"format\": \"bulwark-vault/1\",\n \"secrets\": [ {\"name\": \"hunter2\" ");
        VaultException broken = assertThrows(VaultException.class, () -> new FileSecretStore(file).all());
        assertEquals("vault file " + file + " is corrupt: not valid JSON (line 2)", broken.getMessage());

        Files.writeString(file, "{\"format\": \"something-else\", \"secrets\": []}");
        assertEquals("vault file " + file + " is corrupt: format is not bulwark-vault/1",
                assertThrows(VaultException.class, () -> new FileSecretStore(file).all()).getMessage());

        Files.writeString(file, "{\"format\": \"bulwark-vault/1\", \"secrets\": [{\"name\": \"x\"}]}");
        assertEquals("vault file " + file + " is corrupt: a secret has no user",
                assertThrows(VaultException.class, () -> new FileSecretStore(file).all()).getMessage());
    }
}
