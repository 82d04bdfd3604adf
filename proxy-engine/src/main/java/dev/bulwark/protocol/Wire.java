package dev.bulwark.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading and writing the protocol's primitive types: Int8/16/32, String (NUL-terminated), Byte_n. */
public final class Wire {
    /** Length of the header of a typed message: Byte1 type + Int32 length. */
    public static final int HEADER_LENGTH = 5;

    private Wire() {}

    /** Reads a NUL-terminated UTF-8 string; fails when the terminator is missing. */
    public static String readCString(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw ProtocolException.violation("unterminated string in message");
        }
        String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(end + 1);
        return value;
    }

    /**
     * Reads a NUL-terminated string of statement text as strict UTF-8: an invalid byte sequence is
     * refused (SQLSTATE 22021, as PostgreSQL does), never replaced, since a replaced byte is one the
     * engine did not read but the server would.
     */
    public static String readText(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.indexOf(start, buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw ProtocolException.violation("unterminated string in message");
        }
        String value;
        if (isAscii(buf, start, end)) {
            value = buf.toString(start, end - start, StandardCharsets.US_ASCII);
        } else {
            try {
                value = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(buf.nioBuffer(start, end - start))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolException(SqlState.CHARACTER_NOT_IN_REPERTOIRE,
                        "invalid byte sequence for encoding \"UTF8\"");
            }
        }
        buf.readerIndex(end + 1);
        return value;
    }

    private static boolean isAscii(ByteBuf buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf.getByte(i) < 0) {
                return false;
            }
        }
        return true;
    }

    public static void writeCString(ByteBuf buf, String value) {
        buf.writeCharSequence(value, StandardCharsets.UTF_8);
        buf.writeByte(0);
    }

    /** Starts a typed message: writes the type and a length placeholder; returns the length's index. */
    public static int begin(ByteBuf buf, byte type) {
        buf.writeByte(type);
        int lengthIndex = buf.writerIndex();
        buf.writeInt(0);
        return lengthIndex;
    }

    /** Back-fills the length of a message started with {@link #begin}. */
    public static void end(ByteBuf buf, int lengthIndex) {
        buf.setInt(lengthIndex, buf.writerIndex() - lengthIndex);
    }

    /** A message with no body: Byte1 type, Int32 4. */
    public static ByteBuf empty(ByteBufAllocator alloc, byte type) {
        ByteBuf buf = alloc.buffer(HEADER_LENGTH);
        buf.writeByte(type);
        buf.writeInt(4);
        return buf;
    }

    public static byte[] readBytes(ByteBuf buf, int length) {
        if (length < 0 || length > buf.readableBytes()) {
            throw ProtocolException.violation("field length " + length + " exceeds the message");
        }
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    /** {@code Int16 n, (Int32 len, Byte_len value)[n]} with -1 for NULL (a null element): Bind values and DataRow columns. */
    public static java.util.List<byte[]> readValues(ByteBuf buf) {
        requireReadable(buf, 2);
        int count = buf.readUnsignedShort();
        java.util.List<byte[]> values = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requireReadable(buf, 4);
            int length = buf.readInt();
            values.add(length == -1 ? null : readBytes(buf, length));
        }
        return values;
    }

    /** Writes what {@link #readValues} reads. */
    public static void writeValues(ByteBuf buf, java.util.List<byte[]> values) {
        buf.writeShort(values.size());
        for (byte[] value : values) {
            if (value == null) {
                buf.writeInt(-1);
            } else {
                buf.writeInt(value.length);
                buf.writeBytes(value);
            }
        }
    }

    public static void requireReadable(ByteBuf buf, int bytes) {
        if (buf.readableBytes() < bytes) {
            throw ProtocolException.violation("message too short");
        }
    }
}
