package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-level fast paths against the general (decode, mask, encode) path, and what masking rows costs. */
class ValueMaskerTest {

    private static final int CUSTOMERS = 16385;
    private static final CatalogTable CUSTOMERS_TABLE = TestData.table(CUSTOMERS, "public", "customers",
            "id", "full_name", "email", "phone", "card_number", "ssn", "city");
    private static final CatalogSnapshot CATALOG = new CatalogSnapshot(java.util.Map.of(CUSTOMERS, CUSTOMERS_TABLE));
    /** Characters the generated values are made of: letters, digits, the e-mail and card punctuation, blanks, non-ASCII. */
    private static final String ALPHABET = "aZ09@@..--  +_x\u00e9\u00df\u4e2d";

    private final ValueMasker masker = new ValueMasker(new Tokenizer(TestData.KEY));

    @Test
    void partialMaskingInBytesIsExactlyTheGeneralPath() {
        Random random = new Random(20261121);
        List<ValueType> types = List.of(ValueType.TEXT, ValueType.of(PgType.OID_VARCHAR, -1),
                ValueType.of(PgType.OID_VARCHAR, 4 + 1), ValueType.of(PgType.OID_VARCHAR, 4 + 12),
                ValueType.of(PgType.OID_BPCHAR, 4 + 1), ValueType.of(PgType.OID_BPCHAR, 4 + 10),
                ValueType.of(PgType.OID_BPCHAR, 4 + 40), ValueType.of(PgType.OID_CHAR, -1),
                ValueType.of(PgType.OID_NAME, -1));
        int compared = 0;
        for (int i = 0; i < 40_000; i++) {
            ValueType type = types.get(random.nextInt(types.size()));
            MaskingStrategy.Partial partial = new MaskingStrategy.Partial(random.nextInt(4), random.nextInt(6),
                    random.nextBoolean());
            ColumnPlan.Whole plan = new ColumnPlan.Whole(type, partial, "r", "test");
            byte[] value = randomValue(random).getBytes(UTF_8);
            int format = random.nextBoolean() ? ResultColumn.TEXT : ResultColumn.BINARY;
            byte[] expected = masker.mask(plan, format, Unpooled.wrappedBuffer(value), 0, value.length);
            // A direct buffer is copied; a heap one (the row masker's copy of a row) is read in place,
            // here at an array offset and an index, as a value inside a row is.
            boolean direct = random.nextBoolean();
            ByteBuf buffer = direct ? Unpooled.directBuffer() : Unpooled.wrappedBuffer(new byte[value.length + 5], 1, value.length + 4).clear();
            buffer.writeBytes(new byte[] {9, 9}).writeBytes(value);
            int written = masker.apply(plan, format, buffer, 2, value.length);
            buffer.release();
            String where = type + " " + partial + " format " + format + (direct ? " direct" : " heap") + " value '"
                    + new String(value, UTF_8) + "'";
            if (expected == ValueMasker.UNCHANGED) {
                assertEquals(ValueMasker.KEEP, written, where);
            } else if (expected == ValueMasker.SQL_NULL) {
                assertEquals(ValueMasker.NULL, written, where);
            } else {
                assertTrue(written >= 0, where);
                assertArrayEquals(expected, Arrays.copyOf(masker.result(), written), where);
            }
            compared++;
        }
        assertEquals(40_000, compared);
    }

    @Test
    void examplesOfPartialMaskingInBytes() {
        assertEquals("***@example.com", applied(ValueType.TEXT, new MaskingStrategy.Partial(0, 0, true), "ann@example.com"));
        assertEquals("a***@example.com", applied(ValueType.TEXT, new MaskingStrategy.Partial(1, 0, true), "ann@example.com"));
        assertEquals("************1111", applied(ValueType.TEXT, new MaskingStrategy.Partial(0, 4, false), "4111111111111111"));
        assertEquals("****-****-****-1111",
                applied(ValueType.TEXT, new MaskingStrategy.Partial(0, 4, false), "4111-1111-1111-1111"));
        // bpchar(8): blanks are padding, not characters; the result is padded back to 8.
        assertEquals("**34    ", applied(ValueType.of(PgType.OID_BPCHAR, 4 + 8), new MaskingStrategy.Partial(0, 2, false),
                "1234    "));
        // varchar(5): never longer than 5.
        assertEquals("***@e", applied(ValueType.of(PgType.OID_VARCHAR, 4 + 5), new MaskingStrategy.Partial(0, 0, true),
                "ann@example.com"));
        // Already masked: unchanged.
        assertEquals(ValueMasker.KEEP, apply(ValueType.TEXT, new MaskingStrategy.Partial(0, 0, true), "***@example.com"));
    }

    @Test
    void maskingRowsIntoTheRelaysBufferAllocatesNothing() {
        // The benchmark's shape: id, name, and two masked text columns (an e-mail keeping its domain,
        // a card number keeping its last 4) in every row, appended to one reused buffer as the relay does.
        SessionMasking alice = TestData.demoPolicy().forSession(TestData.ALICE, "demo");
        List<ResultColumn> columns = List.of(TestData.text("id", CUSTOMERS, 1), TestData.text("email", CUSTOMERS, 3),
                TestData.text("card_number", CUSTOMERS, 5), TestData.text("full_name", CUSTOMERS, 2));
        RowMasker rows = alice.rowMasker(columns, CATALOG);
        // Heap buffers outside the leak detector (the build runs it in paranoid mode, which records
        // every access; and an unpooled direct buffer without Unsafe duplicates its NIO buffer per
        // bulk read): what is measured is the masker alone.
        var untracked = new io.netty.buffer.UnpooledByteBufAllocator(false, true);
        ByteBuf source = TestData.textRow("123456", "person123456@example.com", "4444444444123456", "n123456");
        ByteBuf row = untracked.heapBuffer().writeBytes(source);
        source.release();
        ByteBuf out = untracked.heapBuffer(64 * 1024);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 50_000; i++) {
            out.clear();
            rows.writeTo(row, out);
        }
        int count = 200_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        int changed = 0;
        for (int i = 0; i < count; i++) {
            out.clear();
            if (rows.writeTo(row, out)) {
                changed++;
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(count, changed);
        // Decoding to String, masking with a StringBuilder and encoding again cost ~800 bytes a row;
        // in bytes, written straight into the caller's buffer, nothing is left to allocate.
        assertTrue(allocated < count, "allocated " + allocated + " bytes for " + count + " masked rows");
        assertEquals(List.of("123456", "***@example.com", "************3456", "n123456"), TestData.textValues(out));
        // apply() gives the same row in a buffer of its own.
        ByteBuf applied = rows.apply(row, ByteBufAllocator.DEFAULT);
        assertEquals(out.resetReaderIndex(), applied);
        applied.release();
        out.release();
        row.release();
    }

    @Test
    void aRowWithNothingToMaskIsAppendedAsItsOriginalBytes() {
        RowMasker rows = emailAndId();
        ByteBuf row = TestData.textRow(null, "12345");
        ByteBuf out = Unpooled.buffer().writeBytes(new byte[] {1, 2, 3});
        assertEquals(false, rows.writeTo(row, out));
        assertEquals(row, out.slice(3, out.readableBytes() - 3));
        // A malformed row leaves the buffer as it was, even after a value was masked into it.
        ByteBuf truncated = truncatedAfterAnEmail();
        int before = out.writerIndex();
        assertEquals("08P01", assertThrows(MaskingException.class, () -> rows.writeTo(truncated, out)).sqlState());
        assertEquals(before, out.writerIndex());
        truncated.release();
        row.release();
        out.release();
    }

    @Test
    void aRowMalformedAfterAMaskedValueLeavesNoBufferBehind() {
        RowMasker rows = emailAndId();
        List<ByteBuf> allocated = new ArrayList<>();
        ByteBufAllocator tracking = new io.netty.buffer.AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf buffer = new io.netty.buffer.UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
                allocated.add(buffer);
                return buffer;
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        ByteBuf truncated = truncatedAfterAnEmail();
        assertEquals("08P01", assertThrows(MaskingException.class, () -> rows.apply(truncated, tracking)).sqlState());
        assertEquals(1, allocated.size(), "the e-mail was masked before the damage was seen");
        assertEquals(0, allocated.get(0).refCnt());
        truncated.release();
    }

    @Test
    void placeholdersAreComputedOncePerColumnAndWrittenAsIs() {
        SessionMasking session = TestData.policy("""
                rules:
                  - id: fixed-email
                    table: customers
                    column: email
                    strategy: fixed
                    params: {value: "hidden"}
                  - id: null-ssn
                    table: customers
                    column: ssn
                    strategy: null_out
                  - id: redact-phone
                    table: customers
                    column: phone
                    strategy: redact
                """).forSession(TestData.ALICE, "demo");
        RowMasker rows = session.rowMasker(List.of(TestData.text("phone", CUSTOMERS, 4), TestData.text("id", CUSTOMERS, 1),
                TestData.text("email", CUSTOMERS, 3), TestData.text("ssn", CUSTOMERS, 6)), CATALOG);
        ByteBuf row = TestData.textRow("+1 415 555 0101", "7", "ann@example.com", "123-45-6789");
        ByteBuf out = rows.apply(row, ByteBufAllocator.DEFAULT);
        assertNotSame(row, out);
        assertEquals(Arrays.asList("****", "7", "hidden", null), TestData.textValues(out));
        out.release();
        row.release();
        // Values that already are the placeholders (and a NULL) leave the row as it was.
        ByteBuf already = TestData.textRow("****", "8", "hidden", null);
        assertSame(already, rows.apply(already, ByteBufAllocator.DEFAULT));
        already.release();
    }

    /** Alice's masker for (email, id) of customers: the e-mail is masked. */
    private static RowMasker emailAndId() {
        SessionMasking alice = TestData.demoPolicy().forSession(TestData.ALICE, "demo");
        return alice.rowMasker(List.of(TestData.text("email", CUSTOMERS, 3), TestData.text("id", CUSTOMERS, 1)), CATALOG);
    }

    /** A DataRow whose length field agrees with its bytes but whose last value is cut short, after a masked e-mail. */
    private static ByteBuf truncatedAfterAnEmail() {
        ByteBuf truncated = TestData.textRow("ann@example.com", "12345");
        truncated.writerIndex(truncated.writerIndex() - 2);
        truncated.setInt(1, truncated.readableBytes() - 1);
        return truncated;
    }

    private String applied(ValueType type, MaskingStrategy.Partial partial, String value) {
        int written = apply(type, partial, value);
        assertTrue(written >= 0, "changed");
        return new String(masker.result(), 0, written, UTF_8);
    }

    private int apply(ValueType type, MaskingStrategy.Partial partial, String value) {
        byte[] bytes = value.getBytes(UTF_8);
        return masker.apply(new ColumnPlan.Whole(type, partial, "r", "test"), ResultColumn.TEXT,
                Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    private static String randomValue(Random random) {
        int length = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(30);
        StringBuilder value = new StringBuilder(length);
        boolean ascii = random.nextInt(5) != 0;
        for (int i = 0; i < length; i++) {
            char c = ALPHABET.charAt(random.nextInt(ascii ? ALPHABET.length() - 3 : ALPHABET.length()));
            value.append(c);
        }
        return value.toString();
    }
}
