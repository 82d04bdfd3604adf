package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.Locale;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Reads a value in either wire format into its canonical text, and writes a value given in the
 * type's text form into either wire format. The canonical text is what tokenization hashes and
 * partial masking reads, so a value tokenizes the same whether the client asked for text or binary.
 */
final class ValueCodec {

    private static final HexFormat HEX = HexFormat.of();

    private ValueCodec() {
    }

    /**
     * The canonical text of a value, or null when it cannot be read (the caller then fails closed
     * with the type's redaction value).
     */
    static String canonical(ValueType type, int format, ByteBuf buf, int index, int length) {
        try {
            if (format == ResultColumn.TEXT) {
                return canonicalFromText(type, buf.toString(index, length, UTF_8));
            }
            byte[] bytes = new byte[length];
            buf.getBytes(index, bytes);
            return canonicalFromBinary(type, bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String canonicalFromText(ValueType type, String text) {
        return switch (type.kind()) {
            case BOOL -> switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "t", "true" -> "t";
                case "f", "false" -> "f";
                default -> throw new IllegalArgumentException("not a boolean");
            };
            case INT2, INT4, INT8 -> Long.toString(Long.parseLong(text.trim()));
            case NUMERIC -> canonicalNumeric(text.trim());
            case FLOAT4 -> canonicalFloat(Float.parseFloat(floatText(text)));
            case FLOAT8 -> canonicalDouble(Double.parseDouble(floatText(text)));
            case TEXT, XML, JSON, JSONB, ARRAY, RECORD, OTHER, INTERVAL -> text;
            case BPCHAR -> stripTrailingSpaces(text);
            case BYTEA -> "\\x" + HEX.formatHex(parseByteaText(text));
            case DATE -> isInfinity(text) ? text.trim() : Temporals.formatDate(Temporals.parseDate(text));
            case TIMESTAMP -> isInfinity(text)
                    ? text.trim()
                    : Temporals.formatTimestamp(Temporals.parseTimestamp(text).dateTime(), false);
            case TIMESTAMPTZ -> isInfinity(text)
                    ? text.trim()
                    : Temporals.formatTimestamp(Temporals.parseTimestamp(text).utc(), true);
            case TIME -> Temporals.formatTime(Temporals.parseTime(text).time());
            case TIMETZ -> {
                Temporals.Clock clock = Temporals.parseTime(text);
                yield Temporals.formatTime(clock.time()) + Temporals.formatOffset(clock.offsetSeconds());
            }
            case UUID -> canonicalUuid(text.trim());
            case INET, CIDR -> InetValue.parse(text).canonical();
        };
    }

    static String canonicalFromBinary(ValueType type, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return switch (type.kind()) {
            case BOOL -> {
                expectLength(bytes, 1);
                yield bytes[0] != 0 ? "t" : "f";
            }
            case INT2 -> {
                expectLength(bytes, 2);
                yield Short.toString(in.getShort());
            }
            case INT4 -> {
                expectLength(bytes, 4);
                yield Integer.toString(in.getInt());
            }
            case INT8 -> {
                expectLength(bytes, 8);
                yield Long.toString(in.getLong());
            }
            case NUMERIC -> canonicalNumeric(NumericCodec.decode(bytes));
            case FLOAT4 -> {
                expectLength(bytes, 4);
                yield canonicalFloat(in.getFloat());
            }
            case FLOAT8 -> {
                expectLength(bytes, 8);
                yield canonicalDouble(in.getDouble());
            }
            case TEXT, XML, JSON -> new String(bytes, UTF_8);
            case BPCHAR -> stripTrailingSpaces(new String(bytes, UTF_8));
            case JSONB -> {
                if (bytes.length < 1 || bytes[0] != 1) {
                    throw new IllegalArgumentException("unknown jsonb version");
                }
                yield new String(bytes, 1, bytes.length - 1, UTF_8);
            }
            case BYTEA -> "\\x" + HEX.formatHex(bytes);
            case DATE -> {
                expectLength(bytes, 4);
                int days = in.getInt();
                yield days == Integer.MAX_VALUE ? Temporals.INFINITY
                        : days == Integer.MIN_VALUE ? Temporals.MINUS_INFINITY
                        : Temporals.formatDate(Temporals.dateFromDays(days));
            }
            case TIMESTAMP, TIMESTAMPTZ -> {
                expectLength(bytes, 8);
                long micros = in.getLong();
                yield micros == Long.MAX_VALUE ? Temporals.INFINITY
                        : micros == Long.MIN_VALUE ? Temporals.MINUS_INFINITY
                        : Temporals.formatTimestamp(Temporals.fromMicros(micros), type.kind() == PgType.TIMESTAMPTZ);
            }
            case TIME -> {
                expectLength(bytes, 8);
                yield Temporals.formatTime(Temporals.timeFromMicros(in.getLong()));
            }
            case TIMETZ -> {
                expectLength(bytes, 12);
                long micros = in.getLong();
                int zoneWest = in.getInt();
                yield Temporals.formatTime(Temporals.timeFromMicros(micros)) + Temporals.formatOffset(-zoneWest);
            }
            case UUID -> {
                expectLength(bytes, 16);
                yield new java.util.UUID(in.getLong(), in.getLong()).toString();
            }
            case INET, CIDR -> InetValue.fromBinary(bytes).canonical();
            // Not readable in binary: interval has no use for it, containers go through BinaryContainers.
            case INTERVAL, ARRAY, RECORD, OTHER -> throw new IllegalArgumentException("no binary reader");
        };
    }

    /**
     * The wire bytes of a value given in the type's text form, or null when the format cannot carry
     * it (the caller sends SQL NULL instead). Strategies only produce text this accepts; a
     * configured fixed placeholder is checked with {@link #accepts}.
     */
    static byte[] encode(ValueType type, int format, String text) {
        try {
            return format == ResultColumn.TEXT ? encodeText(type, text) : encodeBinary(type, text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the text is a valid value of the type in both formats. */
    static boolean accepts(ValueType type, String text) {
        return switch (type.kind()) {
            case ARRAY, RECORD -> false;
            case OTHER -> true;
            default -> encode(type, ResultColumn.BINARY, text) != null;
        };
    }

    private static byte[] encodeText(ValueType type, String text) {
        return switch (type.kind()) {
            case ARRAY, RECORD -> null;
            default -> text.getBytes(UTF_8);
        };
    }

    private static byte[] encodeBinary(ValueType type, String text) {
        return switch (type.kind()) {
            case BOOL -> switch (text) {
                case "t" -> new byte[] {1};
                case "f" -> new byte[] {0};
                default -> null;
            };
            case INT2 -> ByteBuffer.allocate(2).putShort(Short.parseShort(text)).array();
            case INT4 -> ByteBuffer.allocate(4).putInt(Integer.parseInt(text)).array();
            case INT8 -> ByteBuffer.allocate(8).putLong(Long.parseLong(text)).array();
            case NUMERIC -> NumericCodec.encode(text);
            case FLOAT4 -> ByteBuffer.allocate(4).putFloat(Float.parseFloat(floatText(text))).array();
            case FLOAT8 -> ByteBuffer.allocate(8).putDouble(Double.parseDouble(floatText(text))).array();
            case TEXT, XML, BPCHAR, JSON -> text.getBytes(UTF_8);
            case JSONB -> {
                byte[] json = text.getBytes(UTF_8);
                byte[] out = new byte[json.length + 1];
                out[0] = 1;
                System.arraycopy(json, 0, out, 1, json.length);
                yield out;
            }
            case BYTEA -> parseByteaText(text);
            case DATE -> {
                int days = switch (text) {
                    case Temporals.INFINITY -> Integer.MAX_VALUE;
                    case Temporals.MINUS_INFINITY -> Integer.MIN_VALUE;
                    default -> Temporals.daysOf(Temporals.parseDate(text));
                };
                yield ByteBuffer.allocate(4).putInt(days).array();
            }
            case TIMESTAMP, TIMESTAMPTZ -> {
                long micros = switch (text) {
                    case Temporals.INFINITY -> Long.MAX_VALUE;
                    case Temporals.MINUS_INFINITY -> Long.MIN_VALUE;
                    default -> {
                        Temporals.Stamp stamp = Temporals.parseTimestamp(text);
                        LocalDateTime instant = type.kind() == PgType.TIMESTAMPTZ ? stamp.utc() : stamp.dateTime();
                        yield Temporals.microsOf(instant);
                    }
                };
                yield ByteBuffer.allocate(8).putLong(micros).array();
            }
            case TIME -> ByteBuffer.allocate(8)
                    .putLong(Temporals.microsOfTime(Temporals.parseTime(text).time())).array();
            case TIMETZ -> {
                Temporals.Clock clock = Temporals.parseTime(text);
                yield ByteBuffer.allocate(12).putLong(Temporals.microsOfTime(clock.time()))
                        .putInt(-clock.offsetSeconds()).array();
            }
            case INTERVAL -> {
                // Only the plain "HH:MM:SS" form is accepted (what redaction writes).
                Temporals.Clock clock = Temporals.parseTime(text);
                if (clock.offsetSeconds() != 0 || text.indexOf('+') >= 0 || text.indexOf('-') >= 0) {
                    yield null;
                }
                yield ByteBuffer.allocate(16).putLong(Temporals.microsOfTime(clock.time())).putInt(0).putInt(0).array();
            }
            case UUID -> {
                java.util.UUID uuid = java.util.UUID.fromString(canonicalUuid(text));
                yield ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                        .putLong(uuid.getLeastSignificantBits()).array();
            }
            case INET -> InetValue.parse(text).toBinary(false);
            case CIDR -> InetValue.parse(text).toBinary(true);
            case ARRAY, RECORD, OTHER -> null;
        };
    }

    /** bytea text input: hex ("\x0a1b") or escape format (bytea_output = escape). */
    static byte[] parseByteaText(String text) {
        if (text.startsWith("\\x")) {
            return HEX.parseHex(text.substring(2));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b != '\\') {
                out.write(b);
            } else if (i + 1 < raw.length && raw[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
                out.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                throw new IllegalArgumentException("bad bytea escape");
            }
        }
        return out.toByteArray();
    }

    static String canonicalDouble(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    static String canonicalFloat(float value) {
        if (Float.isNaN(value)) {
            return "NaN";
        }
        if (Float.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        return new BigDecimal(Float.toString(value)).stripTrailingZeros().toPlainString();
    }

    static String canonicalUuid(String text) {
        String hex = text.replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a uuid");
        }
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    static String stripTrailingSpaces(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    private static String canonicalNumeric(String text) {
        return switch (text) {
            case "NaN", "Infinity", "-Infinity" -> text;
            default -> new BigDecimal(text).toPlainString();
        };
    }

    /** PostgreSQL spells infinities "Infinity"; Java wants the same, but also accepts "inf" forms we do not. */
    private static String floatText(String text) {
        String trimmed = text.trim();
        return switch (trimmed.toLowerCase(Locale.ROOT)) {
            case "infinity", "inf", "+infinity", "+inf" -> "Infinity";
            case "-infinity", "-inf" -> "-Infinity";
            case "nan" -> "NaN";
            default -> {
                if (!trimmed.isEmpty() && !Character.isDigit(trimmed.charAt(trimmed.length() - 1))) {
                    throw new IllegalArgumentException("not a float"); // Java would accept "1f", "1d"
                }
                yield trimmed;
            }
        };
    }

    private static boolean isInfinity(String text) {
        String trimmed = text.trim();
        return trimmed.equals(Temporals.INFINITY) || trimmed.equals(Temporals.MINUS_INFINITY);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }

    private static void expectLength(byte[] bytes, int length) {
        if (bytes.length != length) {
            throw new IllegalArgumentException("wrong binary length");
        }
    }
}
