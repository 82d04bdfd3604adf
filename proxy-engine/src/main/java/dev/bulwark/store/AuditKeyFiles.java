package dev.bulwark.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The chain's key files in the data directory.
 *
 * <ul>
 *   <li>{@code audit.key}: the seed (epoch 0), created 0600 on first start. The verifier derives every
 *   epoch's key from it. Production keeps a copy with the auditors, away from the engine host, and may
 *   remove it from the host once the engine has started once (the engine then only needs the state
 *   file); {@code bulwark audit verify --key FILE} takes the auditors' copy.</li>
 *   <li>{@code audit.key.state}: the engine's current key and epoch, rewritten atomically (0600) at
 *   every roll. Someone who steals it can forge records of the current epoch only.</li>
 * </ul>
 *
 * <p>Format (text): {@code version=1}, {@code epoch=N}, {@code key=<base64 of 32 bytes>}, one per line.
 * All methods block on file I/O.
 */
public final class AuditKeyFiles {
    private final Path seedFile;
    private final Path stateFile;

    private AuditKeyFiles(Path seedFile, Path stateFile) {
        this.seedFile = seedFile;
        this.stateFile = stateFile;
    }

    public static AuditKeyFiles in(Path dataDir) {
        return new AuditKeyFiles(dataDir.resolve("audit.key"), dataDir.resolve("audit.key.state"));
    }

    public Path seedFile() {
        return seedFile;
    }

    public Path stateFile() {
        return stateFile;
    }

    /** Creates the seed file with a random key; fails if it exists. */
    public ChainKey createSeed() throws IOException {
        ChainKey seed = ChainKey.generateSeed();
        Files.createDirectories(seedFile.toAbsolutePath().getParent());
        try {
            Files.createFile(seedFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(seedFile);
        } catch (FileAlreadyExistsException e) {
            seed.destroy();
            throw new IOException("audit key " + seedFile + " already exists");
        }
        writeKey(seedFile, seed);
        return seed;
    }

    public Optional<ChainKey> readSeed() throws IOException {
        Optional<ChainKey> seed = read(seedFile);
        if (seed.isPresent() && seed.get().epoch() != 0) {
            throw new IOException(seedFile + " is not a seed (epoch " + seed.get().epoch() + ")");
        }
        return seed;
    }

    public Optional<ChainKey> readState() throws IOException {
        return read(stateFile);
    }

    /** Replaces the state file with this key, atomically and durably. */
    public void writeState(ChainKey key) throws IOException {
        Path temporary = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        }
        writeKey(temporary, key);
        try {
            Files.move(temporary, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, stateFile, StandardCopyOption.REPLACE_EXISTING);
        }
        // Make the rename itself durable, so a crash cannot bring back the previous key.
        try (FileChannel directory = FileChannel.open(stateFile.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file content itself was forced
        }
    }

    /** Reads a key file given on the command line (seed or state). */
    public static ChainKey readKeyFile(Path file) throws IOException {
        return read(file).orElseThrow(() -> new IOException("no audit key at " + file));
    }

    private static void writeKey(Path file, ChainKey key) throws IOException {
        byte[] bytes = key.copyOfKey();
        String text = "# Bulwark audit chain key: keep secret. See `bulwark audit verify`.\n"
                + "version=1\nepoch=" + key.epoch() + "\nkey=" + Base64.getEncoder().encodeToString(bytes) + "\n";
        Arrays.fill(bytes, (byte) 0);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
    }

    private static Optional<ChainKey> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        if (!"1".equals(fields.get("version")) || !fields.containsKey("epoch") || !fields.containsKey("key")) {
            throw new IOException(file + " is not a Bulwark audit key file");
        }
        byte[] key;
        int epoch;
        try {
            key = Base64.getDecoder().decode(fields.get("key"));
            epoch = Integer.parseInt(fields.get("epoch"));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid Bulwark audit key file");
        }
        try {
            return Optional.of(ChainKey.of(epoch, key));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid Bulwark audit key file: " + e.getMessage());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
