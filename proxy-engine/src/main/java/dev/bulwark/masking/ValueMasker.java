package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Applies a {@link ColumnPlan} to one value in either wire format. Returns {@link #UNCHANGED}
 * (compare by identity) without allocating when nothing changes, {@link #SQL_NULL} when the value
 * becomes NULL, or the new value's bytes. Not thread-safe (it holds a tokenizer): one per masker.
 */
final class ValueMasker {

    static final byte[] UNCHANGED = new byte[0];
    static final byte[] SQL_NULL = new byte[0];
    /** {@link #apply}: the value stays as it is. */
    static final int KEEP = -2;
    /** {@link #apply}: the value becomes SQL NULL. */
    static final int NULL = -1;
    /** A fast path that does not handle this value: the general path does. */
    private static final int NOT_HANDLED = -3;
    private static final int MAX_SCRATCH = 64 * 1024;

    private final Tokenizer tokenizer;
    /** Values are copied here to be pre-scanned: one bulk copy beats a checked read per byte. */
    private byte[] scratch = new byte[256];
    /** Where the byte-level fast paths write the masked value. */
    private byte[] output = new byte[256];
    /** The bytes of the last value {@link #apply} changed, from index 0. */
    private byte[] result = UNCHANGED;

    ValueMasker(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Applies a plan to one value, without allocating on the fast paths (partial masking of ASCII
     * text, the common case for names, e-mail addresses and card numbers kept as text).
     *
     * @return {@link #KEEP}, {@link #NULL}, or the length of the new value, whose bytes are
     *     {@link #result()} from index 0 until the next call
     */
    int apply(ColumnPlan plan, int format, ByteBuf buf, int index, int length) {
        if (plan instanceof ColumnPlan.Whole whole && whole.strategy() instanceof MaskingStrategy.Partial partial
                && (whole.type().kind() == PgType.TEXT || whole.type().kind() == PgType.BPCHAR)) {
            // Text types have the same bytes in both formats.
            int written = partialAscii(whole.type(), partial, buf, index, length);
            if (written != NOT_HANDLED) {
                result = output;
                return written;
            }
        }
        byte[] masked = mask(plan, format, buf, index, length);
        if (masked == UNCHANGED) {
            return KEEP;
        }
        if (masked == SQL_NULL) {
            return NULL;
        }
        result = masked;
        return masked.length;
    }

    /** The bytes of the last value {@link #apply} changed (valid until its next call). */
    byte[] result() {
        return result;
    }

    /**
     * The value a strategy that does not read the value writes (redaction, a fixed placeholder,
     * NULL): the same for every row, so a masker computes it once per column.
     */
    byte[] constant(ColumnPlan.Whole whole, int format) {
        if (whole.strategy().needsValue()) {
            throw new IllegalArgumentException("the strategy reads the value");
        }
        return encodeMasked(whole.type(), whole.strategy(), null, format);
    }

    /**
     * Partial masking of a text value in bytes; exactly what the general path gives (decode,
     * {@link MaskingStrategy.Partial#maskValue}, {@link MaskingStrategy#fitText}, encode) for ASCII
     * values, {@link #NOT_HANDLED} for any other.
     */
    private int partialAscii(ValueType type, MaskingStrategy.Partial partial, ByteBuf buf, int index, int length) {
        if (length > MAX_SCRATCH) {
            return NOT_HANDLED;
        }
        // A heap buffer (the row masker's copy of the row) is read in place; anything else is copied once.
        byte[] in;
        int from;
        if (buf.hasArray()) {
            in = buf.array();
            from = buf.arrayOffset() + index;
        } else {
            in = scratch(length);
            from = 0;
            copy(buf, index, in, length);
        }
        int end = from + length;
        for (int i = from; i < end; i++) {
            if (in[i] < 0) {
                return NOT_HANDLED;
            }
        }
        boolean bpchar = type.kind() == PgType.BPCHAR;
        if (bpchar) {
            while (end > from && in[end - 1] == ' ') {
                end--; // bpchar's canonical text has no trailing blanks
            }
        }
        int max = type.maxChars();
        if (max > MAX_SCRATCH) {
            return NOT_HANDLED;
        }
        int capacity = Math.max(end - from + 3, max);
        if (output.length < capacity) {
            output = new byte[Math.max(capacity, Math.min(MAX_SCRATCH, output.length * 2))];
        }
        int written = partial.maskAscii(in, from, end - from, output);
        if (max >= 0) {
            written = Math.min(written, max);
            while (bpchar && written < max) {
                output[written++] = ' ';
            }
        }
        return written == length && Arrays.equals(output, 0, written, in, from, from + length) ? KEEP : written;
    }

    /**
     * {@code buf.getBytes(index, dst, 0, length)} without its cost on a direct buffer when Netty
     * runs without Unsafe (JDK 24+ unless the launcher's flag allows it): there each bulk read
     * duplicates the NIO buffer, ~150 MB of garbage per million masked rows. The buffer's internal
     * NIO view is reused instead, read with an absolute get.
     */
    static void copy(ByteBuf buf, int index, byte[] dst, int length) {
        if (buf.hasArray()) {
            System.arraycopy(buf.array(), buf.arrayOffset() + index, dst, 0, length);
        } else if (buf.nioBufferCount() == 1) {
            java.nio.ByteBuffer view = buf.internalNioBuffer(index, length);
            view.get(view.position(), dst, 0, length);
        } else {
            buf.getBytes(index, dst, 0, length);
        }
    }

    private byte[] scratch(int length) {
        if (length > scratch.length) {
            scratch = new byte[Math.max(length, Math.min(MAX_SCRATCH, scratch.length * 2))];
        }
        return scratch;
    }

    /** Allocation-free (once the scratch array is large enough): could a detector match these bytes? */
    boolean mightMatch(DetectorSet detectors, ByteBuf buf, int from, int to) {
        int length = to - from;
        if (buf.hasArray()) {
            int offset = buf.arrayOffset();
            return detectors.mightMatch(buf.array(), offset + from, offset + to);
        }
        // Large values get a one-off array, so a masker never keeps more than 64 KiB alive.
        byte[] target = length <= MAX_SCRATCH ? scratch(length) : new byte[length];
        copy(buf, from, target, length);
        return detectors.mightMatch(target, 0, length);
    }

    byte[] mask(ColumnPlan plan, int format, ByteBuf buf, int index, int length) {
        return switch (plan) {
            case ColumnPlan.Pass pass -> UNCHANGED;
            case ColumnPlan.Whole whole -> unlessSame(whole(whole.type(), whole.strategy(), format, buf, index, length),
                    buf, index, length);
            case ColumnPlan.Detect detect -> detect(detect.type(), detect.detectors(), format, buf, index, length);
            case ColumnPlan.Row row -> row(row, format, buf, index, length);
        };
    }

    /** Masks a value given as text in the type's text form (COPY fields, error details). Null in, null out. */
    String maskText(ColumnPlan plan, String text) {
        if (text == null || plan instanceof ColumnPlan.Pass) {
            return text;
        }
        byte[] bytes = text.getBytes(UTF_8);
        byte[] out = mask(plan, ResultColumn.TEXT, Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        if (out == UNCHANGED) {
            return text;
        }
        return out == SQL_NULL ? null : new String(out, UTF_8);
    }

    private byte[] whole(ValueType type, MaskingStrategy strategy, int format, ByteBuf buf, int index, int length) {
        String canonical = strategy.needsValue() ? ValueCodec.canonical(type, format, buf, index, length) : null;
        return encodeMasked(type, strategy, canonical, format);
    }

    private byte[] encodeMasked(ValueType type, MaskingStrategy strategy, String canonical, int format) {
        String text;
        try {
            text = strategy.maskValue(type, canonical, tokenizer);
        } catch (RuntimeException e) {
            // A value the strategy cannot read: fail closed with the type's neutral value.
            text = MaskingStrategy.redactionOf(type);
        }
        if (text == null) {
            return SQL_NULL;
        }
        byte[] out = ValueCodec.encode(type, format, text);
        return out == null ? SQL_NULL : out;
    }

    private byte[] detect(ValueType type, DetectorSet detectors, int format, ByteBuf buf, int index, int length) {
        boolean binary = format == ResultColumn.BINARY;
        switch (type.kind()) {
            case TEXT, BPCHAR, XML, JSON, JSONB, ARRAY, RECORD, OTHER -> {
                if (binary && (type.kind() == PgType.ARRAY || type.kind() == PgType.RECORD)) {
                    return binaryContainer(type, detectors, buf, index, length);
                }
                if (binary && type.kind() == PgType.OTHER) {
                    return SQL_NULL; // an unknown binary form cannot be inspected: fail closed
                }
                int offset = 0;
                if (binary && type.kind() == PgType.JSONB) {
                    if (length < 1 || buf.getByte(index) != 1) {
                        return SQL_NULL;
                    }
                    offset = 1;
                }
                if (length - offset > detectors.maxScanBytes()) {
                    return encodeMasked(type, MaskingStrategy.Redact.INSTANCE, null, format);
                }
                if (!mightMatch(detectors, buf, index + offset, index + length)) {
                    return UNCHANGED;
                }
                String text = buf.toString(index + offset, length - offset, UTF_8);
                String replaced = detectors.replace(text, tokenizer);
                if (replaced == text) {
                    return UNCHANGED;
                }
                if (replaced == DetectorSet.NULL_VALUE) {
                    return SQL_NULL;
                }
                if (type.kind() == PgType.TEXT || type.kind() == PgType.BPCHAR) {
                    replaced = MaskingStrategy.fitText(type, replaced);
                }
                // Text forms (and the binary forms of text, json) are UTF-8; jsonb adds its version byte.
                return binary && type.kind() == PgType.JSONB
                        ? ValueCodec.encode(type, format, replaced)
                        : replaced.getBytes(UTF_8);
            }
            case INT8, NUMERIC -> {
                if (binary && type.kind() == PgType.INT8 && length == 8) {
                    long value = buf.getLong(index);
                    if (value > -1_000_000 && value < 1_000_000) {
                        return UNCHANGED; // too short for any detector
                    }
                } else if (!binary && !mightMatch(detectors, buf, index, index + length)) {
                    return UNCHANGED;
                }
                String canonical = ValueCodec.canonical(type, format, buf, index, length);
                if (canonical == null) {
                    return encodeMasked(type, MaskingStrategy.Redact.INSTANCE, null, format);
                }
                MaskingStrategy strategy = detectors.firstStrategy(canonical);
                return strategy == null ? UNCHANGED : encodeMasked(type, strategy, canonical, format);
            }
            case BYTEA -> {
                if (length > 2L * detectors.maxScanBytes() + 2) {
                    return encodeMasked(type, MaskingStrategy.Redact.INSTANCE, null, format);
                }
                byte[] raw;
                if (binary) {
                    if (!mightMatch(detectors, buf, index, index + length)) {
                        return UNCHANGED;
                    }
                    raw = new byte[length];
                    buf.getBytes(index, raw);
                } else {
                    try {
                        raw = ValueCodec.parseByteaText(buf.toString(index, length, UTF_8));
                    } catch (RuntimeException e) {
                        return encodeMasked(type, MaskingStrategy.Redact.INSTANCE, null, format);
                    }
                }
                MaskingStrategy strategy = detectors.firstStrategy(new String(raw, UTF_8));
                return strategy == null
                        ? UNCHANGED
                        : encodeMasked(type, strategy, ValueCodec.canonicalFromBinary(type, raw), format);
            }
            case BOOL, INT2, INT4, FLOAT4, FLOAT8, DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, UUID, INET, CIDR -> {
                return UNCHANGED; // their forms cannot hold what the detectors look for
            }
        }
        throw new AssertionError(type.kind());
    }

    /** Detectors inside a binary array or record: each element by its own type. */
    private byte[] binaryContainer(ValueType type, DetectorSet detectors, ByteBuf buf, int index, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        if (type.kind() == PgType.ARRAY) {
            Containers.BinaryArray array = Containers.BinaryArray.parse(bytes);
            if (array == null) {
                return SQL_NULL;
            }
            ValueType elementType = ValueType.of(array.elementOid(), -1);
            List<byte[]> elements = new ArrayList<>(array.elements());
            boolean changed = false;
            for (int e = 0; e < elements.size(); e++) {
                byte[] element = elements.get(e);
                if (element == null) {
                    continue;
                }
                byte[] out = detect(elementType, detectors, ResultColumn.BINARY, Unpooled.wrappedBuffer(element), 0,
                        element.length);
                if (out != UNCHANGED) {
                    elements.set(e, out == SQL_NULL ? null : out);
                    changed = true;
                }
            }
            return changed
                    ? new Containers.BinaryArray(array.dimensions(), array.elementOid(), array.dimensionData(), elements)
                            .format()
                    : UNCHANGED;
        }
        List<Containers.BinaryField> fields = Containers.parseRecordBinary(bytes);
        if (fields == null) {
            return SQL_NULL;
        }
        List<Containers.BinaryField> out = new ArrayList<>(fields);
        boolean changed = false;
        for (int f = 0; f < fields.size(); f++) {
            Containers.BinaryField field = fields.get(f);
            if (field.value() == null) {
                continue;
            }
            byte[] masked = detect(ValueType.of(field.typeOid(), -1), detectors, ResultColumn.BINARY,
                    Unpooled.wrappedBuffer(field.value()), 0, field.value().length);
            if (masked != UNCHANGED) {
                out.set(f, new Containers.BinaryField(field.typeOid(), masked == SQL_NULL ? null : masked));
                changed = true;
            }
        }
        return changed ? Containers.formatRecordBinary(out) : UNCHANGED;
    }

    /** A whole-row value: each field masked by the plan of the table column it holds. */
    private byte[] row(ColumnPlan.Row row, int format, ByteBuf buf, int index, int length) {
        List<ColumnPlan> plans = row.fields();
        if (format == ResultColumn.TEXT) {
            List<String> fields = Containers.parseRecordText(buf.toString(index, length, UTF_8));
            if (fields == null || fields.size() != plans.size()) {
                return SQL_NULL; // cannot tell which field is which: fail closed
            }
            List<String> out = new ArrayList<>(fields);
            boolean changed = false;
            for (int f = 0; f < fields.size(); f++) {
                String masked = maskText(plans.get(f), fields.get(f));
                if (masked != fields.get(f)) {
                    out.set(f, masked);
                    changed = true;
                }
            }
            return changed ? Containers.formatRecordText(out).getBytes(UTF_8) : UNCHANGED;
        }
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        List<Containers.BinaryField> fields = Containers.parseRecordBinary(bytes);
        if (fields == null || fields.size() != plans.size()) {
            return SQL_NULL;
        }
        List<Containers.BinaryField> out = new ArrayList<>(fields);
        boolean changed = false;
        for (int f = 0; f < fields.size(); f++) {
            Containers.BinaryField field = fields.get(f);
            if (field.value() == null || plans.get(f) instanceof ColumnPlan.Pass) {
                continue;
            }
            byte[] masked = mask(plans.get(f), ResultColumn.BINARY, Unpooled.wrappedBuffer(field.value()), 0,
                    field.value().length);
            if (masked != UNCHANGED) {
                out.set(f, new Containers.BinaryField(field.typeOid(), masked == SQL_NULL ? null : masked));
                changed = true;
            }
        }
        return changed ? Containers.formatRecordBinary(out) : UNCHANGED;
    }

    /** A replacement equal to the original (a placeholder that was already there) counts as unchanged. */
    private static byte[] unlessSame(byte[] out, ByteBuf buf, int index, int length) {
        if (out == SQL_NULL || out == UNCHANGED || out.length != length) {
            return out;
        }
        for (int i = 0; i < length; i++) {
            if (out[i] != buf.getByte(index + i)) {
                return out;
            }
        }
        return UNCHANGED;
    }
}
