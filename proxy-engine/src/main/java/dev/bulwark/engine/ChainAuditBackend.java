package dev.bulwark.engine;

import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.AuditVerification;
import dev.bulwark.model.BrokenRecord;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ManagementException;
import dev.bulwark.recording.AuditExporter;
import dev.bulwark.recording.AuditVerifier;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.ChainKey;
import dev.bulwark.store.VerifyReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The audit chain: verification with the seed key from the data directory, and JSON-lines exports
 * (to a file in {@code <data>/exports}, or streamed to the operator). All of it blocks, on the executor.
 */
final class ChainAuditBackend implements ManagementBackend.AuditBackend {
    static final String EXPORT_DIRECTORY = "exports";
    /** A plain file name: no directories, no leading dot, nothing a shell or a path would read specially. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** Streamed lines go out in batches of about this many characters. */
    static final int BATCH_CHARS = 256 * 1024;
    static final int BATCH_LINES = 512;

    private final EngineManagementBackend.Parts parts;

    ChainAuditBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
    }

    @Override
    public CompletableFuture<AuditVerification> verify() {
        return StoreFailures.asUnavailable(CompletableFuture.supplyAsync(this::verifyNow, parts.blocking()), "the verification");
    }

    /** Waits (briefly) until the store holds what the engine journaled: verify and export read the store. */
    private boolean storeCaughtUp() {
        try {
            return parts.recorder().awaitStored(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private AuditVerification verifyNow() {
        boolean caughtUp = storeCaughtUp();
        AuditKeyFiles keys = AuditKeyFiles.in(parts.dataDir());
        ChainKey seed;
        Integer stateEpoch = null;
        try {
            Optional<ChainKey> found = keys.readSeed();
            if (found.isEmpty()) {
                throw new ManagementException(ErrorCode.UNAVAILABLE,
                        "the audit seed key is not in the data directory; verify with bulwark audit verify --key");
            }
            seed = found.get();
            Optional<ChainKey> state = keys.readState();
            if (state.isPresent()) {
                stateEpoch = state.get().epoch();
                state.get().destroy();
            }
        } catch (IOException e) {
            throw new ManagementException(ErrorCode.UNAVAILABLE, "the audit key cannot be read: " + e.getMessage());
        }
        try {
            // A store still behind the journal ends before the key's epoch without anything being missing.
            VerifyReport report = AuditVerifier.verify(parts.store(), parts.store().nodeId(), seed, caughtUp ? stateEpoch : null);
            return verification(report);
        } finally {
            seed.destroy();
        }
    }

    static AuditVerification verification(VerifyReport report) {
        return report.failure()
                .map(failure -> new AuditVerification(false, report.records(),
                        new BrokenRecord(Math.max(0, failure.seq()), failure.reason() + " (" + failure.record() + ")")))
                .orElseGet(() -> new AuditVerification(true, report.records(), null));
    }

    @Override
    public CompletableFuture<Long> exportToFile(String fileName) {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
            return CompletableFuture.failedFuture(ManagementException.badRequest(
                    "the export file must be a plain file name (letters, digits, '.', '_', '-'), not a path"));
        }
        return StoreFailures.asUnavailable(CompletableFuture.supplyAsync(
                () -> exportTo(parts.dataDir().resolve(EXPORT_DIRECTORY), fileName), parts.blocking()), "the export");
    }

    private long exportTo(Path directory, String fileName) {
        Path file = directory.resolve(fileName);
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Owner-only, like the store: audit lines hold statement texts. Opened before the try below,
            // so that a file that exists already is never deleted.
            SeekableByteChannel channel = Files.newByteChannel(file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                storeCaughtUp();
                return AuditExporter.exportJsonLines(parts.store(), Long.MIN_VALUE, out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (FileAlreadyExistsException e) {
            throw ManagementException.conflict("the export file \"" + fileName + "\" exists already");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit export " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Long> export(ManagementBackend.LineSink sink) {
        return StoreFailures.asUnavailable(CompletableFuture.supplyAsync(() -> {
            try (BatchingWriter out = new BatchingWriter(sink)) {
                storeCaughtUp();
                return AuditExporter.exportJsonLines(parts.store(), Long.MIN_VALUE, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, parts.blocking()), "the export");
    }

    /** Cuts what the exporter writes into lines and hands them on in batches. */
    static final class BatchingWriter extends Writer {
        private final ManagementBackend.LineSink sink;
        private final StringBuilder line = new StringBuilder();
        private List<String> batch = new ArrayList<>();
        private int batchChars;

        BatchingWriter(ManagementBackend.LineSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                char c = buffer[i];
                if (c != '\n') {
                    line.append(c);
                    continue;
                }
                batch.add(line.toString());
                batchChars += line.length();
                line.setLength(0);
                if (batch.size() >= BATCH_LINES || batchChars >= BATCH_CHARS) {
                    send();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            send();
        }

        @Override
        public void close() throws IOException {
            if (!line.isEmpty()) {
                batch.add(line.toString());
                line.setLength(0);
            }
            send();
        }

        private void send() throws IOException {
            if (batch.isEmpty()) {
                return;
            }
            List<String> lines = batch;
            batch = new ArrayList<>();
            batchChars = 0;
            sink.accept(lines);
        }
    }
}
