package dev.bulwark.masking;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyMaskerTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final CatalogTable CUSTOMERS = TestData.table(16385, "public", "customers",
            "id", "full_name", "email", "phone", "card_number", "ssn", "city");

    private final SessionMasking alice = TestData.demoPolicy().forSession(TestData.ALICE, "demo");

    private CopyMasker masker(String sql) {
        CopyDecision decision = alice.copyTable((CopyCommand.TableCopy) CopyCommand.parse(sql), Optional.of(CUSTOMERS));
        return assertInstanceOf(CopyDecision.Mask.class, decision).masker();
    }

    private static ByteBuf copyData(byte[] data) {
        return Unpooled.buffer().writeByte('d').writeInt(data.length + 4).writeBytes(data);
    }

    /** Feeds the data in chunks of the given sizes (cycled) and returns what the client receives. */
    private static String run(CopyMasker masker, String data, int... chunkSizes) {
        byte[] bytes = data.getBytes(UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        int chunk = 0;
        while (position < bytes.length) {
            int size = Math.min(chunkSizes[chunk++ % chunkSizes.length], bytes.length - position);
            byte[] part = new byte[size];
            System.arraycopy(bytes, position, part, 0, size);
            position += size;
            ByteBuf in = copyData(part);
            ByteBuf result = masker.apply(in, ALLOC);
            collect(result, out);
            if (result != in) {
                in.release();
            }
            result.release();
        }
        ByteBuf last = masker.finish(ALLOC);
        collect(last, out);
        last.release();
        return out.toString(UTF_8);
    }

    private static void collect(ByteBuf message, ByteArrayOutputStream out) {
        if (message.readableBytes() == 0) {
            return;
        }
        assertEquals('d', message.getByte(message.readerIndex()));
        assertEquals(message.readableBytes() - 1, message.getInt(message.readerIndex() + 1));
        byte[] data = new byte[message.readableBytes() - 5];
        message.getBytes(message.readerIndex() + 5, data);
        out.writeBytes(data);
    }

    private static final String TEXT_ROWS = """
            1\tAlice Liddell\talice@example.com\t+1 415 555 0101\t4111111111111111\t123-45-6789\tParis
            2\tBob\\tTab\t\\N\t\\N\t5500000000000004\t\\N\tNew\\nYork
            """;

    @Test
    void textFormat() {
        String expected = "1\tAlice Liddell\t***@example.com\t+* *** *** **01\t************1111\t%s\tParis\n"
                + "2\tBob\\tTab\t\\N\t\\N\t************0004\t\\N\tNew\\nYork\n";
        String out = run(masker("COPY customers TO STDOUT"), TEXT_ROWS, 1 << 20);
        String token = out.split("\n")[0].split("\t")[5];
        assertTrue(token.matches("tok_[0-9a-f]{16}"), token);
        assertEquals(String.format(expected, token), out);
        // Any way of cutting the stream into CopyData messages gives the same output.
        for (int[] sizes : List.of(new int[] {1}, new int[] {2}, new int[] {7, 3}, new int[] {50}, new int[] {13, 1, 40})) {
            assertEquals(out, run(masker("COPY customers TO STDOUT"), TEXT_ROWS, sizes));
        }
        // Rows joined in one message and split across messages.
        assertEquals(out, run(masker("COPY customers TO STDOUT"), TEXT_ROWS, TEXT_ROWS.length() / 2 + 5));
    }

    @Test
    void textFormatEscapesMaskedValuesWithTheDelimiter() {
        CopyMasker masker = masker("COPY customers (email, city) TO STDOUT (DELIMITER '@')");
        // the email contains the delimiter, escaped as \@ by PostgreSQL
        assertEquals("***\\@example.com@Paris\n", run(masker, "alice\\@example.com@Paris\n", 1 << 20));
    }

    @Test
    void csvWithQuotesEmbeddedDelimitersAndNewlines() {
        // A masked field is quoted only where CSV needs it (as PostgreSQL writes it); others keep their bytes.
        String data = "id,full_name,email,phone,card_number,ssn,city\n"
                + "1,\"Liddell, Alice\",alice@example.com,\"+1 415 555 0101\",4111111111111111,,\"Paris\nFrance\"\n"
                + "2,\"Say \"\"hi\"\"\",\"bob,jr@example.org\",,\"5500 0000 0000 0004\",,\"\"\n";
        String expected = "id,full_name,email,phone,card_number,ssn,city\n"
                + "1,\"Liddell, Alice\",***@example.com,+* *** *** **01,************1111,,\"Paris\nFrance\"\n"
                + "2,\"Say \"\"hi\"\"\",***@example.org,,**** **** **** 0004,,\"\"\n";
        for (int[] sizes : List.of(new int[] {1 << 20}, new int[] {1}, new int[] {3, 11}, new int[] {64})) {
            String out = run(masker("COPY customers TO STDOUT (FORMAT csv, HEADER)"), data, sizes);
            assertEquals(expected, out);
        }
    }

    @Test
    void csvWithAnEscapeCharacterAndForceQuote() {
        CopyMasker masker = masker("COPY customers (id, email) TO STDOUT (FORMAT csv, ESCAPE '\\', FORCE_QUOTE (email))");
        assertEquals("1,\"***@example.com\"\n2,\n", run(masker, "1,\"alice\\\"x@example.com\"\n2,\n", 1 << 20));
    }

    @Test
    void unchangedMessagesAreTheSameInstance() {
        // id and city carry no rule: PassThrough
        assertInstanceOf(CopyDecision.PassThrough.class, alice.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers (id, city) TO STDOUT"), Optional.of(CUSTOMERS)));
        CopyMasker nulls = masker("COPY customers (id, email) TO STDOUT");
        ByteBuf in = copyData("1\t\\N\n".getBytes(UTF_8));
        assertSame(in, nulls.apply(in, ALLOC));
        in.release();
        // a partial line is carried: nothing to send yet
        ByteBuf part = copyData("2\talice@exa".getBytes(UTF_8));
        ByteBuf result = nulls.apply(part, ALLOC);
        assertEquals(0, result.readableBytes());
        part.release();
    }

    @Test
    void linesLongerThanTheLimitFailClosed() {
        CopyMasker masker = new CopyMasker(CopyOptions.TEXT_DEFAULTS, new ColumnPlan[] {new ColumnPlan.Whole(ValueType.TEXT,
                MaskingStrategy.Redact.INSTANCE, "r", "t")}, null, 1024, new Tokenizer(TestData.KEY), List.of(), List.of());
        ByteBuf first = copyData("x".repeat(1000).getBytes(UTF_8));
        assertEquals(0, masker.apply(first, ALLOC).readableBytes());
        ByteBuf second = copyData("x".repeat(100).getBytes(UTF_8));
        assertThrows(MaskingException.class, () -> masker.apply(second, ALLOC));
        first.release();
        second.release();
    }

    @Test
    void fieldCountMismatchFailsClosed() {
        CopyMasker masker = masker("COPY customers (id, email) TO STDOUT");
        ByteBuf in = copyData("1\ta@b.com\textra\n".getBytes(UTF_8));
        assertThrows(MaskingException.class, () -> masker.apply(in, ALLOC));
        in.release();
        CopyMasker csv = masker("COPY customers (id, email) TO STDOUT (FORMAT csv)");
        ByteBuf open = copyData("1,\"never closed\n".getBytes(UTF_8));
        csv.apply(open, ALLOC);
        assertThrows(MaskingException.class, () -> csv.finish(ALLOC));
        open.release();
    }

    @Test
    void decisions() {
        assertInstanceOf(CopyDecision.CannotMaskExactly.class, alice.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers TO STDOUT (FORMAT binary)"), Optional.of(CUSTOMERS)));
        assertInstanceOf(CopyDecision.CannotMaskExactly.class, alice.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers TO STDOUT (ENCODING 'LATIN1')"),
                Optional.of(CUSTOMERS)));
        assertInstanceOf(CopyDecision.CannotMaskExactly.class, alice.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers TO STDOUT"), Optional.empty()));
        assertInstanceOf(CopyDecision.CannotMaskExactly.class, alice.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers (nope) TO STDOUT"), Optional.of(CUSTOMERS)));
        CopyCommand.QueryCopy query = (CopyCommand.QueryCopy) CopyCommand.parse("COPY (SELECT * FROM customers) TO STDOUT");
        CopyDecision.CannotMaskExactly refused = assertInstanceOf(CopyDecision.CannotMaskExactly.class,
                alice.copyQuery(query, Optional.of(Set.of(new TableName("", "customers")))));
        assertTrue(refused.reason().contains("customers"), refused.reason());
        assertInstanceOf(CopyDecision.CannotMaskExactly.class, alice.copyQuery(query, Optional.empty()));
        // a query over tables without column rules: detectors on every field
        CopyDecision orders = alice.copyQuery(query, Optional.of(Set.of(new TableName("public", "orders"))));
        CopyMasker masker = assertInstanceOf(CopyDecision.Mask.class, orders).masker();
        assertEquals("1\t****\tParis\n", run(masker, "1\tbob@example.org\tParis\n", 1 << 20));
        // the dba: nothing at all
        SessionMasking dba = TestData.demoPolicy().forSession(TestData.DBA, "demo");
        assertInstanceOf(CopyDecision.PassThrough.class, dba.copyQuery(query, Optional.empty()));
        assertInstanceOf(CopyDecision.PassThrough.class, dba.copyTable(
                (CopyCommand.TableCopy) CopyCommand.parse("COPY customers TO STDOUT"), Optional.of(CUSTOMERS)));
        assertTrue(new ArrayList<>(List.of(1)).size() == 1 && Map.of().isEmpty());
    }
}
