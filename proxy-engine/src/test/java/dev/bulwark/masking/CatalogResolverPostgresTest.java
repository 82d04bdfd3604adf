package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a real PostgreSQL: RowDescriptions of real queries resolve to the right table columns
 * (aliases, joins, SELECT *, CTEs, views of one table, views of views, join views, whole rows,
 * computed columns) and the masker masks exactly those, in text and in binary.
 */
class CatalogResolverPostgresTest {

    private static TestPostgres pg;
    private static CatalogResolver catalog;
    private static RawPgClient client;
    private static final SessionMasking ALICE = TestData.demoPolicy().forSession(TestData.ALICE, "demo");

    @BeforeAll
    static void start() throws IOException {
        pg = new TestPostgres();
        catalog = pg.catalog();
        client = pg.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** The indices of the columns whose value in the first row changed, and the masked first row. */
    private record Masked(List<Integer> changed, List<String> values) {
    }

    private static Masked mask(SessionMasking session, RawPgClient.Result result) throws Exception {
        assertNull(result.error(), () -> RawPgClient.errorFields(result.error()).toString());
        Set<Integer> oids = session.tableOidsToResolve(result.columns());
        CatalogSnapshot snapshot = oids.isEmpty() ? CatalogSnapshot.EMPTY
                : catalog.resolve(oids).get(30, TimeUnit.SECONDS);
        RowMasker masker = session.rowMasker(result.columns(), snapshot);
        ByteBuf row = result.rows().get(0).buf();
        ByteBuf out = masker.apply(row, ByteBufAllocator.DEFAULT);
        List<byte[]> before = RawPgClient.values(row);
        List<byte[]> after = RawPgClient.values(out);
        List<Integer> changed = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!Arrays.equals(before.get(i), after.get(i))) {
                changed.add(i);
            }
            values.add(after.get(i) == null ? null : new String(after.get(i), UTF_8));
        }
        if (out != row) {
            out.release();
        }
        return new Masked(changed, values);
    }

    private static Masked text(String sql) throws Exception {
        return mask(ALICE, client.query(sql));
    }

    @Test
    void tableColumnsThroughAliasesJoinsStarAndCtes() throws Exception {
        // id, full_name, email, phone, card_number, ssn, city, created_at
        Masked star = text("SELECT * FROM customers ORDER BY id");
        assertEquals(List.of(2, 3, 4, 5), star.changed());
        assertEquals("***@example.com", star.values().get(2));
        assertEquals("+* *** *** **01", star.values().get(3));
        assertEquals("************1111", star.values().get(4));
        assertTrue(star.values().get(5).matches("tok_[0-9a-f]{16}"));
        assertEquals(List.of(0), text("SELECT c.email AS who, c.full_name AS name FROM customers c ORDER BY id").changed());
        assertEquals(List.of(1), text("SELECT o.id, c.email, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id "
                + "ORDER BY o.id").changed());
        assertEquals(List.of(1), text("WITH x AS (SELECT * FROM customers) SELECT x.id, x.card_number FROM x ORDER BY id")
                .changed());
        assertEquals(List.of(0), text("SELECT s.e FROM (SELECT email AS e FROM customers) s").changed());
        assertEquals(List.of(2, 3, 4, 5), text("TABLE customers").changed());
    }

    @Test
    void viewsAreTracedToTheirBaseColumns() throws Exception {
        // view of one table: id, contact (= email), email_lower (= lower(email)), full_name
        Masked view = text("SELECT * FROM customer_contacts ORDER BY id");
        assertEquals(List.of(1, 2), view.changed());
        assertEquals("***@example.com", view.values().get(1));
        assertEquals("***@example.com", view.values().get(2), "a view expression over email is masked fail closed");
        assertEquals(List.of(0), text("SELECT c2, id FROM contacts_of_contacts ORDER BY id").changed(), "view of a view");
        assertEquals(List.of(1), text("SELECT * FROM order_emails ORDER BY id").changed(), "view over a join");
        CatalogTable traced = catalog.resolve(Set.of(oid("customer_contacts"))).get(30, TimeUnit.SECONDS)
                .table(oid("customer_contacts")).orElseThrow();
        assertEquals(new ColumnSource.Base(ColumnName.of("public", "customers", "email")),
                traced.column("contact").orElseThrow().source());
        ColumnSource lower = traced.column("email_lower").orElseThrow().source();
        assertInstanceOf(ColumnSource.Derived.class, lower);
        assertTrue(((ColumnSource.Derived) lower).readsFrom().contains(ColumnName.of("public", "customers", "email")));
    }

    @Test
    void wholeRowsAndComputedColumns() throws Exception {
        Masked row = text("SELECT c FROM customers c ORDER BY id");
        assertEquals(List.of(0), row.changed());
        assertTrue(row.values().get(0).startsWith("(1,\"Alice Liddell\",***@example.com,\"+* *** *** **01\",************1111,tok_"),
                row.values().get(0));
        Masked viewRow = text("SELECT * FROM customer_rows");
        assertEquals(List.of(0), viewRow.changed(), "a whole-row column of a view");
        Masked computed = text("SELECT lower(email), count(*) OVER (), city || '!' AS shout FROM customers ORDER BY id");
        assertEquals(List.of(0), computed.changed());
        assertEquals("****", computed.values().get(0));
        RowMasker none = ALICE.rowMasker(client.query("SELECT id, city FROM customers").columns(), CatalogSnapshot.EMPTY);
        assertTrue(ALICE.tableOidsToResolve(client.query("SELECT 1 AS one").columns()).isEmpty());
        assertTrue(none.isNone() || !none.maskedColumns().isEmpty());
    }

    @Test
    void dbaSeesEverything() throws Exception {
        SessionMasking dba = TestData.demoPolicy().forSession(TestData.DBA, "demo");
        assertEquals(List.of(), mask(dba, client.query("SELECT * FROM customers")).changed());
    }

    @Test
    void domainsAreMaskedAsTheirBaseType() throws Exception {
        SessionMasking session = TestData.policy("rules:\n  - {id: m, table: subscribers, column: mail, strategy: tokenize}\n")
                .forSession(TestData.ALICE, "t");
        Masked masked = mask(session, client.query("SELECT mail FROM subscribers"));
        assertTrue(masked.values().get(0).startsWith("tok_"), masked.values().get(0));
        CatalogColumn mail = catalog.resolve(Set.of(oid("subscribers"))).get(30, TimeUnit.SECONDS)
                .table(oid("subscribers")).orElseThrow().column("mail").orElseThrow();
        assertNotEquals(PgType.OID_TEXT, mail.typeOid());
        assertEquals(PgType.OID_TEXT, mail.baseTypeOid());
    }

    @Test
    void partitionsAndInheritanceChildrenCarryTheirParentsRules() throws Exception {
        client.query("""
                CREATE TABLE events (id int, email text, at date) PARTITION BY RANGE (at);
                CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                INSERT INTO events VALUES (1, 'alice@example.com', '2024-05-01');
                CREATE TABLE people (id int, email text);
                CREATE TABLE staff (badge text) INHERITS (people);
                INSERT INTO staff VALUES (2, 'bob@example.org', 'B-7');
                """);
        SessionMasking session = TestData.policy("""
                rules:
                  - {id: events, schema: public, table: events, column: email, strategy: redact}
                  - {id: people, table: people, column: email, strategy: redact}
                """).forSession(TestData.ALICE, "t");
        assertEquals(List.of("1", "****", "2024-05-01"), mask(session, client.query("SELECT * FROM events_2024")).values());
        assertEquals(List.of("1", "****", "2024-05-01"), mask(session, client.query("SELECT * FROM events")).values());
        assertEquals(List.of("2", "****", "B-7"), mask(session, client.query("SELECT * FROM staff")).values());
        // an error on the partition names the partition: its parent's rule still applies
        RawPgClient.Message error = client.query("CREATE UNIQUE INDEX ON events_2024 (email); "
                + "INSERT INTO events_2024 VALUES (3, 'alice@example.com', '2024-06-01')").error();
        var fields = RawPgClient.errorFields(error);
        ErrorSource source = new ErrorSource(fields.get('s'), fields.get('t'));
        Optional<CatalogTable> table = catalog.resolveTable("public." + fields.get('t')).get(30, TimeUnit.SECONDS);
        assertEquals("Key (email)=(****) already exists.", session.maskMessageField('D', fields.get('D'), source, table));
    }

    @Test
    void binaryResultsAreMaskedAndPostgresAcceptsTheMaskedValues() throws Exception {
        RawPgClient.Result binary = client.extended("SELECT * FROM customers ORDER BY id", 1, List.of());
        Masked masked = mask(ALICE, binary);
        assertEquals(List.of(2, 3, 4, 5), masked.changed());
        // Every masked value, sent back as a binary parameter of the column's type, is accepted by its receive function.
        ByteBuf out = ALICE.rowMasker(binary.columns(), catalog.resolve(ALICE.tableOidsToResolve(binary.columns()))
                .get(30, TimeUnit.SECONDS)).apply(binary.rows().get(0).buf(), ByteBufAllocator.DEFAULT);
        List<byte[]> values = RawPgClient.values(out);
        for (int i = 0; i < values.size(); i++) {
            ResultColumn column = binary.columns().get(i);
            RawPgClient.Result echo = client.extended("SELECT $1::text", 0,
                    List.of(new RawPgClient.Param(column.typeOid(), 1, values.get(i))));
            assertNull(echo.error(), () -> column.name() + ": " + RawPgClient.errorFields(echo.error()));
        }
        out.release();
    }

    @Test
    void everyStrategyOnEveryTypeIsAcceptedByPostgres() throws Exception {
        client.query("""
                CREATE TABLE IF NOT EXISTS typed (b bool, i2 int2, i4 int4, i8 int8, n numeric(10,2), nu numeric,
                    f4 float4, f8 float8, t text, vc varchar(8), bc char(6), ch "char", j json, jb jsonb, by bytea,
                    d date, tm time, ttz timetz, ts timestamp(3), tstz timestamptz, iv interval, u uuid, ip inet,
                    cd cidr, arr text[], pt point, xm xml);
                TRUNCATE typed;
                INSERT INTO typed VALUES (true, 12345, 123456789, 4111111111111111, 12345.67, -98765.4321, 3.25,
                    12345.678, 'alice@example.com', 'secret12', 'AB12', 'x', '{"a": "alice@example.com"}',
                    '{"a": [1, 2]}', '\\x616c696365', '1987-06-05', '12:34:56.5', '12:34:56+02',
                    '2024-01-31 12:34:56.789', '2024-01-31 12:34:56.789+01', '1 day 02:00:00',
                    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.12.34/24', '10.1.2.128/25', '{a,b}', '(1,2)',
                    '<a>alice</a>');
                """);
        for (String strategy : List.of("redact", "partial", "tokenize", "null_out", "fixed")) {
            String params = strategy.equals("fixed") ? ", params: {value: MASKED}" : "";
            SessionMasking session = TestData.policy("rules:\n  - {id: all, table: typed, column: '*', strategy: "
                    + strategy + params + "}\n").forSession(TestData.ALICE, "t");
            for (int format : new int[] {0, 1}) {
                RawPgClient.Result result = client.extended("SELECT * FROM typed", format, List.of());
                assertNull(result.error());
                RowMasker masker = session.rowMasker(result.columns(), catalog.resolve(
                        session.tableOidsToResolve(result.columns())).get(30, TimeUnit.SECONDS));
                ByteBuf row = result.rows().get(0).buf();
                ByteBuf out = masker.apply(row, ByteBufAllocator.DEFAULT);
                List<byte[]> before = RawPgClient.values(row);
                List<byte[]> after = RawPgClient.values(out);
                for (int i = 0; i < after.size(); i++) {
                    ResultColumn column = result.columns().get(i);
                    byte[] value = after.get(i);
                    String where = strategy + " " + (format == 0 ? "text" : "binary") + " " + column.name();
                    if (!strategy.equals("null_out") && !column.name().equals("arr") && !column.name().equals("b")
                            && !(format == 1 && column.name().equals("pt"))) {
                        assertTrue(value != null && !Arrays.equals(before.get(i), value), where + " was not masked");
                    }
                    if (column.name().equals("pt") && format == 0 && value != null) {
                        // A type masking does not know gets a text placeholder (documented): valid text, not a point.
                        assertTrue(new String(value, UTF_8).startsWith("****") || strategy.equals("tokenize")
                                || strategy.equals("fixed"), where);
                        continue;
                    }
                    // PostgreSQL's own input (text) or receive (binary) function must accept the masked value.
                    RawPgClient.Result echo = client.extended("SELECT $1::text", 0,
                            List.of(new RawPgClient.Param(column.typeOid(), format, value)));
                    assertNull(echo.error(), () -> where + ": " + RawPgClient.errorFields(echo.error()).get('M')
                            + " for " + (value == null ? "NULL" : new String(value, UTF_8)));
                }
                out.release();
            }
        }
    }

    @Test
    void cacheAndInvalidationAfterDdl() throws Exception {
        int customers = oid("customers");
        catalog.resolve(Set.of(customers)).get(30, TimeUnit.SECONDS);
        assertTrue(catalog.cached(Set.of(customers)).isPresent());
        assertTrue(catalog.cachedTable(new TableName("public", "customers")).isPresent());
        try (RawPgClient ddl = pg.client()) {
            ddl.query("ALTER TABLE customers RENAME COLUMN city TO town");
            catalog.invalidate();
            assertTrue(catalog.cached(Set.of(customers)).isEmpty());
            CatalogTable renamed = catalog.resolve(Set.of(customers)).get(30, TimeUnit.SECONDS).table(customers).orElseThrow();
            assertTrue(renamed.column("town").isPresent());
            ddl.query("ALTER TABLE customers RENAME COLUMN town TO city");
            catalog.invalidate();
        }
    }

    @Test
    void tablesByNameForCopy() throws Exception {
        Optional<CatalogTable> customers = catalog.resolveTable("customers").get(30, TimeUnit.SECONDS);
        assertEquals(List.of("id", "full_name", "email", "phone", "card_number", "ssn", "city", "created_at"),
                customers.orElseThrow().columns().stream().map(CatalogColumn::name).toList());
        assertTrue(catalog.resolveTable("public.\"nope\"").get(30, TimeUnit.SECONDS).isEmpty());
        assertTrue(catalog.resolveTable("not a name (").get(30, TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void unknownOidsAreAbsentAndMaskedFailClosed() throws Exception {
        CatalogSnapshot snapshot = catalog.resolve(Set.of(999_999)).get(30, TimeUnit.SECONDS);
        assertTrue(snapshot.table(999_999).isEmpty());
        RowMasker masker = ALICE.rowMasker(List.of(TestData.text("x", 999_999, 1)), snapshot);
        ByteBuf row = TestData.textRow("anything");
        ByteBuf out = masker.apply(row, ByteBufAllocator.DEFAULT);
        assertEquals(List.of("****"), TestData.textValues(out));
        out.release();
        row.release();
    }

    private static int oid(String relation) throws IOException {
        RawPgClient.Result result = client.query("SELECT '" + relation + "'::regclass::oid");
        return (int) Long.parseLong(new String(RawPgClient.values(result.rows().get(0).buf()).get(0), UTF_8));
    }
}
