package dev.bulwark.masking;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * How a value is replaced. Every strategy writes a value that is valid for the column's type (see
 * the table in the package documentation): a masked number is still a number, a date still a date, a
 * varchar(n) no longer than n, a bpchar(n) exactly n characters. Where a type cannot hold the
 * replacement the result is SQL NULL (arrays, records) or, for a type masking does not know, a
 * text placeholder in text format and NULL in binary.
 */
sealed interface MaskingStrategy {

    /** What redaction writes into text. Only characters that are safe inside JSON, arrays, records, CSV. */
    String TEXT_MASK = "****";

    /** Whether {@link #maskValue} reads the value (if not, it is not decoded at all). */
    boolean needsValue();

    /**
     * Masks a whole value.
     *
     * @param canonical the value's canonical text ({@link ValueCodec#canonical}), null when it could not
     *     be read: the strategy then writes the redaction value
     * @return the replacement in the type's text form, or null for SQL NULL
     */
    String maskValue(ValueType type, String canonical, Tokenizer tokenizer);

    /**
     * Masks a finding of a detector inside a longer text. The result only uses characters that keep
     * the surrounding JSON, array, record or CSV text valid. Null means the whole value must become NULL.
     */
    String maskFinding(String finding, Tokenizer tokenizer);

    /** Full redaction: a fixed neutral value of the type. */
    record Redact() implements MaskingStrategy {

        static final Redact INSTANCE = new Redact();

        @Override
        public boolean needsValue() {
            return false;
        }

        @Override
        public String maskValue(ValueType type, String canonical, Tokenizer tokenizer) {
            return redactionOf(type);
        }

        @Override
        public String maskFinding(String finding, Tokenizer tokenizer) {
            return TEXT_MASK;
        }
    }

    /**
     * Partial masking: letters and digits become '*' except the first {@code keepFirst} and last
     * {@code keepLast}; punctuation stays, so formats stay readable. With {@code keepEmailDomain}
     * an e-mail address keeps its domain. For numbers the last digits are kept (the rest zero),
     * for dates and timestamps the year, for inet the network (/24, /64).
     */
    record Partial(int keepFirst, int keepLast, boolean keepEmailDomain) implements MaskingStrategy {

        public Partial {
            if (keepFirst < 0 || keepLast < 0) {
                throw new IllegalArgumentException("keep counts must not be negative");
            }
        }

        @Override
        public boolean needsValue() {
            return true;
        }

        @Override
        public String maskValue(ValueType type, String canonical, Tokenizer tokenizer) {
            if (canonical == null) {
                return redactionOf(type);
            }
            return switch (type.kind()) {
                case TEXT, BPCHAR -> fitText(type, maskText(canonical));
                case JSON, JSONB -> {
                    String content = jsonStringContent(canonical);
                    yield content == null ? redactionOf(type) : "\"" + maskText(content) + "\"";
                }
                case INT2, INT4, INT8 -> {
                    long value = Long.parseLong(canonical);
                    long modulus = pow10(Math.min(keepLast, 18));
                    yield Long.toString(Math.abs(value % modulus));
                }
                case NUMERIC -> {
                    if (!isFinite(canonical)) {
                        yield redactionOf(type);
                    }
                    BigInteger integer = new BigDecimal(canonical).abs().toBigInteger();
                    BigInteger kept = integer.mod(BigInteger.TEN.pow(Math.min(keepLast, 1000)));
                    yield withScale(new BigDecimal(kept), type);
                }
                case DATE -> isFinite(canonical)
                        ? Temporals.formatDate(LocalDate.of(Temporals.parseDate(canonical).getYear(), 1, 1))
                        : canonical;
                case TIMESTAMP, TIMESTAMPTZ -> isFinite(canonical)
                        ? Temporals.formatTimestamp(LocalDate.of(Temporals.parseTimestamp(canonical).utc().getYear(), 1, 1)
                                .atStartOfDay(), type.kind() == PgType.TIMESTAMPTZ)
                        : canonical;
                case UUID -> maskUuid(canonical);
                case INET, CIDR -> {
                    InetValue inet = InetValue.parse(canonical);
                    byte[] address = inet.addressBytes();
                    int keepBytes = inet.ipv6() ? 8 : 3;
                    Arrays.fill(address, keepBytes, address.length, (byte) 0);
                    boolean cidr = type.kind() == PgType.CIDR;
                    int hostBits = address.length * 8;
                    yield new InetValue(address, cidr ? inet.bits() : hostBits).toText(cidr);
                }
                case BOOL, FLOAT4, FLOAT8, TIME, TIMETZ, INTERVAL, BYTEA, XML, ARRAY, RECORD, OTHER -> redactionOf(type);
            };
        }

        @Override
        public String maskFinding(String finding, Tokenizer tokenizer) {
            return maskText(finding);
        }

        String maskText(String text) {
            int at = text.lastIndexOf('@');
            if (keepEmailDomain && at > 0 && at < text.length() - 1) {
                String local = text.substring(0, at);
                String kept = keepFirst < local.length() ? local.substring(0, keepFirst) : "";
                return kept + "***" + text.substring(at);
            }
            return maskCharacters(text, keepFirst, keepLast);
        }

        /**
         * {@link #maskText} on ASCII bytes: writes the masked {@code in[from, from + length)} to
         * {@code out} from index 0 (room for {@code length + 3} bytes) and returns how many bytes it wrote.
         */
        int maskAscii(byte[] in, int from, int length, byte[] out) {
            int end = from + length;
            int at = end - 1;
            while (at >= from && in[at] != '@') {
                at--;
            }
            if (keepEmailDomain && at > from && at < end - 1) {
                int written = 0;
                if (keepFirst < at - from) {
                    System.arraycopy(in, from, out, 0, keepFirst);
                    written = keepFirst;
                }
                out[written++] = '*';
                out[written++] = '*';
                out[written++] = '*';
                System.arraycopy(in, at, out, written, end - at);
                return written + end - at;
            }
            int alphanumerics = 0;
            for (int i = from; i < end; i++) {
                if (isAsciiLetterOrDigit(in[i])) {
                    alphanumerics++;
                }
            }
            boolean maskAll = alphanumerics <= keepFirst + keepLast;
            int seen = 0;
            for (int i = 0; i < length; i++) {
                byte b = in[from + i];
                if (!isAsciiLetterOrDigit(b)) {
                    out[i] = b;
                    continue;
                }
                boolean keep = !maskAll && (seen < keepFirst || seen >= alphanumerics - keepLast);
                seen++;
                out[i] = keep ? b : (byte) '*';
            }
            return length;
        }

        private static boolean isAsciiLetterOrDigit(byte b) {
            return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
        }

        private String maskUuid(String uuid) {
            int hexDigits = 32;
            boolean revealAll = keepFirst + keepLast >= hexDigits;
            StringBuilder out = new StringBuilder(uuid.length());
            int seen = 0;
            for (int i = 0; i < uuid.length(); i++) {
                char c = uuid.charAt(i);
                if (c == '-') {
                    out.append(c);
                    continue;
                }
                boolean keep = !revealAll && (seen < keepFirst || seen >= hexDigits - keepLast);
                out.append(keep ? c : '0');
                seen++;
            }
            return out.toString();
        }
    }

    /**
     * Deterministic tokenization with HMAC-SHA256 under the configured key: text becomes
     * "tok_" and {@code length} hex characters (the e-mail domain kept if asked), numbers a number
     * in the type's range, dates a date between 2000 and 2099, a uuid a version-8 uuid.
     */
    record Tokenize(int length, boolean keepEmailDomain) implements MaskingStrategy {

        static final String PREFIX = "tok_";

        public Tokenize {
            if (length < 8 || length > 64) {
                throw new IllegalArgumentException("length must be between 8 and 64");
            }
        }

        @Override
        public boolean needsValue() {
            return true;
        }

        @Override
        public String maskValue(ValueType type, String canonical, Tokenizer tokenizer) {
            if (canonical == null) {
                return redactionOf(type);
            }
            return switch (type.kind()) {
                case TEXT, BPCHAR, XML, OTHER -> fitText(type, token(canonical, tokenizer));
                case JSON, JSONB -> "\"" + token(canonical, tokenizer) + "\"";
                case INT2 -> Long.toString(tokenizer.number(canonical) % (Short.MAX_VALUE + 1L));
                case INT4 -> Long.toString(tokenizer.number(canonical) % (Integer.MAX_VALUE + 1L));
                case INT8 -> Long.toString(tokenizer.number(canonical));
                case NUMERIC -> {
                    int precision = type.numericPrecision();
                    int digits = precision > 0 ? Math.min(precision, 18) : 18;
                    long unscaled = tokenizer.number(canonical) % pow10(digits);
                    yield precision > 0
                            ? BigDecimal.valueOf(unscaled, type.numericScale()).toPlainString()
                            : Long.toString(unscaled);
                }
                case FLOAT4 -> Long.toString(tokenizer.number(canonical) % (1L << 24));
                case FLOAT8 -> Long.toString(tokenizer.number(canonical) % (1L << 53));
                case BOOL -> (tokenizer.number(canonical) & 1) == 1 ? "t" : "f";
                case DATE -> Temporals.formatDate(Temporals.PG_EPOCH_DATE.plusDays(tokenizer.number(canonical) % 36_525));
                case TIMESTAMP, TIMESTAMPTZ -> Temporals.formatTimestamp(
                        Temporals.PG_EPOCH.plusSeconds(tokenizer.number(canonical) % (36_525L * 86_400)),
                        type.kind() == PgType.TIMESTAMPTZ);
                case TIME -> Temporals.formatTime(java.time.LocalTime.ofSecondOfDay(tokenizer.number(canonical) % 86_400));
                case TIMETZ -> Temporals.formatTime(java.time.LocalTime.ofSecondOfDay(tokenizer.number(canonical) % 86_400))
                        + "+00";
                case UUID -> {
                    byte[] digest = tokenizer.digest(canonical);
                    digest[6] = (byte) (digest[6] & 0x0f | 0x80); // version 8: custom
                    digest[8] = (byte) (digest[8] & 0x3f | 0x80); // RFC 9562 variant
                    String hex = HexFormat.of().formatHex(digest, 0, 16);
                    yield ValueCodec.canonicalUuid(hex);
                }
                case BYTEA -> "\\x" + HexFormat.of().formatHex(tokenizer.digest(canonical), 0, (length + 1) / 2);
                case INET, CIDR -> {
                    byte[] digest = tokenizer.digest(canonical);
                    String address = "10." + (digest[0] & 0xff) + "." + (digest[1] & 0xff) + "." + (digest[2] & 0xff);
                    yield type.kind() == PgType.CIDR ? address + "/32" : address;
                }
                case INTERVAL -> redactionOf(type);
                case ARRAY, RECORD -> null;
            };
        }

        @Override
        public String maskFinding(String finding, Tokenizer tokenizer) {
            return token(finding, tokenizer);
        }

        private String token(String canonical, Tokenizer tokenizer) {
            String token = PREFIX + tokenizer.hex(canonical, length);
            int at = canonical.lastIndexOf('@');
            if (keepEmailDomain && at > 0 && at < canonical.length() - 1) {
                return token + canonical.substring(at);
            }
            return token;
        }
    }

    /** The value becomes SQL NULL (valid for every type; NULL stays NULL). */
    record NullOut() implements MaskingStrategy {

        static final NullOut INSTANCE = new NullOut();

        @Override
        public boolean needsValue() {
            return false;
        }

        @Override
        public String maskValue(ValueType type, String canonical, Tokenizer tokenizer) {
            return null;
        }

        @Override
        public String maskFinding(String finding, Tokenizer tokenizer) {
            return null;
        }
    }

    /**
     * A fixed placeholder. Where the type cannot hold it (a word in an integer column) the type's
     * redaction value is written instead; json gets it as a JSON string, bytea as its UTF-8 bytes.
     */
    record Fixed(String value) implements MaskingStrategy {

        public Fixed {
            java.util.Objects.requireNonNull(value, "value is null");
        }

        @Override
        public boolean needsValue() {
            return false;
        }

        @Override
        public String maskValue(ValueType type, String canonical, Tokenizer tokenizer) {
            return switch (type.kind()) {
                case TEXT, BPCHAR -> fitText(type, value);
                case XML -> value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
                case JSON, JSONB -> jsonString(value);
                case BYTEA -> "\\x" + HexFormat.of().formatHex(value.getBytes(UTF_8));
                case OTHER -> value;
                case ARRAY, RECORD -> null;
                case NUMERIC -> fitsNumeric(type, value) ? value : redactionOf(type);
                case BOOL, INT2, INT4, INT8, FLOAT4, FLOAT8, DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL,
                        UUID, INET, CIDR -> ValueCodec.accepts(type, value) ? value : redactionOf(type);
            };
        }

        @Override
        public String maskFinding(String finding, Tokenizer tokenizer) {
            return safeInline(value);
        }
    }

    /** The neutral value each type gets from redaction (and wherever masking fails closed). */
    static String redactionOf(ValueType type) {
        return switch (type.kind()) {
            case BOOL -> "f";
            case INT2, INT4, INT8, FLOAT4, FLOAT8 -> "0";
            case NUMERIC -> withScale(BigDecimal.ZERO, type);
            case TEXT, BPCHAR, XML, OTHER -> fitText(type, TEXT_MASK);
            case JSON, JSONB -> "\"" + TEXT_MASK + "\"";
            case BYTEA -> "\\x";
            case DATE -> "1970-01-01";
            case TIME, INTERVAL -> "00:00:00";
            case TIMETZ -> "00:00:00+00";
            case TIMESTAMP -> "1970-01-01 00:00:00";
            case TIMESTAMPTZ -> "1970-01-01 00:00:00+00";
            case UUID -> "00000000-0000-0000-0000-000000000000";
            case INET -> "0.0.0.0";
            case CIDR -> "0.0.0.0/32";
            case ARRAY, RECORD -> null;
        };
    }

    /** varchar(n): at most n characters; bpchar(n): exactly n (blank padded). */
    static String fitText(ValueType type, String text) {
        int max = type.maxChars();
        if (max < 0) {
            return text;
        }
        int length = text.codePointCount(0, text.length());
        if (length > max) {
            text = text.substring(0, text.offsetByCodePoints(0, max));
            length = max;
        }
        if (type.kind() == PgType.BPCHAR && length < max) {
            text = text + " ".repeat(max - length);
        }
        return text;
    }

    /** Letters and digits become '*' except the first and last ones kept; all of them when too few. */
    static String maskCharacters(String text, int keepFirst, int keepLast) {
        int alphanumerics = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                alphanumerics++;
            }
            i += Character.charCount(cp);
        }
        boolean maskAll = alphanumerics <= keepFirst + keepLast;
        StringBuilder out = new StringBuilder(text.length());
        int seen = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetterOrDigit(cp)) {
                out.appendCodePoint(cp);
                continue;
            }
            boolean keep = !maskAll && (seen < keepFirst || seen >= alphanumerics - keepLast);
            seen++;
            if (keep) {
                out.appendCodePoint(cp);
            } else {
                out.append('*');
            }
        }
        return out.toString();
    }

    /** A placeholder made safe to put inside JSON/array/record text: other characters become '*'. */
    static String safeInline(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || "*_.@#-[]:".indexOf(c) >= 0);
            out.append(safe ? c : '*');
        }
        return out.toString();
    }

    static String jsonString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The content of a JSON string literal without escapes, or null when the JSON is something else. */
    private static String jsonStringContent(String json) {
        String trimmed = json.trim();
        if (trimmed.length() < 2 || trimmed.charAt(0) != '"' || trimmed.charAt(trimmed.length() - 1) != '"') {
            return null;
        }
        String content = trimmed.substring(1, trimmed.length() - 1);
        return content.indexOf('\\') >= 0 || content.indexOf('"') >= 0 ? null : content;
    }

    private static boolean isFinite(String canonical) {
        return switch (canonical) {
            case "NaN", "Infinity", "-Infinity", Temporals.INFINITY, Temporals.MINUS_INFINITY -> false;
            default -> true;
        };
    }

    private static String withScale(BigDecimal value, ValueType type) {
        int scale = type.numericScale();
        return scale > 0 ? value.setScale(scale).toPlainString() : value.toPlainString();
    }

    private static boolean fitsNumeric(ValueType type, String value) {
        try {
            BigDecimal number = new BigDecimal(value);
            int precision = type.numericPrecision();
            if (precision <= 0) {
                return true;
            }
            int scale = type.numericScale();
            BigDecimal rounded = number.setScale(scale, java.math.RoundingMode.HALF_UP);
            return rounded.precision() - rounded.scale() <= precision - scale;
        } catch (ArithmeticException | NumberFormatException e) {
            return false;
        }
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}
