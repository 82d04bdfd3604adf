package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyCommandTest {

    private static CopyCommand.TableCopy table(String sql) {
        return assertInstanceOf(CopyCommand.TableCopy.class, CopyCommand.parse(sql), sql);
    }

    @Test
    void textDefaults() {
        CopyCommand.TableCopy copy = table("COPY customers TO STDOUT");
        assertEquals(new TableName("", "customers"), copy.table());
        assertEquals("customers", copy.sqlName());
        assertEquals(CopyOptions.TEXT_DEFAULTS, copy.options());
        assertEquals(List.of(), copy.columns());
    }

    @Test
    void newSyntaxOptions() {
        CopyCommand.TableCopy copy = table("copy public.\"Customers\" (id, \"E-Mail\", Phone) to stdout with "
                + "(FORMAT csv, HEADER, DELIMITER ';', NULL 'NULL', QUOTE '''', ESCAPE '\\', FORCE_QUOTE (id), "
                + "ENCODING 'UTF8');");
        assertEquals(new TableName("public", "Customers"), copy.table());
        assertEquals("public.\"Customers\"", copy.sqlName());
        assertEquals(List.of("id", "E-Mail", "phone"), copy.columns());
        CopyOptions options = copy.options();
        assertEquals(CopyOptions.Format.CSV, options.format());
        assertTrue(options.header());
        assertEquals(';', options.delimiter());
        assertEquals("NULL", options.nullString());
        assertEquals('\'', options.quote());
        assertEquals('\\', options.escape());
        assertEquals(List.of("id"), options.forceQuote());
        assertEquals("UTF8", options.encoding());
    }

    @Test
    void csvDefaultsAndEscapeStrings() {
        CopyOptions csv = table("COPY t TO STDOUT (FORMAT CSV, HEADER false)").options();
        assertEquals(',', csv.delimiter());
        assertEquals("", csv.nullString());
        assertEquals('"', csv.quote());
        assertEquals('"', csv.escape());
        assertFalse(csv.header());
        assertEquals('\t', table("COPY t TO STDOUT WITH (DELIMITER E'\\t')").options().delimiter());
        assertEquals('|', table("COPY t TO STDOUT (DELIMITER $$|$$, FORMAT text)").options().delimiter());
        assertEquals(CopyOptions.Format.BINARY, table("COPY t TO STDOUT (FORMAT binary)").options().format());
    }

    @Test
    void oldSyntax() {
        CopyOptions options = table("COPY t TO STDOUT CSV HEADER").options();
        assertEquals(CopyOptions.Format.CSV, options.format());
        assertTrue(options.header());
        options = table("COPY t (a, b) TO STDOUT WITH DELIMITER AS '|' NULL AS 'nil' CSV QUOTE AS '\"' ESCAPE AS '\\' "
                + "FORCE QUOTE a, b").options();
        assertEquals('|', options.delimiter());
        assertEquals("nil", options.nullString());
        assertEquals('\\', options.escape());
        assertEquals(List.of("a", "b"), options.forceQuote());
        assertEquals(CopyOptions.Format.BINARY, table("COPY BINARY t TO STDOUT").options().format());
        assertEquals(CopyOptions.Format.BINARY, table("COPY t TO STDOUT WITH BINARY").options().format());
        assertEquals('|', table("COPY t TO STDOUT USING DELIMITERS '|'").options().delimiter());
        assertTrue(table("COPY t TO STDOUT CSV FORCE QUOTE *").options().forceQuoteAll());
    }

    @Test
    void queries() {
        CopyCommand.QueryCopy copy = assertInstanceOf(CopyCommand.QueryCopy.class, CopyCommand.parse(
                "/* export */ COPY (SELECT email, ')' AS p FROM customers WHERE (id > 1)) -- comment\n TO STDOUT (FORMAT csv)"));
        assertEquals("SELECT email, ')' AS p FROM customers WHERE (id > 1)", copy.query());
        assertEquals(CopyOptions.Format.CSV, copy.options().format());
    }

    @Test
    void notCopyOutAndUnreadable() {
        assertInstanceOf(CopyCommand.NotCopyOut.class, CopyCommand.parse("SELECT 1"));
        assertInstanceOf(CopyCommand.NotCopyOut.class, CopyCommand.parse("COPY t FROM STDIN"));
        assertInstanceOf(CopyCommand.NotCopyOut.class, CopyCommand.parse("COPY t TO '/tmp/x.csv'"));
        assertInstanceOf(CopyCommand.NotCopyOut.class, CopyCommand.parse("COPY t TO PROGRAM 'gzip > /tmp/x'"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY t TO STDOUT (FORMAT xml)"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY t TO STDOUT (DELIMITER ';;')"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY t TO STDOUT (FORMAT csv, DELIMITER '\"')"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY (SELECT 1 TO STDOUT"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY t TO STDOUT; SELECT 1"));
        assertInstanceOf(CopyCommand.Unreadable.class, CopyCommand.parse("COPY t TO STDOUT (WHATEVER 1)"));
    }
}
