package dev.bulwark.model;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.io.Writer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The renderer of untrusted text: judged by classes of code points, not by a few examples. */
class SafeTextTest {
    /** Every code point a reviewer must see as an escape, by the classes the issue names. */
    private static final int[][] MUST_ESCAPE = {
            {0x00, 0x08}, {0x0B, 0x1F}, {0x7F, 0x9F}, // C0 (but LF, TAB), DEL, C1
            {0x202A, 0x202E}, {0x2066, 0x2069}, {0x200E, 0x200F}, {0x061C, 0x061C}, // bidi
            {0x200B, 0x200D}, {0x2060, 0x2064}, {0xFEFF, 0xFEFF}, {0x00AD, 0x00AD}, // zero-width, invisible
            {0xFE00, 0xFE0F}, {0xE0100, 0xE01EF}, {0xE0000, 0xE007F}, // variation selectors, tags
            {0x2028, 0x2029}, {0xD800, 0xDFFF}, // separators, lone surrogates
            {0x034F, 0x034F}, {0x115F, 0x1160}, {0x3164, 0x3164}, {0x180E, 0x180E}, // other invisibles
            {0x00A0, 0x00A0}, {0x2000, 0x200A}, {0x3000, 0x3000}, // spaces PostgreSQL does not read as spaces
            {0xE000, 0xE000}, {0x10FFFF, 0x10FFFF}, // private use, unassigned
            {0x00AB, 0x00AB}, // the escape's own opening bracket
    };

    @Test
    void everyCodePointOfEveryClassIsShownAsAVisibleEscape() {
        for (int[] range : MUST_ESCAPE) {
            for (int c = range[0]; c <= range[1]; c++) {
                String text = "a" + new String(Character.toChars(c)) + "b";
                for (SafeText.Layout layout : SafeText.Layout.values()) {
                    String shown = SafeText.render(text, layout);
                    assertEquals("a" + SafeText.escape(c) + "b", shown, String.format("U+%04X in %s", c, layout));
                    assertVisibleOnly(shown, layout);
                }
            }
        }
        assertEquals("\u00abESC\u00bb[2K\u00abESC\u00bb[1A", SafeText.line("\u001b[2K\u001b[1A"));
        assertEquals("\u00abU+202E\u00bb", SafeText.line("\u202e"));
        assertEquals("\u00abU+E0041\u00bb", SafeText.line("\udb40\udc41"), "a tag character is one code point");
    }

    @Test
    void lineFeedAndTabAreKeptOnlyInBlocksAndCarriageReturnNowhere() {
        assertEquals("a\nb\tc\u00abCR\u00bb", SafeText.block("a\nb\tc\r"));
        assertEquals("a\u00abLF\u00bbb\u00abTAB\u00bbc\u00abCR\u00bb", SafeText.line("a\nb\tc\r"));
    }

    @Test
    void ordinaryTextOfAnyScriptIsShownAsItIs() {
        for (String text : List.of("SELECT * FROM t WHERE x = 'é' -- ok", "SELECT '日本語', 'Ωμέγα', 'emoji 😀'",
                "SELECT 'שלום'", "e\u0301")) {
            assertEquals(text, SafeText.block(text));
            assertEquals(text, SafeText.line(text));
        }
        assertTrue(SafeText.hasRightToLeft("SELECT 'שלום'"));
        assertFalse(SafeText.hasRightToLeft("SELECT 1"));
    }

    @Test
    void statementTextCannotImitateAnEscape() {
        String fake = "\u00abU+202E\u00bb";
        String shown = SafeText.line(fake);
        assertEquals("\u00abU+00AB\u00bbU+202E\u00bb", shown);
        assertFalse(shown.startsWith(SafeText.escape(0x202E)));
    }

    @Test
    void runsSplitPlainTextFromEscapesAndJoinToTheRendering() {
        String text = "x\u202e\u200by\u001b";
        List<SafeText.Run> runs = SafeText.runs(text, SafeText.Layout.BLOCK);
        assertEquals(List.of(new SafeText.Run("x", false), new SafeText.Run("\u00abU+202E\u00bb\u00abU+200B\u00bb", true),
                new SafeText.Run("y", false), new SafeText.Run("\u00abESC\u00bb", true)), runs);
        assertEquals(SafeText.block(text), String.join("", runs.stream().map(SafeText.Run::text).toList()));
    }

    @Test
    void anExcerptSaysWhatItLeftOutAndNeverCutsAnEscape() {
        assertEquals("SELECT 1", SafeText.excerpt("SELECT 1", 20));
        assertEquals("abcde…\u00ab+5 chars\u00bb", SafeText.excerpt("abcdefghij", 5));
        assertEquals("ab…\u00ab+5 chars\u00bb", SafeText.excerpt("ab\u202ecdef", 4), "the escape is dropped whole");
        assertEquals("ab\u00abU+202E\u00bb…\u00ab+4 chars\u00bb", SafeText.excerpt("ab\u202ecdef", 10));
    }

    @Test
    void bindValuesAreQuotedSoNullAndTheTextNullDiffer() {
        assertEquals("NULL", SafeText.value(null));
        assertEquals("'NULL'", SafeText.value("NULL"));
        assertEquals("'it''s\u00abLF\u00bb-- parameters: x'", SafeText.value("it's\n-- parameters: x"));
    }

    @Test
    void theTerminalGuardLetsNothingRawThroughWhateverIsWritten() throws Exception {
        StringWriter sink = new StringWriter();
        try (Writer guard = SafeText.terminalGuard(sink)) {
            guard.write("ok \u001b[2K\u009b\u202e");
            guard.write('\ud83d'); // a pair split across writes stays one character
            guard.write('\ude00');
            guard.write("\ud800 \u00abLF\u00bb line\n\tnext");
        }
        assertEquals("ok \u00abESC\u00bb[2K\u00abU+009B\u00bb\u00abU+202E\u00bb\ud83d\ude00\u00abU+D800\u00bb \u00abLF\u00bb line\n\tnext",
                sink.toString(), "escapes already rendered pass as they are");
    }

    @Test
    void terminalJsonIsPrintableAsciiAndParsesToTheSameValues() throws Exception {
        ApprovalSummary approval = Samples.approval();
        ApprovalSummary hostile = new ApprovalSummary(approval.id(), approval.sessionId(), approval.requester(),
                approval.target(), approval.role(), approval.rule(), "SELECT '\u001b[2K\u009b\u202e\u200b\u007f\u2028é'",
                approval.statementHash(), approval.requestedAt(), 0, 1, ApprovalState.PENDING, List.of(),
                List.of("\u2066x"), approval.classification());
        String json = ManagementJson.terminalWriter(ManagementJson.mapper()).writeValueAsString(hostile);
        assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7F), json);
        assertEquals(hostile, ManagementJson.mapper().readValue(json, ApprovalSummary.class));
    }

    private static void assertVisibleOnly(String shown, SafeText.Layout layout) {
        for (int i = 0; i < shown.length(); ) {
            int c = shown.codePointAt(i);
            assertTrue(c == SafeText.OPEN || !SafeText.needsEscape(c, layout), String.format("raw U+%04X left", c));
            i += Character.charCount(c);
        }
    }
}
