package dev.bulwark.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/** Renders binary-format bind parameters of common types as text for the recording; others as hex. */
public final class BinaryValues {
    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int VARCHAR = 1043;
    static final int UUID_TYPE = 2950;

    private BinaryValues() {}

    public static String render(int typeOid, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        return switch (typeOid) {
            case BOOL -> value.length == 1 ? (value[0] != 0 ? "t" : "f") : hex(value);
            case INT2 -> value.length == 2 ? Short.toString(buf.getShort()) : hex(value);
            case INT4 -> value.length == 4 ? Integer.toString(buf.getInt()) : hex(value);
            case OID -> value.length == 4 ? Integer.toUnsignedString(buf.getInt()) : hex(value);
            case INT8 -> value.length == 8 ? Long.toString(buf.getLong()) : hex(value);
            case FLOAT4 -> value.length == 4 ? Float.toString(buf.getFloat()) : hex(value);
            case FLOAT8 -> value.length == 8 ? Double.toString(buf.getDouble()) : hex(value);
            case TEXT, VARCHAR -> new String(value, StandardCharsets.UTF_8);
            case UUID_TYPE -> value.length == 16 ? new UUID(buf.getLong(), buf.getLong()).toString() : hex(value);
            default -> hex(value);
        };
    }

    private static String hex(byte[] value) {
        return "\\x" + HexFormat.of().formatHex(value);
    }
}
