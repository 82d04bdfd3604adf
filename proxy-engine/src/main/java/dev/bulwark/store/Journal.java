package dev.bulwark.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static java.util.Objects.requireNonNull;

/**
 * The node's local audit journal: batches of {@link Write}s appended to segment files before they reach
 * the {@link Store}. Handing a batch to the operating system is what makes it survive {@code kill -9} of
 * the engine; with {@code fsync} each append is also forced to the disk, for power loss. The store is fed
 * from the journal in the background, and whatever it lacks after a crash is replayed into it at start.
 *
 * <pre>
 * segment file  journal/SSSSSSSSSSSSSSSSSSSS.wal   (S: the segment's number, 20 digits)
 *   "BWJRNL01"                                      magic, 8 bytes
 *   batch*      Int32 length, Int32 CRC-32C of body, body
 *   body        Int32 count, then per write: Byte1 tag, its fields
 *               (strings: Int32 byte length or -1 for null, then UTF-8; lists: Int32 count, then strings)
 * </pre>
 *
 * <p>A batch is written with one {@code write} call; a batch cut short by a crash (short, or failing its
 * checksum) can only be the last one, since its caller never heard it was written: recovery drops it and
 * everything after it. Not thread-safe: one writer thread appends, and {@link #applied} may be called
 * from another thread only through the owner's own synchronization (the recorder does both on its threads
 * under a lock).
 */
public final class Journal implements AutoCloseable {
    private static final byte[] MAGIC = "BWJRNL01".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".wal";
    /** A batch larger than this is refused on append and taken as corruption on recovery. */
    static final int MAX_BATCH_BYTES = 256 * 1024 * 1024;

    private static final byte INSERT_SESSION = 1;
    private static final byte APPEND_FRAME = 2;
    private static final byte APPEND_ADMIN = 3;
    private static final byte END_SESSION = 4;
    private static final byte PRUNE = 5;

    private final Path dir;
    private final long segmentBytes;
    private final boolean fsync;
    /** Closed segments, oldest first, with the position of their last batch. */
    private final List<Segment> closed = new ArrayList<>();
    private FileChannel current;
    private long currentNumber;
    private long currentSize;
    private long position;
    private long bytesOnDisk;

    private record Segment(Path file, long lastPosition, long bytes) {}

    private Journal(Path dir, long segmentBytes, boolean fsync) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
    }

    /**
     * Opens the journal in {@code dir} (created if missing) and reads back every complete batch its
     * segments hold, oldest first, for the caller to replay into the store; then starts a new segment.
     * Call {@link #discardRecovered} once they are in the store.
     */
    public static Recovered open(Path dir, long segmentBytes, boolean fsync) throws IOException {
        requireNonNull(dir, "dir is null");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be at least 1024");
        }
        Files.createDirectories(dir);
        Journal journal = new Journal(dir, segmentBytes, fsync);
        List<Path> files = segments(dir);
        List<List<Write>> batches = new ArrayList<>();
        String torn = null;
        for (Path file : files) {
            torn = read(file, batches);
            if (torn != null) {
                break; // a torn batch is the crash point: nothing after it was acknowledged
            }
        }
        long next = files.isEmpty() ? 0 : number(files.getLast()) + 1;
        journal.startSegment(next);
        return new Recovered(journal, List.copyOf(batches), List.copyOf(files), torn);
    }

    /**
     * What {@link #open} found.
     *
     * @param journal the journal, ready to append
     * @param batches complete batches from before the start, oldest first
     * @param files the old segment files they came from
     * @param torn what was dropped at the crash point (a file and offset), or null when the tail was clean
     */
    public record Recovered(Journal journal, List<List<Write>> batches, List<Path> files, String torn) {
        /** Deletes the old segments: call once their batches are in the store. */
        public void discardRecovered() throws IOException {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Appends one batch (one write call, forced to disk with fsync) and returns its position. */
    public long append(List<Write> writes) throws IOException {
        byte[] body = encode(writes);
        if (body.length > MAX_BATCH_BYTES) {
            throw new IOException("an audit batch of " + body.length + " bytes is larger than the journal takes");
        }
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer buffer = ByteBuffer.allocate(8 + body.length);
        buffer.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
        while (buffer.hasRemaining()) {
            current.write(buffer);
        }
        if (fsync) {
            current.force(false);
        }
        currentSize += 8 + body.length;
        bytesOnDisk += 8 + body.length;
        position++;
        if (currentSize >= segmentBytes) {
            current.close();
            closed.add(new Segment(file(currentNumber), position, currentSize));
            startSegment(currentNumber + 1);
        }
        return position;
    }

    /** Batches up to {@code position} are in the store: whole segments below it are deleted. */
    public void applied(long position) throws IOException {
        while (!closed.isEmpty() && closed.getFirst().lastPosition() <= position) {
            Segment segment = closed.removeFirst();
            Files.deleteIfExists(segment.file());
            bytesOnDisk -= segment.bytes();
        }
    }

    /** Bytes the journal's segments hold on disk (the current one included). */
    public long bytesOnDisk() {
        return bytesOnDisk;
    }

    /** The position of the last appended batch (0 before the first). */
    public long position() {
        return position;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (current != null && current.isOpen()) {
            if (fsync) {
                current.force(true);
            }
            current.close();
        }
    }

    /**
     * Deletes every segment: the store holds all they had (the engine stopped cleanly). The next start
     * then has nothing to replay.
     */
    public void deleteAll() throws IOException {
        close();
        for (Path file : segments(dir)) {
            Files.deleteIfExists(file);
        }
        closed.clear();
        bytesOnDisk = 0;
    }

    private void startSegment(long number) throws IOException {
        Path file = file(number);
        current = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        current.write(ByteBuffer.wrap(MAGIC));
        if (fsync) {
            current.force(true);
        }
        currentNumber = number;
        currentSize = MAGIC.length;
        bytesOnDisk += MAGIC.length;
    }

    private Path file(long number) {
        return dir.resolve(String.format("%020d%s", number, SUFFIX));
    }

    /** The segment files of a journal directory, oldest first (empty when there is none). */
    public static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted().toList();
        }
    }

    private static long number(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /**
     * Reads a segment's complete batches into {@code out}; returns a description of a torn or corrupt
     * tail (which stops the reading), or null.
     */
    public static String read(Path file, List<List<Write>> out) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length) {
            return file.getFileName() + ": shorter than its header";
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IOException(file + " is not an audit journal segment");
            }
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        while (in.hasRemaining()) {
            int at = in.position();
            if (in.remaining() < 8) {
                return file.getFileName() + " at byte " + at + ": a batch header cut short";
            }
            int length = in.getInt();
            int expected = in.getInt();
            if (length < 0 || length > MAX_BATCH_BYTES || length > in.remaining()) {
                return file.getFileName() + " at byte " + at + ": a batch cut short";
            }
            byte[] body = new byte[length];
            in.get(body);
            CRC32C crc = new CRC32C();
            crc.update(body);
            if ((int) crc.getValue() != expected) {
                return file.getFileName() + " at byte " + at + ": a batch failing its checksum";
            }
            out.add(decode(body));
        }
        return null;
    }

    // ------------------------------------------------------------------ codec

    static byte[] encode(List<Write> writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, writes.size()));
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(writes.size());
        for (Write write : writes) {
            switch (write) {
                case Write.InsertSession insert -> {
                    SessionRow s = insert.session();
                    out.writeByte(INSERT_SESSION);
                    string(out, s.id());
                    string(out, s.nodeId());
                    string(out, s.subject());
                    strings(out, s.groups());
                    string(out, s.issuer());
                    string(out, s.tokenId());
                    string(out, s.clientAddress());
                    string(out, s.applicationName());
                    string(out, s.target());
                    string(out, s.databaseRole());
                    string(out, s.auditMode());
                    out.writeLong(s.startedMicros());
                    out.writeBoolean(s.endedMicros() != null);
                    out.writeLong(s.endedMicros() == null ? 0 : s.endedMicros());
                    string(out, s.endReason());
                    string(out, s.endDetail());
                }
                case Write.AppendFrame append -> {
                    FrameRecord f = append.frame();
                    out.writeByte(APPEND_FRAME);
                    string(out, f.nodeId());
                    out.writeLong(f.seq());
                    out.writeInt(f.epoch());
                    string(out, f.sessionId());
                    out.writeInt(f.frameNo());
                    out.writeLong(f.atMicros());
                    string(out, f.kind());
                    string(out, f.payload());
                    string(out, f.hash());
                    FrameIndex index = append.index();
                    string(out, index.statementText());
                    string(out, index.verdict());
                    strings(out, index.tables());
                }
                case Write.AppendAdmin append -> {
                    AdminRecord a = append.action();
                    out.writeByte(APPEND_ADMIN);
                    string(out, a.nodeId());
                    out.writeLong(a.seq());
                    out.writeInt(a.epoch());
                    out.writeLong(a.atMicros());
                    string(out, a.actor());
                    string(out, a.action());
                    string(out, a.target());
                    string(out, a.details());
                    string(out, a.hash());
                }
                case Write.EndSession end -> {
                    out.writeByte(END_SESSION);
                    string(out, end.sessionId());
                    out.writeLong(end.endedMicros());
                    string(out, end.reason());
                    string(out, end.detail());
                }
                case Write.Prune prune -> {
                    out.writeByte(PRUNE);
                    string(out, prune.nodeId());
                    out.writeLong(prune.cutSeq());
                    strings(out, prune.sessionIds());
                }
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    static List<Write> decode(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
        try {
            int count = in.readInt();
            if (count < 0 || count > body.length) {
                throw new IOException("a journal batch with " + count + " writes");
            }
            List<Write> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte tag = in.readByte();
                writes.add(switch (tag) {
                    case INSERT_SESSION -> {
                        String id = string(in);
                        String nodeId = string(in);
                        String subject = string(in);
                        List<String> groups = strings(in);
                        String issuer = string(in);
                        String tokenId = string(in);
                        String clientAddress = string(in);
                        String applicationName = string(in);
                        String target = string(in);
                        String databaseRole = string(in);
                        String auditMode = string(in);
                        long started = in.readLong();
                        boolean ended = in.readBoolean();
                        long endedMicros = in.readLong();
                        String endReason = string(in);
                        String endDetail = string(in);
                        yield new Write.InsertSession(new SessionRow(id, nodeId, subject, groups, issuer, tokenId,
                                clientAddress, applicationName, target, databaseRole, auditMode, started,
                                ended ? endedMicros : null, endReason, endDetail));
                    }
                    case APPEND_FRAME -> {
                        FrameRecord frame = new FrameRecord(string(in), in.readLong(), in.readInt(), string(in),
                                in.readInt(), in.readLong(), string(in), string(in), string(in));
                        yield new Write.AppendFrame(frame, new FrameIndex(string(in), string(in), strings(in)));
                    }
                    case APPEND_ADMIN -> new Write.AppendAdmin(new AdminRecord(string(in), in.readLong(), in.readInt(),
                            in.readLong(), string(in), string(in), string(in), string(in), string(in)));
                    case END_SESSION -> new Write.EndSession(string(in), in.readLong(), string(in), string(in));
                    case PRUNE -> new Write.Prune(string(in), in.readLong(), strings(in));
                    default -> throw new IOException("unknown write tag " + tag + " in the audit journal");
                });
            }
            if (in.available() > 0) {
                throw new IOException("trailing bytes in an audit journal batch");
            }
            return writes;
        } catch (EOFException | NullPointerException | IllegalArgumentException e) {
            throw new IOException("a malformed audit journal batch: " + e, e);
        }
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            string(out, value);
        }
    }

    private static String string(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("a string of " + length + " bytes in an audit journal batch");
        }
        byte[] bytes = in.readNBytes(length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new IOException("a list of " + count + " strings in an audit journal batch");
        }
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(string(in));
        }
        return values;
    }
}
