package dev.bulwark.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Sealed secrets in one JSON file ({@code <data>/vault.json}), 0600, replaced atomically on every change.
 *
 * <pre>
 * {"format": "bulwark-vault/1",
 *  "secrets": [{"name": "shop", "user": "app", "key_id": "…", "nonce": "…", "ciphertext": "…",
 *               "updated_at": "2026-11-21T12:00:00Z"}]}
 * </pre>
 *
 * <p>Readers keep the parsed file in memory and look at the file's modification time, size and inode
 * at most once per {@code checkInterval} (default one second): a rotation done by {@code bulwark vault
 * set} in another process reaches new sessions without a restart. Writers hold an exclusive lock on
 * {@code vault.json.lock} while they read, change and replace the file, so two concurrent
 * {@code vault set} calls do not lose each other's update.
 *
 * <p>All methods may block on file I/O.
 */
public final class FileSecretStore implements SecretStore {
    static final String FORMAT = "bulwark-vault/1";
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path lockFile;
    private final Clock clock;
    private final Duration checkInterval;
    // A file lock guards against other processes; within this JVM two channels may not lock the same
    // file (OverlappingFileLockException), so writers to one path first queue on this monitor.
    private static final ConcurrentHashMap<Path, Object> WRITE_LOCKS = new ConcurrentHashMap<>();
    private final Object writeLock;

    private volatile Snapshot snapshot;
    private volatile Instant lastCheck = Instant.MIN;

    public FileSecretStore(Path file) {
        this(file, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    public FileSecretStore(Path file, Clock clock, Duration checkInterval) {
        this.file = requireNonNull(file, "file is null");
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.writeLock = WRITE_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), path -> new Object());
        this.clock = requireNonNull(clock, "clock is null");
        this.checkInterval = requireNonNull(checkInterval, "checkInterval is null");
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<SealedSecret> find(String name) {
        return Optional.ofNullable(current().secrets().get(name));
    }

    @Override
    public List<SealedSecret> all() {
        return List.copyOf(current().secrets().values());
    }

    @Override
    public void put(SealedSecret secret) {
        requireNonNull(secret, "secret is null");
        update(secrets -> secrets.put(secret.name(), secret) != null);
    }

    @Override
    public boolean remove(String name) {
        requireNonNull(name, "name is null");
        return update(secrets -> secrets.remove(name) != null);
    }

    @Override
    public void reload() {
        snapshot = read();
        lastCheck = clock.instant();
    }

    private Snapshot current() {
        Snapshot known = snapshot;
        Instant now = clock.instant();
        if (known != null && now.isBefore(lastCheck.plus(checkInterval))) {
            return known;
        }
        lastCheck = now;
        if (known != null && known.stamp().equals(stamp())) {
            return known;
        }
        Snapshot fresh = read();
        snapshot = fresh;
        return fresh;
    }

    private interface Change {
        boolean apply(Map<String, SealedSecret> secrets);
    }

    private boolean update(Change change) {
        synchronized (writeLock) {
            try {
                SecureFiles.createPrivateDirectories(file.toAbsolutePath().getParent());
                try (FileChannel lockChannel = FileChannel.open(lockFile,
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    lockChannel.lock(); // released when the channel closes
                    Map<String, SealedSecret> secrets = new TreeMap<>(read().secrets());
                    boolean existed = change.apply(secrets);
                    SecureFiles.writeAtomically(file, serialize(secrets), true);
                    snapshot = new Snapshot(secrets, stamp());
                    lastCheck = clock.instant();
                    return existed;
                }
            } catch (IOException failure) {
                throw new VaultException("vault file " + file + " cannot be written: " + failure.getClass().getSimpleName());
            }
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException missing) {
            return Stamp.ABSENT;
        } catch (IOException unreadable) {
            throw new VaultException("vault file " + file + " cannot be read: " + unreadable.getClass().getSimpleName());
        }
    }

    // Stamp first, then content: if the file changes in between we read the newer content under the
    // older stamp, and the next check reads it once more. The reverse order could miss a change.
    private Snapshot read() {
        Stamp stamp = stamp();
        if (stamp.equals(Stamp.ABSENT)) {
            return new Snapshot(Map.of(), stamp);
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new VaultException("vault file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException vanished) {
            return new Snapshot(Map.of(), Stamp.ABSENT);
        } catch (IOException unreadable) {
            throw new VaultException("vault file " + file + " cannot be read: " + unreadable.getClass().getSimpleName());
        }
        return new Snapshot(parse(bytes), stamp);
    }

    private Map<String, SealedSecret> parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException malformed) {
            throw corrupt("not valid JSON (line " + malformed.getLocation().getLineNr() + ")");
        } catch (IOException impossible) {
            throw corrupt("unreadable");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw corrupt("format is not " + FORMAT);
        }
        JsonNode list = root.path("secrets");
        if (!list.isArray()) {
            throw corrupt("secrets is not a list");
        }
        Map<String, SealedSecret> secrets = new TreeMap<>();
        for (JsonNode node : list) {
            SealedSecret secret = new SealedSecret(
                    text(node, "name"), text(node, "user"), text(node, "key_id"),
                    text(node, "nonce"), text(node, "ciphertext"), instant(node, "updated_at"));
            if (secrets.put(secret.name(), secret) != null) {
                throw corrupt("secret \"" + secret.name() + "\" appears twice");
            }
        }
        return secrets;
    }

    private String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw corrupt("a secret has no " + field);
        }
        return value.asText();
    }

    private Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (DateTimeParseException notAnInstant) {
            throw corrupt("a secret has an invalid " + field);
        }
    }

    private static byte[] serialize(Map<String, SealedSecret> secrets) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode list = root.putArray("secrets");
        for (SealedSecret secret : secrets.values()) {
            list.addObject()
                    .put("name", secret.name())
                    .put("user", secret.user())
                    .put("key_id", secret.keyId())
                    .put("nonce", secret.nonce())
                    .put("ciphertext", secret.ciphertext())
                    .put("updated_at", secret.updatedAt().toString());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot serialize the vault", impossible);
        }
    }

    private VaultException corrupt(String why) {
        return new VaultException("vault file " + file + " is corrupt: " + why);
    }

    private record Snapshot(SortedMap<String, SealedSecret> secrets, Stamp stamp) {
        Snapshot(Map<String, SealedSecret> secrets, Stamp stamp) {
            this(Collections.unmodifiableSortedMap(new TreeMap<>(secrets)), stamp);
        }
    }

    /** What changes when the file is replaced: a rename brings a new inode (file key) and mtime. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static final Stamp ABSENT = new Stamp(FileTime.fromMillis(0), -1, null);
    }

    @Override
    public String toString() {
        return "FileSecretStore[" + file + "]";
    }
}
