package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowMaskerTest {

    private static final int CUSTOMERS = 16385;
    private static final int ORDERS = 16397;
    private static final CatalogTable CUSTOMERS_TABLE = TestData.table(CUSTOMERS, "public", "customers",
            "id", "full_name", "email", "phone", "card_number", "ssn", "city");
    private static final CatalogTable ORDERS_TABLE = TestData.table(ORDERS, "public", "orders", "id", "note");
    private static final CatalogSnapshot CATALOG = new CatalogSnapshot(Map.of(CUSTOMERS, CUSTOMERS_TABLE, ORDERS, ORDERS_TABLE));
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private final SessionMasking alice = TestData.demoPolicy().forSession(TestData.ALICE, "demo");
    private final SessionMasking dba = TestData.demoPolicy().forSession(TestData.DBA, "demo");

    @Test
    void masksTheRuleColumnsAndKeepsTheOthers() {
        List<ResultColumn> columns = List.of(TestData.text("id", CUSTOMERS, 1), TestData.text("who", CUSTOMERS, 2),
                TestData.text("contact", CUSTOMERS, 3), TestData.text("card_number", CUSTOMERS, 5),
                TestData.text("phone", CUSTOMERS, 4));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.textRow("1", "Alice Liddell", "alice@example.com", "4111111111111111", "+1 415 555 0101");
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            assertNotSame(row, out);
            assertEquals(List.of("1", "Alice Liddell", "***@example.com", "************1111", "+* *** *** **01"),
                    TestData.textValues(out));
            assertEquals(List.of(2, 3, 4), masker.maskedColumns().stream().map(MaskedColumn::index).toList());
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void unchangedRowsAreTheSameInstanceAndNullStaysNull() {
        List<ResultColumn> columns = List.of(TestData.text("id", CUSTOMERS, 1), TestData.text("email", CUSTOMERS, 3),
                TestData.text("total", 0, 0));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.textRow("1", null, "no personal data here");
        assertSame(row, masker.apply(row, ALLOC));
        assertEquals(1, row.refCnt());
        ByteBuf onlyNulls = TestData.textRow(null, null, null);
        assertSame(onlyNulls, masker.apply(onlyNulls, ALLOC));
    }

    @Test
    void nothingToMaskGivesNone() {
        List<ResultColumn> columns = List.of(TestData.text("id", ORDERS, 1), TestData.text("note", ORDERS, 2));
        assertTrue(alice.rowMasker(columns, CATALOG).isNone());
        List<ResultColumn> sensitive = List.of(TestData.text("email", CUSTOMERS, 3), TestData.text("x", 0, 0));
        assertTrue(dba.rowMasker(sensitive, CATALOG).isNone(), "dba is exempt from every demo rule");
        assertTrue(dba.tableOidsToResolve(sensitive).isEmpty());
        assertEquals(Set.of(CUSTOMERS), alice.tableOidsToResolve(sensitive));
        ByteBuf row = TestData.textRow("alice@example.com", "x");
        assertSame(row, RowMasker.NONE.apply(row, ALLOC));
    }

    @Test
    void binaryColumnsAreMaskedInTheirBinaryForm() {
        SessionMasking session = TestData.policy("""
                rules:
                  - {id: age, table: people, column: age, strategy: tokenize}
                  - {id: born, table: people, column: born, strategy: partial}
                  - {id: mail, table: people, column: mail, strategy: partial, params: {keep_email_domain: true}}
                """).forSession(TestData.ALICE, "t");
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(1, TestData.table(1, "public", "people", "age", "born", "mail")));
        List<ResultColumn> columns = List.of(
                TestData.column("age", 1, 1, PgType.OID_INT4, -1, ResultColumn.BINARY),
                TestData.column("born", 1, 2, PgType.OID_DATE, -1, ResultColumn.BINARY),
                TestData.column("mail", 1, 3, PgType.OID_TEXT, -1, ResultColumn.BINARY));
        RowMasker masker = session.rowMasker(columns, catalog);
        ByteBuf row = TestData.dataRow(ByteBuffer.allocate(4).putInt(42).array(),
                ByteBuffer.allocate(4).putInt(-4_591).array(), // 1987-06-05
                "alice@example.com".getBytes(UTF_8));
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            List<byte[]> values = RawPgClient.values(out);
            assertEquals(4, values.get(0).length);
            assertTrue(ByteBuffer.wrap(values.get(0)).getInt() >= 0);
            assertEquals("1987-01-01", ValueCodec.canonicalFromBinary(ValueType.of(PgType.OID_DATE, -1), values.get(1)));
            assertEquals("***@example.com", new String(values.get(2), UTF_8));
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void computedColumnsAreCaughtByNameAndByDetectors() {
        List<ResultColumn> columns = List.of(TestData.text("email", 0, 0), TestData.text("lower", 0, 0),
                TestData.text("row_to_json", 0, 0), TestData.text("count", 0, 0));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.textRow("alice@example.com", "alice@example.com",
                "{\"id\":1,\"email\":\"alice@example.com\",\"card\":\"4111111111111111\",\"city\":\"Paris\"}", "12");
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            assertEquals(List.of("****", "****", "{\"id\":1,\"email\":\"****\",\"card\":\"****\",\"city\":\"Paris\"}", "12"),
                    TestData.textValues(out));
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void wholeRowValuesAreMaskedFieldByField() {
        List<ResultColumn> columns = List.of(new ResultColumn("c", CUSTOMERS, 0, 99999, -1, -1, ResultColumn.TEXT));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.textRow("(1,\"Alice Liddell\",alice@example.com,\"+1 415 555 0101\",4111111111111111,,Paris)");
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            assertEquals("(1,\"Alice Liddell\",***@example.com,\"+* *** *** **01\",************1111,,Paris)",
                    TestData.textValues(out).get(0));
        } finally {
            out.release();
            row.release();
        }
        // binary: Int32 count, then (oid, length, bytes) per field
        RowMasker binary = alice.rowMasker(List.of(new ResultColumn("c", CUSTOMERS, 0, 99999, -1, -1, ResultColumn.BINARY)),
                CATALOG);
        List<Containers.BinaryField> fields = Arrays.asList(
                field("1"), field("Alice"), field("alice@example.com"), field("+1 415 555 0101"),
                field("4111111111111111"), new Containers.BinaryField(25, null), field("Paris"));
        ByteBuf binaryRow = TestData.dataRow(Containers.formatRecordBinary(fields));
        ByteBuf binaryOut = binary.apply(binaryRow, ALLOC);
        try {
            List<Containers.BinaryField> masked = Containers.parseRecordBinary(RawPgClient.values(binaryOut).get(0));
            assertEquals("***@example.com", new String(masked.get(2).value(), UTF_8));
            assertEquals("************1111", new String(masked.get(4).value(), UTF_8));
            assertNull(masked.get(5).value());
            assertEquals("Paris", new String(masked.get(6).value(), UTF_8));
        } finally {
            binaryOut.release();
            binaryRow.release();
        }
        // a record that cannot be read field by field fails closed
        ByteBuf bad = TestData.textRow("(1,2)");
        ByteBuf badOut = masker.apply(bad, ALLOC);
        assertNull(TestData.textValues(badOut).get(0));
        badOut.release();
        bad.release();
    }

    private static Containers.BinaryField field(String text) {
        return new Containers.BinaryField(25, text.getBytes(UTF_8));
    }

    @Test
    void detectorsLookInsideTextAndBinaryArraysAndJsonb() {
        List<ResultColumn> columns = List.of(
                TestData.column("array_agg", 0, 0, 1009, -1, ResultColumn.TEXT),
                TestData.column("array_agg", 0, 0, 1009, -1, ResultColumn.BINARY),
                TestData.column("to_jsonb", 0, 0, PgType.OID_JSONB, -1, ResultColumn.BINARY));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        Containers.BinaryArray array = new Containers.BinaryArray(1, 25, new int[] {2, 1},
                Arrays.asList("alice@example.com".getBytes(UTF_8), "plain".getBytes(UTF_8)));
        byte[] jsonb = ("\u0001{\"email\": \"bob@example.org\"}").getBytes(UTF_8);
        ByteBuf row = TestData.dataRow("{alice@example.com,plain,\"bob@example.org\"}".getBytes(UTF_8), array.format(), jsonb);
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            List<byte[]> values = RawPgClient.values(out);
            assertEquals("{****,plain,\"****\"}", new String(values.get(0), UTF_8));
            Containers.BinaryArray masked = Containers.BinaryArray.parse(values.get(1));
            assertEquals("****", new String(masked.elements().get(0), UTF_8));
            assertEquals("plain", new String(masked.elements().get(1), UTF_8));
            assertEquals(1, values.get(2)[0]);
            assertEquals("{\"email\": \"****\"}", new String(values.get(2), 1, values.get(2).length - 1, UTF_8));
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void detectorsOnNumbersAndByteaMaskTheWholeValue() {
        List<ResultColumn> columns = List.of(
                TestData.column("card_as_int8", 0, 0, PgType.OID_INT8, -1, ResultColumn.BINARY),
                TestData.column("card_as_numeric", 0, 0, PgType.OID_NUMERIC, -1, ResultColumn.TEXT),
                TestData.column("email_as_bytea", 0, 0, PgType.OID_BYTEA, -1, ResultColumn.TEXT),
                TestData.column("small", 0, 0, PgType.OID_INT8, -1, ResultColumn.BINARY));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.dataRow(ByteBuffer.allocate(8).putLong(4111111111111111L).array(),
                "4111111111111111".getBytes(UTF_8), "\\x616c696365406578616d706c652e636f6d".getBytes(UTF_8),
                ByteBuffer.allocate(8).putLong(42).array());
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            List<byte[]> values = RawPgClient.values(out);
            assertEquals(0, ByteBuffer.wrap(values.get(0)).getLong());
            assertEquals("0", new String(values.get(1), UTF_8));
            assertEquals("\\x", new String(values.get(2), UTF_8));
            assertEquals(42, ByteBuffer.wrap(values.get(3)).getLong());
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void viewsAndUnknownOriginsFailClosed() {
        int view = 20000;
        CatalogTable viewTable = new CatalogTable(view, new TableName("public", "v"), 'v', List.of(
                new CatalogColumn(1, "contact", PgType.OID_TEXT, PgType.OID_TEXT, -1, false,
                        new ColumnSource.Base(ColumnName.of("public", "customers", "email"))),
                new CatalogColumn(2, "le", PgType.OID_TEXT, PgType.OID_TEXT, -1, false,
                        new ColumnSource.Derived(Set.of(ColumnName.of("public", "customers", "email"),
                                ColumnName.of("public", "customers", "id")))),
                new CatalogColumn(3, "n", PgType.OID_INT4, PgType.OID_INT4, -1, false,
                        new ColumnSource.Derived(Set.of(ColumnName.of("public", "customers", "id"))))));
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(view, viewTable));
        List<ResultColumn> columns = List.of(TestData.text("contact", view, 1), TestData.text("le", view, 2),
                TestData.column("n", view, 3, PgType.OID_INT4, -1, ResultColumn.TEXT),
                TestData.text("gone", 31337, 2), TestData.column("ctid", view, -1, 27, -1, ResultColumn.TEXT));
        RowMasker masker = alice.rowMasker(columns, catalog);
        ByteBuf row = TestData.textRow("alice@example.com", "alice@example.com", "7", "secret", "(0,1)");
        ByteBuf out = masker.apply(row, ALLOC);
        try {
            assertEquals(List.of("***@example.com", "***@example.com", "7", "****", "(0,1)"), TestData.textValues(out));
        } finally {
            out.release();
            row.release();
        }
    }

    @Test
    void malformedDataRowsAreRefused() {
        RowMasker masker = alice.rowMasker(List.of(TestData.text("email", CUSTOMERS, 3)), CATALOG);
        ByteBuf twoColumns = TestData.textRow("a", "b");
        assertEquals("08P01", assertThrows(MaskingException.class, () -> masker.apply(twoColumns, ALLOC)).sqlState());
        ByteBuf truncated = TestData.textRow("alice@example.com");
        truncated.writerIndex(truncated.writerIndex() - 3);
        assertThrows(MaskingException.class, () -> masker.apply(truncated, ALLOC));
        ByteBuf badLength = Unpooled.buffer().writeByte('D').writeInt(10).writeShort(1).writeInt(100).writeByte('x');
        assertThrows(MaskingException.class, () -> masker.apply(badLength, ALLOC));
        ByteBuf notDataRow = Unpooled.buffer().writeByte('C').writeInt(6).writeShort(1);
        assertThrows(MaskingException.class, () -> masker.apply(notDataRow, ALLOC));
        twoColumns.release();
        truncated.release();
        badLength.release();
        notDataRow.release();
    }

    @Test
    void unchangedRowsAllocateNothing() {
        // Six columns: two with column rules (but NULL), two under detectors with harmless text, two plain.
        List<ResultColumn> columns = List.of(TestData.text("id", CUSTOMERS, 1), TestData.text("email", CUSTOMERS, 3),
                TestData.text("card_number", CUSTOMERS, 5), TestData.text("city", CUSTOMERS, 7),
                TestData.text("note", 0, 0), TestData.text("label", 0, 0));
        RowMasker masker = alice.rowMasker(columns, CATALOG);
        ByteBuf row = TestData.textRow("12345", null, null, "Paris", "delivered on time, thanks", "order 2024-01-31");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            assertSame(row, masker.apply(row, ALLOC));
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            if (masker.apply(row, ALLOC) != row) {
                throw new AssertionError("changed");
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 100000 unchanged rows");
        assertFalse(masker.isNone());
        row.release();
    }
}
