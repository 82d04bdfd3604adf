package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Masks the output of one COPY ... TO STDOUT in text or CSV format.
 *
 * <pre>
 * CopyData (B): Byte1('d') Int32 length, then data bytes
 * </pre>
 *
 * <p>PostgreSQL sends one line per CopyData, but a CopyData may hold part of a line or several:
 * an unfinished line is carried to the next message (at most {@code maxLineBytes}; past that the
 * COPY fails closed with a {@link MaskingException}). In CSV a quoted field may hold newlines, so
 * lines are found with the quote state carried across messages. Unchanged messages come back as
 * the same instance. Not thread-safe: one per COPY, on the event loop. Never blocks.
 */
public final class CopyMasker {

    private static final byte COPY_DATA = 'd';

    private final CopyOptions options;
    private final boolean csv;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final byte[] nullBytes;
    private final ColumnPlan[] plans;
    private final ColumnPlan everyField;
    private final int maxLineBytes;
    private final ValueMasker values;
    private final List<MaskedColumn> maskedColumns;
    /** The column name of each field (empty for a COPY of a query), for FORCE_QUOTE. */
    private final List<String> fieldNames;

    /** The unfinished line carried over from earlier messages. */
    private final ByteArrayOutputStream carry = new ByteArrayOutputStream();
    /** CSV: inside a quoted field at the end of the last message. */
    private boolean inQuotes;
    /** CSV with a distinct escape character: the last byte was that escape inside quotes. */
    private boolean escapePending;
    private boolean headerPending;
    private boolean finished;
    private int[] bounds = new int[32];

    CopyMasker(CopyOptions options, ColumnPlan[] plans, ColumnPlan everyField, int maxLineBytes, Tokenizer tokenizer,
            List<MaskedColumn> maskedColumns, List<String> fieldNames) {
        this.options = requireNonNull(options, "options is null");
        if (options.format() == CopyOptions.Format.BINARY) {
            throw new IllegalArgumentException("binary COPY cannot be masked");
        }
        this.csv = options.format() == CopyOptions.Format.CSV;
        this.delimiter = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.escape = (byte) options.escape();
        this.nullBytes = options.nullString().getBytes(UTF_8);
        this.plans = plans;
        this.everyField = everyField;
        this.maxLineBytes = maxLineBytes;
        this.values = new ValueMasker(tokenizer);
        this.maskedColumns = List.copyOf(maskedColumns);
        this.fieldNames = List.copyOf(fieldNames);
        this.headerPending = options.header();
    }

    /** The columns this masker may change, with the rules responsible. */
    public List<MaskedColumn> maskedColumns() {
        return maskedColumns;
    }

    /**
     * Masks one complete CopyData message.
     *
     * @return {@code copyData} itself when nothing changed and no line is carried; otherwise a new
     *     CopyData message (the caller releases {@code copyData}), or an empty buffer
     *     ({@code readableBytes() == 0}) when everything was carried and nothing is to be sent yet
     * @throws MaskingException on a malformed message, a line over the limit, or a line whose field
     *     count does not match the table
     */
    public ByteBuf apply(ByteBuf copyData, ByteBufAllocator alloc) {
        requireNonNull(copyData, "copyData is null");
        if (finished) {
            throw new IllegalStateException("COPY already finished");
        }
        int start = copyData.readerIndex();
        int end = copyData.writerIndex();
        if (end - start < 5 || copyData.getByte(start) != COPY_DATA || copyData.getInt(start + 1) != end - start - 1) {
            throw MaskingException.malformed("expected a CopyData message");
        }
        int dataStart = start + 5;
        ByteBuf out = null;
        int copied = dataStart; // bytes of this message before this index are already in out (or unchanged)
        int lineStart = dataStart;
        for (int i = dataStart; i < end; i++) {
            if (!lineEnds(copyData.getByte(i))) {
                continue;
            }
            if (carry.size() > 0) {
                // The line began in an earlier message: mask the joined bytes and always rebuild.
                if (carry.size() + (i - lineStart) > maxLineBytes) {
                    throw lineTooLong();
                }
                byte[] head = carry.toByteArray();
                byte[] line = Arrays.copyOf(head, head.length + (i - lineStart));
                copyData.getBytes(lineStart, line, head.length, i - lineStart);
                carry.reset();
                byte[] masked = maskLine(Unpooled.wrappedBuffer(line), 0, line.length);
                out = begin(out, alloc, end - dataStart + line.length);
                out.writeBytes(masked != null ? masked : line).writeByte('\n');
                copied = i + 1;
            } else {
                if (i - lineStart > maxLineBytes) {
                    throw lineTooLong();
                }
                byte[] masked = maskLine(copyData, lineStart, i);
                if (masked != null) {
                    out = begin(out, alloc, end - dataStart + 64);
                    out.writeBytes(copyData, copied, lineStart - copied);
                    out.writeBytes(masked).writeByte('\n');
                    copied = i + 1;
                }
            }
            lineStart = i + 1;
        }
        if (lineStart < end) {
            if (carry.size() + (end - lineStart) > maxLineBytes) {
                throw lineTooLong();
            }
            byte[] tail = new byte[end - lineStart];
            copyData.getBytes(lineStart, tail);
            carry.writeBytes(tail);
        }
        if (out == null && lineStart == end) {
            return copyData; // nothing changed, nothing carried
        }
        if (out == null) {
            if (lineStart == dataStart) {
                return Unpooled.EMPTY_BUFFER; // all of it carried
            }
            out = begin(null, alloc, lineStart - dataStart);
        }
        if (copied < lineStart) {
            out.writeBytes(copyData, copied, lineStart - copied);
        }
        return finishMessage(out);
    }

    /**
     * Called at CopyDone: masks a last line that had no newline.
     *
     * @return a CopyData message to send before CopyDone, or an empty buffer when there is none
     * @throws MaskingException when the data ended inside a quoted CSV field
     */
    public ByteBuf finish(ByteBufAllocator alloc) {
        finished = true;
        if (inQuotes) {
            throw MaskingException.malformed("COPY data ended inside a quoted field");
        }
        if (carry.size() == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        byte[] line = carry.toByteArray();
        carry.reset();
        byte[] masked = maskLine(Unpooled.wrappedBuffer(line), 0, line.length);
        ByteBuf out = begin(null, alloc, line.length + 16);
        out.writeBytes(masked != null ? masked : line);
        return finishMessage(out);
    }

    /** Tracks CSV quoting; true when this byte ends a line. */
    private boolean lineEnds(byte b) {
        if (!csv) {
            return b == '\n'; // text format escapes newlines in data as \n
        }
        if (inQuotes) {
            if (escapePending) {
                escapePending = false;
            } else if (b == escape && escape != quote) {
                escapePending = true;
            } else if (b == quote) {
                inQuotes = false; // a doubled quote closes and reopens: same result
            }
            return false;
        }
        if (b == quote) {
            inQuotes = true;
            return false;
        }
        return b == '\n';
    }

    /** The masked line (without its newline), or null when unchanged. */
    private byte[] maskLine(ByteBuf line, int from, int to) {
        if (headerPending) {
            headerPending = false;
            return null; // column names
        }
        if (to > from && line.getByte(to - 1) == '\r' && !csv) {
            to--; // not produced by PostgreSQL, tolerated
        }
        if (to - from == 2 && line.getByte(from) == '\\' && line.getByte(from + 1) == '.') {
            return null; // end-of-data marker of old protocols
        }
        int fields = split(line, from, to);
        if (plans != null && fields != plans.length) {
            throw MaskingException.refused("COPY line has " + fields + " fields, expected " + plans.length);
        }
        byte[][] replaced = null;
        for (int f = 0; f < fields; f++) {
            ColumnPlan plan = plans != null ? plans[f] : everyField;
            if (plan == ColumnPlan.PASS) {
                continue;
            }
            int fieldStart = bounds[2 * f];
            int fieldEnd = bounds[2 * f + 1];
            if (isNull(line, fieldStart, fieldEnd)) {
                continue;
            }
            if (plan instanceof ColumnPlan.Detect detect
                    && !values.mightMatch(detect.detectors(), line, fieldStart, fieldEnd)) {
                continue; // the raw bytes cannot hold a finding: skip decoding
            }
            String value = csv ? decodeCsv(line, fieldStart, fieldEnd) : decodeText(line, fieldStart, fieldEnd);
            String masked = values.maskText(plan, value);
            if (masked == value) {
                continue;
            }
            if (replaced == null) {
                replaced = new byte[fields][];
            }
            replaced[f] = encode(masked, f);
        }
        if (replaced == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 32);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                out.write(delimiter);
            }
            if (replaced[f] != null) {
                out.writeBytes(replaced[f]);
            } else {
                for (int i = bounds[2 * f]; i < bounds[2 * f + 1]; i++) {
                    out.write(line.getByte(i));
                }
            }
        }
        return out.toByteArray();
    }

    /** Splits a line into field bounds (raw, still escaped/quoted); returns the field count. */
    private int split(ByteBuf line, int from, int to) {
        int count = 0;
        int fieldStart = from;
        boolean quoted = false;
        for (int i = from; i < to; i++) {
            byte b = line.getByte(i);
            if (csv) {
                if (quoted) {
                    if (b == escape && escape != quote && i + 1 < to) {
                        i++;
                    } else if (b == quote) {
                        quoted = false;
                    }
                    continue;
                }
                if (b == quote) {
                    quoted = true;
                    continue;
                }
            } else if (b == '\\') {
                i++; // the escaped byte (maybe the delimiter) is data
                continue;
            }
            if (b == delimiter) {
                count = addField(count, fieldStart, i);
                fieldStart = i + 1;
            }
        }
        return addField(count, fieldStart, to);
    }

    private int addField(int count, int start, int end) {
        if (2 * count + 2 > bounds.length) {
            bounds = Arrays.copyOf(bounds, bounds.length * 2);
        }
        bounds[2 * count] = start;
        bounds[2 * count + 1] = end;
        return count + 1;
    }

    /** NULL is the null string written unquoted. */
    private boolean isNull(ByteBuf line, int from, int to) {
        if (to - from != nullBytes.length) {
            return false;
        }
        for (int i = 0; i < nullBytes.length; i++) {
            if (line.getByte(from + i) != nullBytes[i]) {
                return false;
            }
        }
        return true;
    }

    private String decodeText(ByteBuf line, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = line.getByte(i);
            if (b != '\\' || i + 1 >= to) {
                out.write(b);
                continue;
            }
            byte c = line.getByte(++i);
            switch (c) {
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < to && Character.digit(line.getByte(i + 1), 16) >= 0) {
                        value = value * 16 + Character.digit(line.getByte(++i), 16);
                        digits++;
                    }
                    out.write(digits == 0 ? 'x' : value);
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        int digits = 1;
                        while (digits < 3 && i + 1 < to && line.getByte(i + 1) >= '0' && line.getByte(i + 1) <= '7') {
                            value = value * 8 + line.getByte(++i) - '0';
                            digits++;
                        }
                        out.write(value);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        return out.toString(UTF_8);
    }

    private String decodeCsv(ByteBuf line, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        boolean quoted = false;
        for (int i = from; i < to; i++) {
            byte b = line.getByte(i);
            if (quoted) {
                if (b == escape && i + 1 < to && (line.getByte(i + 1) == quote || line.getByte(i + 1) == escape)
                        && (escape != quote || line.getByte(i + 1) == quote)) {
                    out.write(line.getByte(++i));
                } else if (b == quote) {
                    quoted = false;
                } else {
                    out.write(b);
                }
            } else if (b == quote) {
                quoted = true;
            } else {
                out.write(b);
            }
        }
        return out.toString(UTF_8);
    }

    private byte[] encode(String value, int field) {
        if (value == null) {
            return nullBytes.clone();
        }
        return csv ? encodeCsv(value, field) : encodeText(value);
    }

    /** As PostgreSQL's CopyAttributeOutText: backslash escapes for control bytes, backslash and delimiter. */
    private byte[] encodeText(String value) {
        byte[] raw = value.getBytes(UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 8);
        for (byte b : raw) {
            switch (b) {
                case '\b' -> out.writeBytes(new byte[] {'\\', 'b'});
                case '\f' -> out.writeBytes(new byte[] {'\\', 'f'});
                case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
                case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
                case 0x0b -> out.writeBytes(new byte[] {'\\', 'v'});
                case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
                default -> {
                    if (b == delimiter) {
                        out.write('\\');
                    }
                    out.write(b);
                }
            }
        }
        return out.toByteArray();
    }

    /** As PostgreSQL's CopyAttributeOutCSV: quoted when needed (or forced), quote/escape escaped. */
    private byte[] encodeCsv(String value, int field) {
        byte[] raw = value.getBytes(UTF_8);
        boolean mustQuote = options.forceQuoteAll() || forceQuoted(field) || value.equals(options.nullString())
                || value.equals("\\.");
        for (int i = 0; i < raw.length && !mustQuote; i++) {
            byte b = raw[i];
            mustQuote = b == delimiter || b == quote || b == '\n' || b == '\r';
        }
        if (!mustQuote) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 4);
        out.write(quote);
        for (byte b : raw) {
            if (b == quote || b == escape) {
                out.write(escape);
            }
            out.write(b);
        }
        out.write(quote);
        return out.toByteArray();
    }

    private boolean forceQuoted(int field) {
        return field < fieldNames.size() && options.forceQuote().contains(fieldNames.get(field));
    }

    private static ByteBuf begin(ByteBuf out, ByteBufAllocator alloc, int sizeHint) {
        if (out != null) {
            return out;
        }
        ByteBuf created = alloc.buffer(5 + Math.max(sizeHint, 16));
        created.writeByte(COPY_DATA).writeInt(0); // length back-filled in finishMessage
        return created;
    }

    private static ByteBuf finishMessage(ByteBuf out) {
        out.setInt(out.readerIndex() + 1, out.readableBytes() - 1);
        return out;
    }

    private MaskingException lineTooLong() {
        carry.reset();
        return MaskingException.refused("COPY line longer than " + maxLineBytes + " bytes cannot be masked");
    }
}
