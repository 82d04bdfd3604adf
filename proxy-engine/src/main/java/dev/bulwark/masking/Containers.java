package dev.bulwark.masking;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Composite values: the text and binary forms of a record, and the binary form of an array.
 *
 * <pre>
 * record text:   (f1,"f 2",,"a""b\\c")     empty = NULL; quoted when empty or holding " \ ( ) , or space
 * record binary: Int32 nfields, per field: Int32 typeOid, Int32 length (-1 NULL), bytes
 * array binary:  Int32 ndim, Int32 hasNulls, Int32 elementOid, ndim x (Int32 size, Int32 lowerBound),
 *                per element: Int32 length (-1 NULL), bytes
 * </pre>
 */
final class Containers {

    private Containers() {
    }

    /** A field of a binary record: its type and value (null for SQL NULL). */
    record BinaryField(int typeOid, byte[] value) {
    }

    /** The fields of a record in text form (null entries are SQL NULL), or null when malformed. */
    static List<String> parseRecordText(String text) {
        int length = text.length();
        if (length < 2 || text.charAt(0) != '(' || text.charAt(length - 1) != ')') {
            return null;
        }
        List<String> fields = new ArrayList<>();
        int i = 1;
        while (true) {
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean inQuotes = false;
            while (i < length) {
                char c = text.charAt(i);
                if (!inQuotes && (c == ',' || c == ')')) {
                    break;
                }
                if (c == '"') {
                    if (inQuotes && i + 1 < length && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = !inQuotes;
                    quoted = true;
                    i++;
                    continue;
                }
                if (c == '\\') {
                    if (i + 1 >= length) {
                        return null;
                    }
                    field.append(text.charAt(i + 1));
                    i += 2;
                    continue;
                }
                field.append(c);
                i++;
            }
            if (i >= length || inQuotes) {
                return null;
            }
            fields.add(!quoted && field.isEmpty() ? null : field.toString());
            char separator = text.charAt(i);
            i++;
            if (separator == ')') {
                return i == length ? fields : null;
            }
        }
    }

    static String formatRecordText(List<String> fields) {
        StringBuilder out = new StringBuilder().append('(');
        for (int f = 0; f < fields.size(); f++) {
            if (f > 0) {
                out.append(',');
            }
            String value = fields.get(f);
            if (value == null) {
                continue;
            }
            boolean quote = value.isEmpty();
            for (int i = 0; i < value.length() && !quote; i++) {
                char c = value.charAt(i);
                quote = c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || Character.isWhitespace(c);
            }
            if (!quote) {
                out.append(value);
                continue;
            }
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append(c);
                }
                out.append(c);
            }
            out.append('"');
        }
        return out.append(')').toString();
    }

    /** The fields of a binary record, or null when malformed. */
    static List<BinaryField> parseRecordBinary(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int count = in.getInt();
            if (count < 0 || count > 1664) { // MaxTupleAttributeNumber
                return null;
            }
            List<BinaryField> fields = new ArrayList<>(count);
            for (int f = 0; f < count; f++) {
                int oid = in.getInt();
                int length = in.getInt();
                if (length < -1 || length > in.remaining()) {
                    return null;
                }
                byte[] value = null;
                if (length >= 0) {
                    value = new byte[length];
                    in.get(value);
                }
                fields.add(new BinaryField(oid, value));
            }
            return in.hasRemaining() ? null : fields;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static byte[] formatRecordBinary(List<BinaryField> fields) {
        int size = 4;
        for (BinaryField field : fields) {
            size += 8 + (field.value() == null ? 0 : field.value().length);
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(fields.size());
        for (BinaryField field : fields) {
            out.putInt(field.typeOid());
            if (field.value() == null) {
                out.putInt(-1);
            } else {
                out.putInt(field.value().length).put(field.value());
            }
        }
        return out.array();
    }

    /** A binary array split into its header and elements (null for SQL NULL). */
    record BinaryArray(int dimensions, int elementOid, int[] dimensionData, List<byte[]> elements) {

        static BinaryArray parse(byte[] bytes) {
            try {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                int dimensions = in.getInt();
                in.getInt(); // has-nulls flag: recomputed on write
                int elementOid = in.getInt();
                if (dimensions < 0 || dimensions > 6) { // MAXDIM
                    return null;
                }
                int[] dimensionData = new int[2 * dimensions];
                long count = dimensions == 0 ? 0 : 1;
                for (int d = 0; d < dimensions; d++) {
                    dimensionData[2 * d] = in.getInt();
                    dimensionData[2 * d + 1] = in.getInt();
                    if (dimensionData[2 * d] < 0) {
                        return null;
                    }
                    count *= dimensionData[2 * d];
                }
                if (count > in.remaining() / 4) {
                    return null;
                }
                List<byte[]> elements = new ArrayList<>((int) count);
                for (long e = 0; e < count; e++) {
                    int length = in.getInt();
                    if (length < -1 || length > in.remaining()) {
                        return null;
                    }
                    byte[] value = null;
                    if (length >= 0) {
                        value = new byte[length];
                        in.get(value);
                    }
                    elements.add(value);
                }
                return in.hasRemaining() ? null : new BinaryArray(dimensions, elementOid, dimensionData, elements);
            } catch (RuntimeException e) {
                return null;
            }
        }

        byte[] format() {
            int size = 12 + 4 * dimensionData.length;
            boolean hasNulls = false;
            for (byte[] element : elements) {
                size += 4 + (element == null ? 0 : element.length);
                hasNulls |= element == null;
            }
            ByteBuffer out = ByteBuffer.allocate(size).putInt(dimensions).putInt(hasNulls ? 1 : 0).putInt(elementOid);
            for (int value : dimensionData) {
                out.putInt(value);
            }
            for (byte[] element : elements) {
                if (element == null) {
                    out.putInt(-1);
                } else {
                    out.putInt(element.length).put(element);
                }
            }
            return out.array();
        }
    }
}
