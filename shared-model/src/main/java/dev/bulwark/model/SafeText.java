package dev.bulwark.model;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one renderer of untrusted text (statements, bind values, result values, names a client chose)
 * for people: the ctl and audit CLI print it, the console shows it. Whatever a terminal would
 * interpret, whatever changes the display direction and whatever draws nothing is replaced by a
 * visible escape such as {@code «ESC»} or {@code «U+202E»}, so a reviewer sees every code point
 * that will run. Guillemets mark escapes: every font has them and none draws them like SQL's
 * parentheses (the mathematical angle brackets tried first looked like {@code (} in a terminal).
 *
 * <p>Escaped, in every layout:
 * <ul>
 *   <li>C0 controls, DEL and C1 controls (a terminal acts on them: ESC sequences, CSI 0x9B, CR);
 *   <li>format characters (Unicode category Cf): bidi embeddings, overrides and isolates
 *       (U+202A-202E, U+2066-2069), marks (U+200E/200F, U+061C), zero-width characters
 *       (U+200B-200D, U+2060-2064, U+FEFF), soft hyphen, tag characters (U+E0000 block), ...;
 *   <li>the rest of Unicode's default-ignorable code points, which draw nothing although they are
 *       not Cf: variation selectors, the combining grapheme joiner, Hangul fillers, ...;
 *   <li>line and paragraph separators (U+2028/2029), lone surrogates, private-use and unassigned
 *       code points (a font may draw them as anything);
 *   <li>spaces other than U+0020 (no-break, em, ideographic, ...): PostgreSQL does not read them as
 *       white space, so {@code DROP\u00A0x} is one identifier though it looks like two words;
 *   <li>{@code «} (U+00AB) itself, so statement text can never imitate an escape.
 * </ul>
 *
 * <p>A plain line feed and tab stay as they are in a {@link Layout#BLOCK block} (a multi-line view
 * such as the held statement): they are how SQL is laid out, a terminal only moves the cursor
 * forward with them, and every view that keeps them puts the text in a frame of its own (a gutter
 * on each line in the CLI, a separate pane in the console), so a line of statement text cannot
 * pass for a line the engine wrote. In a {@link Layout#LINE line} (table cells, labels) they are
 * escaped like the rest. Carriage return is escaped everywhere: it moves back over what was shown.
 */
public final class SafeText {
    /** Opens every escape; escaped itself where the text holds it. */
    public static final char OPEN = '\u00AB';
    /** Closes every escape. */
    public static final char CLOSE = '\u00BB';

    /** How much layout the view keeps. */
    public enum Layout {
        /** One line: line feeds and tabs are escaped too. */
        LINE,
        /** Several lines: line feeds and tabs are kept. */
        BLOCK
    }

    /**
     * A run of shown text: either text as it is, or one or more escapes (shown in a distinct style
     * where the view can style).
     */
    public record Run(String text, boolean escape) {
        public Run {
            requireNonNull(text, "text is null");
        }
    }

    private SafeText() {}

    /** The text for a one-line view. */
    public static String line(String text) {
        return render(text, Layout.LINE);
    }

    /** The text for a multi-line view. */
    public static String block(String text) {
        return render(text, Layout.BLOCK);
    }

    public static String render(String text, Layout layout) {
        requireNonNull(layout, "layout is null");
        if (text == null) {
            return "";
        }
        if (isClean(text, layout)) {
            return text;
        }
        StringBuilder shown = new StringBuilder(text.length() + 16);
        for (Run run : runs(text, layout)) {
            shown.append(run.text());
        }
        return shown.toString();
    }

    /**
     * The text split into plain runs and escape runs (adjacent escapes form one run). Joined, the
     * runs are {@link #render}'s result.
     */
    public static List<Run> runs(String text, Layout layout) {
        requireNonNull(layout, "layout is null");
        List<Run> runs = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return runs;
        }
        StringBuilder plain = new StringBuilder();
        StringBuilder escapes = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int width = Character.charCount(codePoint);
            if (needsEscape(codePoint, layout)) {
                if (!plain.isEmpty()) {
                    runs.add(new Run(plain.toString(), false));
                    plain.setLength(0);
                }
                escapes.append(escape(codePoint));
            } else {
                if (!escapes.isEmpty()) {
                    runs.add(new Run(escapes.toString(), true));
                    escapes.setLength(0);
                }
                plain.appendCodePoint(codePoint);
            }
            i += width;
        }
        if (!plain.isEmpty()) {
            runs.add(new Run(plain.toString(), false));
        }
        if (!escapes.isEmpty()) {
            runs.add(new Run(escapes.toString(), true));
        }
        return runs;
    }

    /** Whether the text shows as it is (nothing to escape) in that layout. */
    public static boolean isClean(String text, Layout layout) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (needsEscape(codePoint, layout)) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /** Whether a code point is shown as an escape in that layout. */
    public static boolean needsEscape(int codePoint, Layout layout) {
        if (codePoint == '\n' || codePoint == '\t') {
            return layout == Layout.LINE;
        }
        if (codePoint == ' ') {
            return false;
        }
        if (codePoint == OPEN) {
            return true;
        }
        if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
            return true;
        }
        if (isDefaultIgnorable(codePoint)) {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> true;
            default -> false;
        };
    }

    /**
     * Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt) that are not all in
     * category Cf: they draw nothing, so a reviewer would not see them.
     */
    private static boolean isDefaultIgnorable(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x061C || (c >= 0x115F && c <= 0x1160)
                || (c >= 0x17B4 && c <= 0x17B5) || (c >= 0x180B && c <= 0x180F)
                || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
                || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0
                || (c >= 0xFFF0 && c <= 0xFFF8) || (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A)
                || (c >= 0xE0000 && c <= 0xE0FFF);
    }

    /** One code point's escape: a short name for the common controls, else its number. */
    public static String escape(int codePoint) {
        String name = switch (codePoint) {
            case 0x00 -> "NUL";
            case 0x07 -> "BEL";
            case 0x08 -> "BS";
            case 0x09 -> "TAB";
            case 0x0A -> "LF";
            case 0x0B -> "VT";
            case 0x0C -> "FF";
            case 0x0D -> "CR";
            case 0x1B -> "ESC";
            case 0x7F -> "DEL";
            default -> String.format("U+%04X", codePoint);
        };
        return OPEN + name + CLOSE;
    }

    /**
     * Whether the text holds right-to-left letters (Hebrew, Arabic, ...). They are not escaped (they
     * are text), but a view that applies the bidi algorithm may show the characters around them in
     * another order than they run; views say so next to the text.
     */
    public static boolean hasRightToLeft(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            byte direction = Character.getDirectionality(codePoint);
            if (direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                    || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC) {
                return true;
            }
            i += Character.charCount(codePoint);
        }
        return false;
    }

    /**
     * A one-line excerpt: the text rendered as a {@link Layout#LINE line}, at most {@code max}
     * code points of it; when it is cut it ends with an explicit marker of how many characters of
     * the text were left out ({@code …«+1234 chars»}), so a reader never takes the excerpt for the
     * whole. An escape is never cut in two.
     */
    public static String excerpt(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
        if (text == null) {
            return "";
        }
        StringBuilder shown = new StringBuilder();
        int shownLength = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            String piece = needsEscape(codePoint, Layout.LINE) ? escape(codePoint) : new String(Character.toChars(codePoint));
            int pieceLength = piece.codePointCount(0, piece.length());
            if (shownLength + pieceLength > max) {
                int left = text.codePointCount(i, text.length());
                return shown.append('…').append(OPEN).append('+').append(left).append(" chars").append(CLOSE).toString();
            }
            shown.append(piece);
            shownLength += pieceLength;
            i += Character.charCount(codePoint);
        }
        return shown.toString();
    }

    /**
     * A bind value for a one-line view: SQL NULL as {@code NULL}, a text as a quoted literal (quotes
     * doubled), escapes inside, so the text {@code 'NULL'} and NULL cannot be confused.
     */
    public static String value(String value) {
        return value == null ? "NULL" : "'" + line(value).replace("'", "''") + "'";
    }

    /**
     * A writer that lets nothing a terminal acts on or does not draw through: a last guard under
     * everything a CLI prints, for text that did not go through {@link #line} or {@link #block}.
     * It escapes as a {@link Layout#BLOCK block} does, except {@code «} (which opens the escapes
     * the renderer already wrote).
     */
    public static Writer terminalGuard(Writer out) {
        return new TerminalGuard(out);
    }

    private static final class TerminalGuard extends FilterWriter {
        /** A high surrogate whose pair may come with the next write. */
        private char pendingHigh;

        TerminalGuard(Writer out) {
            super(requireNonNull(out, "out is null"));
        }

        @Override
        public void write(int c) throws IOException {
            char ch = (char) c;
            if (pendingHigh != 0) {
                char high = pendingHigh;
                pendingHigh = 0;
                if (Character.isLowSurrogate(ch)) {
                    emit(Character.toCodePoint(high, ch));
                    return;
                }
                emit(high);
            }
            if (Character.isHighSurrogate(ch)) {
                pendingHigh = ch;
                return;
            }
            emit(ch);
        }

        private void emit(int codePoint) throws IOException {
            if (codePoint != OPEN && needsEscape(codePoint, Layout.BLOCK)) {
                out.write(escape(codePoint));
            } else if (Character.isBmpCodePoint(codePoint)) {
                out.write(codePoint);
            } else {
                out.write(Character.toChars(codePoint));
            }
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            for (int i = 0; i < length; i++) {
                write(buffer[offset + i]);
            }
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            for (int i = 0; i < length; i++) {
                write(text.charAt(offset + i));
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (pendingHigh != 0) {
                emit(pendingHigh);
                pendingHigh = 0;
            }
            out.close();
        }
    }
}
