package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

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
 * new buffer from the allocator; the caller then releases the original. NULL stays NULL. Nothing
 * accumulates between rows. Not thread-safe: use it on the session's event loop. Never blocks.
 */
public final class RowMasker {

    /** Masks nothing: {@link #apply} returns its input. */
    public static final RowMasker NONE = new RowMasker(null, null, List.of(), null);

    private static final byte DATA_ROW = 'D';

    private final ColumnPlan[] plans;
    private final int[] formats;
    private final List<MaskedColumn> maskedColumns;
    private final ValueMasker values;

    RowMasker(ColumnPlan[] plans, int[] formats, List<MaskedColumn> maskedColumns, Tokenizer tokenizer) {
        this.plans = plans;
        this.formats = formats;
        this.maskedColumns = List.copyOf(maskedColumns);
        this.values = plans == null ? null : new ValueMasker(tokenizer);
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
        int start = dataRow.readerIndex();
        int end = dataRow.writerIndex();
        if (end - start < 7 || dataRow.getByte(start) != DATA_ROW) {
            throw MaskingException.malformed("expected a DataRow message");
        }
        if (dataRow.getInt(start + 1) != end - start - 1) {
            throw MaskingException.malformed("DataRow length does not match the message");
        }
        int count = dataRow.getUnsignedShort(start + 5);
        if (count != plans.length) {
            throw MaskingException.malformed("DataRow has " + count + " columns, RowDescription " + plans.length);
        }
        byte[][] replaced = null;
        int position = start + 7;
        for (int column = 0; column < count; column++) {
            if (position + 4 > end) {
                throw MaskingException.malformed("DataRow truncated");
            }
            int length = dataRow.getInt(position);
            position += 4;
            if (length < -1 || length > end - position) {
                throw MaskingException.malformed("DataRow value length out of range");
            }
            if (length >= 0) {
                ColumnPlan plan = plans[column];
                if (plan != ColumnPlan.PASS) {
                    byte[] out = values.mask(plan, formats[column], dataRow, position, length);
                    if (out != ValueMasker.UNCHANGED) {
                        if (replaced == null) {
                            replaced = new byte[count][];
                        }
                        replaced[column] = out;
                    }
                }
                position += length;
            }
        }
        if (position != end) {
            throw MaskingException.malformed("DataRow has trailing bytes");
        }
        return replaced == null ? dataRow : rebuild(dataRow, start, count, replaced, alloc);
    }

    private static ByteBuf rebuild(ByteBuf original, int start, int count, byte[][] replaced, ByteBufAllocator alloc) {
        int size = 7;
        int position = start + 7;
        for (int column = 0; column < count; column++) {
            int length = original.getInt(position);
            position += 4 + Math.max(length, 0);
            byte[] value = replaced[column];
            size += 4 + (value == null ? Math.max(length, 0) : value == ValueMasker.SQL_NULL ? 0 : value.length);
        }
        ByteBuf out = alloc.buffer(size);
        out.writeByte(DATA_ROW).writeInt(size - 1).writeShort(count);
        position = start + 7;
        for (int column = 0; column < count; column++) {
            int length = original.getInt(position);
            position += 4;
            byte[] value = replaced[column];
            if (value == null) {
                out.writeInt(length);
                if (length > 0) {
                    out.writeBytes(original, position, length);
                }
            } else if (value == ValueMasker.SQL_NULL) {
                out.writeInt(-1);
            } else {
                out.writeInt(value.length).writeBytes(value);
            }
            position += Math.max(length, 0);
        }
        return out;
    }
}
