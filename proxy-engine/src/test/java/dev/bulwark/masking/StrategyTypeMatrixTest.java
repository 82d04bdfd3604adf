package dev.bulwark.masking;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every strategy on every supported type, in text and in binary: the result must be a valid value
 * of the type (read back with the type's own rules) or NULL where the type cannot hold a
 * replacement, and differ from the original.
 */
class StrategyTypeMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NUMERIC_10_2 = (10 << 16 | 2) + 4;
    private static final int VARCHAR_8 = 8 + 4;
    private static final int BPCHAR_6 = 6 + 4;
    private static final int OID_POINT = 600;
    private static final int OID_TEXT_ARRAY = 1009;

    record Sample(String label, ValueType type, String text) {
    }

    static final List<Sample> SAMPLES = List.of(
            new Sample("bool", ValueType.of(PgType.OID_BOOL, -1), "t"),
            new Sample("int2", ValueType.of(PgType.OID_INT2, -1), "12345"),
            new Sample("int4", ValueType.of(PgType.OID_INT4, -1), "123456789"),
            new Sample("int8", ValueType.of(PgType.OID_INT8, -1), "4111111111111111"),
            new Sample("numeric(10,2)", ValueType.of(PgType.OID_NUMERIC, NUMERIC_10_2), "12345.67"),
            new Sample("numeric", ValueType.of(PgType.OID_NUMERIC, -1), "-98765.4321"),
            new Sample("float4", ValueType.of(PgType.OID_FLOAT4, -1), "3.25"),
            new Sample("float8", ValueType.of(PgType.OID_FLOAT8, -1), "12345.678"),
            new Sample("text", ValueType.of(PgType.OID_TEXT, -1), "alice@example.com"),
            new Sample("varchar(8)", ValueType.of(PgType.OID_VARCHAR, VARCHAR_8), "secret12"),
            new Sample("bpchar(6)", ValueType.of(PgType.OID_BPCHAR, BPCHAR_6), "AB12  "),
            new Sample("xml", ValueType.of(PgType.OID_XML, -1), "<a>alice</a>"),
            new Sample("json", ValueType.of(PgType.OID_JSON, -1), "\"alice@example.com\""),
            new Sample("jsonb", ValueType.of(PgType.OID_JSONB, -1), "{\"email\": \"alice@example.com\"}"),
            new Sample("bytea", ValueType.of(PgType.OID_BYTEA, -1), "\\x616c696365"),
            new Sample("date", ValueType.of(PgType.OID_DATE, -1), "1987-06-05"),
            new Sample("time", ValueType.of(PgType.OID_TIME, -1), "12:34:56.5"),
            new Sample("timetz", ValueType.of(PgType.OID_TIMETZ, -1), "12:34:56+02"),
            new Sample("timestamp", ValueType.of(PgType.OID_TIMESTAMP, -1), "2024-01-31 12:34:56.789"),
            new Sample("timestamptz", ValueType.of(PgType.OID_TIMESTAMPTZ, -1), "2024-01-31 12:34:56.789+01"),
            new Sample("interval", ValueType.of(PgType.OID_INTERVAL, -1), "01:02:03"),
            new Sample("uuid", ValueType.of(PgType.OID_UUID, -1), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            new Sample("inet", ValueType.of(PgType.OID_INET, -1), "192.168.12.34"),
            new Sample("cidr", ValueType.of(PgType.OID_CIDR, -1), "10.1.2.128/25"),
            new Sample("text[]", ValueType.of(OID_TEXT_ARRAY, -1), "{alice@example.com,b}"),
            new Sample("point (unknown)", ValueType.of(OID_POINT, -1), "(1,2)"));

    static final List<MaskingStrategy> STRATEGIES = List.of(
            MaskingStrategy.Redact.INSTANCE,
            new MaskingStrategy.Partial(0, 4, false),
            new MaskingStrategy.Partial(1, 0, true),
            new MaskingStrategy.Tokenize(16, false),
            MaskingStrategy.NullOut.INSTANCE,
            new MaskingStrategy.Fixed("MASKED"),
            new MaskingStrategy.Fixed("42"));

    @TestFactory
    List<DynamicTest> everyStrategyOnEveryTypeInBothFormats() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Sample sample : SAMPLES) {
            for (MaskingStrategy strategy : STRATEGIES) {
                for (int format : new int[] {ResultColumn.TEXT, ResultColumn.BINARY}) {
                    tests.add(DynamicTest.dynamicTest(sample.label() + " / " + strategy + " / "
                            + (format == 0 ? "text" : "binary"), () -> check(sample, strategy, format)));
                }
            }
        }
        return tests;
    }

    private static void check(Sample sample, MaskingStrategy strategy, int format) throws Exception {
        byte[] input = input(sample, format);
        if (input == null) {
            return; // no binary form to start from (unknown type): covered by unknownBinaryTypesBecomeNull
        }
        ValueMasker masker = new ValueMasker(new Tokenizer(TestData.KEY));
        byte[] out = masker.mask(new ColumnPlan.Whole(sample.type(), strategy, "r", "test"), format,
                Unpooled.wrappedBuffer(input), 0, input.length);
        PgType kind = sample.type().kind();
        boolean mustBeNull = strategy instanceof MaskingStrategy.NullOut || kind == PgType.ARRAY
                || kind == PgType.RECORD || kind == PgType.OTHER && format == ResultColumn.BINARY;
        if (mustBeNull) {
            assertSame(ValueMasker.SQL_NULL, out, "expected NULL");
            return;
        }
        assertTrue(out != ValueMasker.SQL_NULL, "unexpected NULL");
        if (out == ValueMasker.UNCHANGED) {
            // A boolean has two values: its token may be the value itself.
            assertTrue(kind == PgType.BOOL && strategy instanceof MaskingStrategy.Tokenize,
                    "value left unchanged: " + sample.text());
            return;
        }
        assertNotEquals(new String(input, UTF_8), new String(out, UTF_8));
        if (format == ResultColumn.TEXT) {
            validText(sample.type(), new String(out, UTF_8));
        } else {
            validBinary(sample.type(), out);
        }
    }

    /** The sample in the wire format, built independently of the code under test where practical. */
    private static byte[] input(Sample sample, int format) {
        if (format == ResultColumn.TEXT) {
            return sample.text().getBytes(UTF_8);
        }
        return switch (sample.type().kind()) {
            case OTHER, ARRAY, RECORD -> sample.type().kind() == PgType.OTHER ? null
                    : new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25}; // empty text[]
            case INTERVAL -> ByteBuffer.allocate(16).putLong(3_723_000_000L).putInt(0).putInt(0).array();
            default -> ValueCodec.encode(sample.type(), ResultColumn.BINARY, sample.text());
        };
    }

    static void validText(ValueType type, String text) throws Exception {
        switch (type.kind()) {
            case BOOL -> assertTrue(text.equals("t") || text.equals("f"), text);
            case INT2 -> Short.parseShort(text);
            case INT4 -> Integer.parseInt(text);
            case INT8 -> Long.parseLong(text);
            case NUMERIC -> {
                BigDecimal value = new BigDecimal(text);
                if (type.numericPrecision() > 0) {
                    assertTrue(value.scale() <= type.numericScale(), text);
                    assertTrue(value.abs().compareTo(BigDecimal.TEN.pow(type.numericPrecision() - type.numericScale())) < 0,
                            text);
                }
            }
            case FLOAT4, FLOAT8 -> Double.parseDouble(text);
            case TEXT, OTHER -> {
                if (type.maxChars() >= 0) {
                    assertTrue(text.length() <= type.maxChars(), text);
                }
            }
            case BPCHAR -> assertEquals(type.maxChars(), text.length(), text);
            case XML -> assertTrue(!text.contains("<") || text.startsWith("<"), text);
            case JSON, JSONB -> JSON.readTree(text);
            case BYTEA -> assertTrue(Pattern.matches("\\\\x([0-9a-f]{2})*", text), text);
            case DATE -> LocalDate.parse(text);
            case TIME, INTERVAL -> LocalTime.parse(text);
            case TIMETZ -> assertTrue(Pattern.matches("\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}(:\\d{2})?", text), text);
            case TIMESTAMP -> LocalDateTime.parse(text.replace(' ', 'T'));
            case TIMESTAMPTZ -> {
                assertTrue(text.endsWith("+00"), text);
                LocalDateTime.parse(text.substring(0, text.length() - 3).replace(' ', 'T'));
            }
            case UUID -> assertEquals(text, UUID.fromString(text).toString());
            case INET -> assertTrue(Pattern.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d+)?", text), text);
            case CIDR -> assertTrue(Pattern.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d+", text), text);
            case ARRAY, RECORD -> fail("arrays and records are never written whole");
        }
    }

    static void validBinary(ValueType type, byte[] bytes) {
        int expected = switch (type.kind()) {
            case BOOL -> 1;
            case INT2 -> 2;
            case INT4, FLOAT4, DATE -> 4;
            case INT8, FLOAT8, TIME, TIMESTAMP, TIMESTAMPTZ -> 8;
            case TIMETZ -> 12;
            case UUID, INTERVAL -> 16;
            case INET, CIDR -> 8;
            default -> -1;
        };
        if (expected >= 0) {
            assertEquals(expected, bytes.length, "binary length of " + type.kind());
        }
        if (type.kind() == PgType.BOOL) {
            assertTrue(bytes[0] == 0 || bytes[0] == 1);
        }
        if (type.kind() == PgType.JSONB) {
            assertEquals(1, bytes[0], "jsonb version byte");
        }
        if (type.kind() == PgType.NUMERIC) {
            assertEquals(0, (bytes.length - 8) % 2);
        }
        if (type.kind() != PgType.INTERVAL) {
            // Reads back with the type's binary rules, and to a valid text value of the type.
            String canonical = ValueCodec.canonicalFromBinary(type, bytes);
            try {
                if (type.kind() == PgType.TIMETZ || type.kind() == PgType.BPCHAR) {
                    return;
                }
                validText(type, canonical);
            } catch (Exception e) {
                fail("binary value reads back as invalid text " + canonical, e);
            }
        }
    }

    @Test
    void tokenizationIsDeterministicAndTheSameInTextAndBinary() {
        ValueMasker masker = new ValueMasker(new Tokenizer(TestData.KEY));
        MaskingStrategy tokenize = new MaskingStrategy.Tokenize(16, false);
        for (Sample sample : SAMPLES) {
            PgType kind = sample.type().kind();
            if (kind == PgType.OTHER || kind == PgType.ARRAY || kind == PgType.INTERVAL || kind == PgType.RECORD
                    || kind == PgType.BOOL) {
                continue;
            }
            ColumnPlan plan = new ColumnPlan.Whole(sample.type(), tokenize, "r", "test");
            byte[] text = sample.text().getBytes(UTF_8);
            byte[] binary = ValueCodec.encode(sample.type(), ResultColumn.BINARY, sample.text());
            byte[] fromText = masker.mask(plan, 0, Unpooled.wrappedBuffer(text), 0, text.length);
            byte[] fromTextAgain = masker.mask(plan, 0, Unpooled.wrappedBuffer(text), 0, text.length);
            byte[] fromBinary = masker.mask(plan, 1, Unpooled.wrappedBuffer(binary), 0, binary.length);
            assertArrayEquals(fromText, fromTextAgain, sample.label());
            String tokenFromBinary = ValueCodec.canonicalFromBinary(sample.type(), fromBinary);
            String tokenFromText = ValueCodec.canonicalFromText(sample.type(), new String(fromText, UTF_8));
            assertEquals(tokenFromText, tokenFromBinary, sample.label() + ": text and binary tokens differ");
        }
        // Another key gives other tokens.
        ValueMasker otherKey = new ValueMasker(new Tokenizer("another key, also 32 bytes long!".getBytes(UTF_8)));
        byte[] value = "alice@example.com".getBytes(UTF_8);
        ColumnPlan plan = new ColumnPlan.Whole(ValueType.TEXT, tokenize, "r", "test");
        assertNotEquals(new String(masker.mask(plan, 0, Unpooled.wrappedBuffer(value), 0, value.length), UTF_8),
                new String(otherKey.mask(plan, 0, Unpooled.wrappedBuffer(value), 0, value.length), UTF_8));
    }

    @Test
    void partialMaskingShapes() {
        Tokenizer tokenizer = new Tokenizer(TestData.KEY);
        assertEquals("************1111", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.TEXT, "4111111111111111", tokenizer));
        assertEquals("****-****-****-1111", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.TEXT, "4111-1111-1111-1111", tokenizer));
        assertEquals("***@example.com", new MaskingStrategy.Partial(0, 0, true)
                .maskValue(ValueType.TEXT, "alice@example.com", tokenizer));
        assertEquals("a***@example.com", new MaskingStrategy.Partial(1, 0, true)
                .maskValue(ValueType.TEXT, "alice@example.com", tokenizer));
        assertEquals("+* *** *** **01", new MaskingStrategy.Partial(0, 2, false)
                .maskValue(ValueType.TEXT, "+1 415 555 0101", tokenizer));
        // too short to keep anything: all masked
        assertEquals("***", new MaskingStrategy.Partial(0, 4, false).maskValue(ValueType.TEXT, "abc", tokenizer));
        assertEquals("1111", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.of(PgType.OID_INT8, -1), "4111111111111111", tokenizer));
        assertEquals("1987-01-01", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.of(PgType.OID_DATE, -1), "1987-06-05", tokenizer));
        assertEquals("192.168.12.0", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.of(PgType.OID_INET, -1), "192.168.12.34/32", tokenizer));
        assertEquals("00000000-0000-0000-0000-000000000a11", new MaskingStrategy.Partial(0, 4, false)
                .maskValue(ValueType.of(PgType.OID_UUID, -1), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", tokenizer));
    }

    @Test
    void tokensKeepTheEmailDomainWhenAsked() {
        String token = new MaskingStrategy.Tokenize(12, true).maskValue(ValueType.TEXT, "alice@example.com",
                new Tokenizer(TestData.KEY));
        assertTrue(Pattern.matches("tok_[0-9a-f]{12}@example\\.com", token), token);
    }

    @Test
    void fixedPlaceholderThatTheTypeCannotHoldFallsBackToRedaction() {
        Tokenizer tokenizer = new Tokenizer(TestData.KEY);
        assertEquals("0", new MaskingStrategy.Fixed("MASKED").maskValue(ValueType.of(PgType.OID_INT4, -1), "7", tokenizer));
        assertEquals("42", new MaskingStrategy.Fixed("42").maskValue(ValueType.of(PgType.OID_INT4, -1), "7", tokenizer));
        assertEquals("0.00", new MaskingStrategy.Fixed("123456789").maskValue(ValueType.of(PgType.OID_NUMERIC, NUMERIC_10_2),
                "1", tokenizer));
        assertEquals("\"MA\\\"SKED\"", new MaskingStrategy.Fixed("MA\"SKED").maskValue(ValueType.of(PgType.OID_JSON, -1),
                "{}", tokenizer));
        assertEquals("MASK", new MaskingStrategy.Fixed("MASKED").maskValue(ValueType.of(PgType.OID_VARCHAR, 4 + 4), "x",
                tokenizer));
    }

    @Test
    void unreadableValuesFailClosedToTheRedactionValue() {
        ValueMasker masker = new ValueMasker(new Tokenizer(TestData.KEY));
        byte[] garbage = "not a date".getBytes(UTF_8);
        byte[] out = masker.mask(new ColumnPlan.Whole(ValueType.of(PgType.OID_DATE, -1),
                new MaskingStrategy.Partial(0, 4, false), "r", "t"), 0, Unpooled.wrappedBuffer(garbage), 0, garbage.length);
        assertEquals("1970-01-01", new String(out, UTF_8));
    }

    @Test
    void numericBinaryRoundTrips() {
        for (String value : List.of("0", "0.00", "1", "-1", "12345.67", "0.0001", "100000000", "-98765.4321",
                "123456789012345678901234567890.123456789", "NaN", "Infinity", "-Infinity", "10000", "0.5")) {
            assertEquals(value, NumericCodec.decode(NumericCodec.encode(value)), value);
        }
        // PostgreSQL's own bytes for 12345.67: ndigits 3, weight 1, sign 0, dscale 2, digits 1 2345 6700
        byte[] postgres = ByteBuffer.allocate(14).putShort((short) 3).putShort((short) 1).putShort((short) 0)
                .putShort((short) 2).putShort((short) 1).putShort((short) 2345).putShort((short) 6700).array();
        assertArrayEquals(postgres, NumericCodec.encode("12345.67"));
        assertEquals("12345.67", NumericCodec.decode(postgres));
    }

    @Test
    void temporalBinaryMatchesPostgresEpoch() {
        // 2000-01-01 is day 0; 1999-12-31 is day -1
        assertEquals("2000-01-01", ValueCodec.canonicalFromBinary(ValueType.of(PgType.OID_DATE, -1), new byte[4]));
        assertEquals("1999-12-31", ValueCodec.canonicalFromBinary(ValueType.of(PgType.OID_DATE, -1),
                ByteBuffer.allocate(4).putInt(-1).array()));
        assertEquals("0044-03-15 BC", Temporals.formatDate(LocalDate.of(-43, 3, 15)));
        assertEquals("2024-01-31 11:34:56.789+00", ValueCodec.canonicalFromText(ValueType.of(PgType.OID_TIMESTAMPTZ, -1),
                "2024-01-31 12:34:56.789+01"));
        assertEquals("infinity", ValueCodec.canonicalFromBinary(ValueType.of(PgType.OID_TIMESTAMP, -1),
                ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array()));
    }

    @Test
    void inetParsingNeverResolvesNames() {
        assertEquals("2001:db8::1/128", InetValue.parse("2001:0db8:0000:0000:0000:0000:0000:0001").canonical());
        assertEquals("::ffff:102:304/128", InetValue.parse("::ffff:1.2.3.4").canonical());
        assertEquals("10.0.0.0/8", InetValue.parse("10.0.0.0/8").canonical());
        for (String bad : List.of("example.com", "localhost", "1.2.3", "1.2.3.256", "::g")) {
            try {
                InetValue.parse(bad);
                fail("parsed " + bad);
            } catch (IllegalArgumentException expected) {
                // a name is never looked up
            }
        }
    }

    @Test
    void unknownBinaryTypesBecomeNull() {
        ValueMasker masker = new ValueMasker(new Tokenizer(TestData.KEY));
        byte[] point = ByteBuffer.allocate(16).putDouble(1).putDouble(2).array();
        ValueType type = ValueType.of(OID_POINT, -1);
        assertSame(ValueMasker.SQL_NULL, masker.mask(new ColumnPlan.Whole(type, MaskingStrategy.Redact.INSTANCE, "r", "t"),
                1, Unpooled.wrappedBuffer(point), 0, point.length));
        byte[] text = "(1,2)".getBytes(UTF_8);
        assertEquals("****", new String(masker.mask(new ColumnPlan.Whole(type, MaskingStrategy.Redact.INSTANCE, "r", "t"),
                0, Unpooled.wrappedBuffer(text), 0, text.length), UTF_8));
    }
}
