package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Masks the DataRow messages of one result set (one RowDescription).
 *
 * <pre>
 * DataRow (B): Byte1('D') Int32 length Int16 columnCount,
 *              per column: Int32 valueLength (-1 = NULL) then valueLength bytes
 * </pre>
 *
 * <p>A row with nothing to mask comes back as the same ByteBuf instance, untouched, and nothing is
 * allocated for it (detector columns are pre-scanned byte by byte). A changed row comes back as a
 * new buffer from the allocator, written in one pass: runs of unchanged columns are copied with one
 * bulk copy each, masked values are written from the masker's reused arrays; the caller then
 * releases the original. {@link #writeTo} appends the row, masked or not, to a buffer the caller
 * gives (the relay packs many rows into one), so a masked row costs no buffer of its own. NULL stays
 * NULL. Nothing accumulates between rows. Not thread-safe: use it on the session's event loop. Never
 * blocks.
 */
public final class RowMasker {

    /** Masks nothing: {@link #apply} returns its input. */
    public static final RowMasker NONE = new RowMasker(null, null, List.of(), null);

    private static final byte DATA_ROW = 'D';
    /** Room a rewritten row gets beyond the original's size before the buffer must grow. */
    private static final int SLACK = 64;
    /** The largest row array a masker keeps between rows. */
    private static final int MAX_ROW_ARRAY = 64 * 1024;

    private final ColumnPlan[] plans;
    private final int[] formats;
    /** Per column: the bytes a strategy that ignores the value always writes (or SQL_NULL), else null. */
    private final byte[][] constants;
    private final List<MaskedColumn> maskedColumns;
    private final ValueMasker values;
    /** The row being masked, copied out of its buffer, and a heap buffer over the same array for the value maskers. */
    private byte[] rowBytes = new byte[0];
    private ByteBuf rowView = Unpooled.EMPTY_BUFFER;

    RowMasker(ColumnPlan[] plans, int[] formats, List<MaskedColumn> maskedColumns, Tokenizer tokenizer) {
        this.plans = plans;
        this.formats = formats;
        this.maskedColumns = List.copyOf(maskedColumns);
        this.values = plans == null ? null : new ValueMasker(tokenizer);
        this.constants = plans == null ? null : new byte[plans.length][];
        for (int column = 0; plans != null && column < plans.length; column++) {
            if (plans[column] instanceof ColumnPlan.Whole whole && !whole.strategy().needsValue()) {
                constants[column] = values.constant(whole, formats[column]);
            }
        }
    }

    /** True when this masker never changes anything (the engine can skip calling it). */
    public boolean isNone() {
        return plans == null;
    }

    /** The columns this masker may change, with the rules responsible. */
    public List<MaskedColumn> maskedColumns() {
        return maskedColumns;
    }

    /**
     * Masks one complete DataRow message (from its reader index to its writer index).
     *
     * @return {@code dataRow} itself when nothing changed (ownership unchanged), otherwise a new
     *     complete DataRow message the caller owns (and the caller releases {@code dataRow})
     * @throws MaskingException (08P01) when the message is not a well-formed DataRow of this result's
     *     width; the row must then not be forwarded
     */
    public ByteBuf apply(ByteBuf dataRow, ByteBufAllocator alloc) {
        requireNonNull(dataRow, "dataRow is null");
        if (plans == null) {
            return dataRow;
        }
        ByteBuf out = rewrite(dataRow, null, alloc);
        return out == null ? dataRow : out;
    }

    /**
     * Appends the row as the client is to see it to {@code out}, from its writer index: the original
     * bytes with one bulk copy when nothing changes, else the masked row written in place (no
     * intermediate buffer). {@code dataRow} is only read; the caller still owns it.
     *
     * @return true when the appended row differs from {@code dataRow}
     * @throws MaskingException (08P01) as {@link #apply}; {@code out} is then as it was before the call
     */
    public boolean writeTo(ByteBuf dataRow, ByteBuf out) {
        requireNonNull(dataRow, "dataRow is null");
        requireNonNull(out, "out is null");
        int mark = out.writerIndex();
        if (plans != null) {
            try {
                if (rewrite(dataRow, out, null) != null) {
                    return true;
                }
            } catch (RuntimeException e) {
                out.writerIndex(mark);
                throw e;
            }
        }
        out.writeBytes(dataRow, dataRow.readerIndex(), dataRow.readableBytes());
        return false;
    }

    /**
     * The one pass over a row: validates its framing and masks each planned value. The row is read
     * once into an array (one bulk copy; then no checked buffer access per length and value). Nothing
     * is written until the first value changes; then the row so far goes to {@code target} (or, when
     * null, to a new buffer from {@code alloc}), runs of unchanged columns with one bulk copy each.
     *
     * @return null when nothing changed (nothing written), else the buffer the masked row was appended to
     */
    private ByteBuf rewrite(ByteBuf dataRow, ByteBuf target, ByteBufAllocator alloc) {
        int size = dataRow.readableBytes();
        if (size < 7) {
            throw MaskingException.malformed("expected a DataRow message");
        }
        byte[] row = rowArray(size);
        ValueMasker.copy(dataRow, dataRow.readerIndex(), row, size);
        ByteBuf view = row == rowBytes ? rowView : Unpooled.wrappedBuffer(row);
        if (row[0] != DATA_ROW) {
            throw MaskingException.malformed("expected a DataRow message");
        }
        if (int32(row, 1) != size - 1) {
            throw MaskingException.malformed("DataRow length does not match the message");
        }
        int count = (row[5] & 0xff) << 8 | row[6] & 0xff;
        if (count != plans.length) {
            throw MaskingException.malformed("DataRow has " + count + " columns, RowDescription " + plans.length);
        }
        ByteBuf out = null;
        int rowStart = -1; // where the row begins in out
        int copied = 0; // the row's bytes before this index are in out (once there is an out)
        int position = 7;
        try {
            for (int column = 0; column < count; column++) {
                if (position + 4 > size) {
                    throw MaskingException.malformed("DataRow truncated");
                }
                int length = int32(row, position);
                int valueStart = position + 4;
                if (length < -1 || length > size - valueStart) {
                    throw MaskingException.malformed("DataRow value length out of range");
                }
                int valueEnd = valueStart + Math.max(length, 0);
                if (length >= 0 && plans[column] != ColumnPlan.PASS) {
                    int masked = mask(column, row, view, valueStart, length);
                    if (masked != ValueMasker.KEEP) {
                        if (out == null) {
                            out = target != null ? target : alloc.buffer(size + SLACK);
                            rowStart = out.writerIndex();
                        }
                        out.writeBytes(row, copied, position - copied);
                        if (masked == ValueMasker.NULL) {
                            out.writeInt(-1);
                        } else {
                            out.writeInt(masked).writeBytes(constants[column] != null ? constants[column] : values.result(),
                                    0, masked);
                        }
                        copied = valueEnd;
                    }
                }
                position = valueEnd;
            }
            if (position != size) {
                throw MaskingException.malformed("DataRow has trailing bytes");
            }
        } catch (RuntimeException e) {
            if (out != null && target == null) {
                out.release(); // malformed after the first change: nothing half-written escapes
            }
            throw e;
        }
        if (out == null) {
            return null;
        }
        out.writeBytes(row, copied, size - copied);
        out.setInt(rowStart + 1, out.writerIndex() - rowStart - 1);
        return out;
    }

    /** The reused row array when the row fits (growing it up to 64 KiB), else a one-off array. */
    private byte[] rowArray(int size) {
        if (size <= rowBytes.length) {
            return rowBytes;
        }
        if (size > MAX_ROW_ARRAY) {
            return new byte[size]; // a masker never keeps more than 64 KiB alive
        }
        rowBytes = new byte[Math.max(Math.max(size, 256), Math.min(MAX_ROW_ARRAY, rowBytes.length * 2))];
        rowView = Unpooled.wrappedBuffer(rowBytes);
        return rowBytes;
    }

    private static int int32(byte[] bytes, int index) {
        return (bytes[index] & 0xff) << 24 | (bytes[index + 1] & 0xff) << 16 | (bytes[index + 2] & 0xff) << 8
                | bytes[index + 3] & 0xff;
    }

    /** One value: {@link ValueMasker#KEEP}, {@link ValueMasker#NULL} or the new value's length. */
    private int mask(int column, byte[] row, ByteBuf view, int index, int length) {
        byte[] constant = constants[column];
        if (constant == null) {
            return values.apply(plans[column], formats[column], view, index, length);
        }
        if (constant == ValueMasker.SQL_NULL) {
            return ValueMasker.NULL;
        }
        return Arrays.equals(constant, 0, constant.length, row, index, index + length) ? ValueMasker.KEEP : constant.length;
    }
}
