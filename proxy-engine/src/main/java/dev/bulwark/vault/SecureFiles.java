package dev.bulwark.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Small helpers for files that hold secrets: private directories (0700), private files (0600), writes
 * that are atomic (temp file, fsync, rename) and creation that cannot race (hard link of a complete
 * temp file, so a concurrent reader never sees a half-written key). All methods block on file I/O.
 */
public final class SecureFiles {
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {}

    /** Creates the directory (and parents) as 0700 when it does not exist; an existing one is left alone. */
    public static void createPrivateDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (posix()) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
            Files.createDirectories(directory);
        }
    }

    /**
     * Replaces {@code target} with {@code content} atomically: readers see the old or the new file,
     * never a mix. The file is 0600 when {@code ownerOnly}, else 0644.
     */
    public static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path temp = writeTemp(target, content, ownerOnly);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Creates {@code target} with {@code content} (0600) unless it already exists. Returns true when
     * this call created it. Two processes racing both end up reading the same complete file.
     */
    public static boolean createPrivateIfAbsent(Path target, byte[] content) throws IOException {
        Path temp = writeTemp(target, content, true);
        try {
            Files.createLink(target, temp);
            syncDirectory(target.toAbsolutePath().getParent());
            return true;
        } catch (FileAlreadyExistsException exists) {
            return false;
        } catch (UnsupportedOperationException noHardLinks) {
            try {
                Files.move(temp, target);
                return true;
            } catch (FileAlreadyExistsException exists) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The file's POSIX permissions as {@code rw-------}, or null where the file system has none. */
    public static String permissions(Path file) throws IOException {
        if (!posix()) {
            return null;
        }
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static Path writeTemp(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", attributes);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException failure) {
            Files.deleteIfExists(temp);
            throw failure;
        }
        if (!ownerOnly && posix()) {
            Files.setPosixFilePermissions(temp, PUBLIC_FILE);
        }
        return temp;
    }

    // The rename is durable only once the directory entry is on disk.
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can open a directory; the data itself is already synced.
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
