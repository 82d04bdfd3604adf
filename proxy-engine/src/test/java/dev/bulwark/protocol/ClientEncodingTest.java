package dev.bulwark.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientEncodingTest {
    @Test
    void namesAreComparedAsPostgresComparesThem() {
        for (String utf8 : List.of("UTF8", "utf8", "UTF-8", "utf_8", "Unicode", "UNICODE", " u t f 8 ")) {
            assertTrue(ClientEncoding.readsExactly(utf8), utf8);
        }
        assertTrue(ClientEncoding.readsExactly("SQL_ASCII"));
        assertTrue(ClientEncoding.readsExactly("sql-ascii"));
        for (String sjis : List.of("SJIS", "sjis", "Shift_JIS", "Shift-JIS", "ShiftJIS", "MSKANJI", "WIN932", "windows-932")) {
            assertEquals(new ClientEncoding.Reading.Unsupported("SJIS"), ClientEncoding.read(sjis), sjis);
        }
        assertEquals(new ClientEncoding.Reading.Unsupported("BIG5"), ClientEncoding.read("win950"));
        assertEquals(new ClientEncoding.Reading.Unsupported("GBK"), ClientEncoding.read("Windows936"));
        assertEquals(new ClientEncoding.Reading.Unsupported("UHC"), ClientEncoding.read("win949"));
        assertEquals(new ClientEncoding.Reading.Unsupported("GB18030"), ClientEncoding.read("gb18030"));
        assertEquals(new ClientEncoding.Reading.Unsupported("JOHAB"), ClientEncoding.read("JOHAB"));
        assertEquals(new ClientEncoding.Reading.Unsupported("SHIFT_JIS_2004"), ClientEncoding.read("shift_jis_2004"));
        assertEquals(new ClientEncoding.Reading.Unsupported("LATIN1"), ClientEncoding.read("ISO-8859-1"));
        assertInstanceOf(ClientEncoding.Reading.Unknown.class, ClientEncoding.read("UTF-16"));
        assertInstanceOf(ClientEncoding.Reading.Unknown.class, ClientEncoding.read(""));
    }

    @Test
    void refusalsSayWhy() {
        assertTrue(ClientEncoding.refusal("utf-8").isEmpty());
        assertTrue(ClientEncoding.refusal("SJIS").orElseThrow().contains("client_encoding SJIS is not supported"));
        assertTrue(ClientEncoding.refusal("x\u0001y").orElseThrow().contains("invalid value for parameter \"client_encoding\": \"x?y\""));
    }

    @Test
    void optionsAreSplitAndReadAsTheServerReadsThem() {
        assertEquals(List.of("SJIS"), ClientEncoding.fromOptions("-c client_encoding=SJIS"));
        assertEquals(List.of("SJIS"), ClientEncoding.fromOptions("-cclient_encoding=SJIS"));
        assertEquals(List.of("BIG5"), ClientEncoding.fromOptions("--client_encoding=BIG5"));
        assertEquals(List.of("BIG5"), ClientEncoding.fromOptions("--client-encoding=BIG5"));
        assertEquals(List.of("gbk"), ClientEncoding.fromOptions("-c CLIENT_ENCODING=gbk"));
        assertEquals(List.of("SJIS"), ClientEncoding.fromOptions("-Ec client_encoding=SJIS"));
        assertEquals(List.of("UTF8", "SJIS"), ClientEncoding.fromOptions("-c client_encoding=UTF8 -c client_encoding=SJIS"));
        // A backslash makes the next character part of the word: one word, one value with a space in it.
        assertEquals(List.of("SJIS x"), ClientEncoding.fromOptions("-c client_encoding=SJIS\\ x"));
        assertEquals(List.of(), ClientEncoding.fromOptions("-c application_name=client_encoding\\ is\\ fine"));
        // The value of another setting that merely contains the words is caught by the safety net.
        assertEquals(List.of("SJIS"), ClientEncoding.fromOptions("-c application_name=client_encoding=SJIS"));
        assertEquals(List.of(), ClientEncoding.fromOptions(""));
        assertThrows(ProtocolException.class, () -> ClientEncoding.fromOptions("-c"));
        assertEquals(List.of("a b", "c\\d"), ClientEncoding.splitOptions("a\\ b  c\\\\d"));
    }

    @Test
    void settingNamesMatchInAnyCase() {
        assertTrue(ClientEncoding.isClientEncodingSetting("client_encoding"));
        assertTrue(ClientEncoding.isClientEncodingSetting("Client_Encoding"));
        assertFalse(ClientEncoding.isClientEncodingSetting("server_encoding"));
    }
}
