package dev.bulwark.policy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A lexer for PostgreSQL's SQL that follows the server's own scanner ({@code scan.l}) closely enough
 * that a statement boundary or a keyword it finds is one the server finds too. It knows:
 * <ul>
 *   <li>comments: {@code --} to end of line and nested {@code /* /* *&#47; *&#47;};</li>
 *   <li>identifiers: unquoted ones fold to lower case (ASCII only, as the server does in UTF8),
 *       {@code "quoted ""ones"""}, {@code U&"\0061"} with {@code UESCAPE}; all truncate to 63 bytes
 *       like the server's NAMEDATALEN;</li>
 *   <li>literals: {@code '..''..'}, {@code E'..\'..'}, {@code U&'..'}, {@code N'..'}, {@code B'..'},
 *       {@code X'..'}, {@code $$..$$} and {@code $tag$..$tag$}; numbers in every PostgreSQL 16 form;
 *       {@code $1} parameters;</li>
 *   <li>operators, with the server's rule that a multi-character operator may not end in {@code +} or
 *       {@code -} unless it contains one of {@code ~ ! @ # % ^ & | ` ?}, and that {@code --} or
 *       {@code /*} inside an operator starts a comment.</li>
 * </ul>
 * It never throws: input it cannot lex (an unterminated literal or comment, a bad escape) gives a
 * result with an {@link Result#error() error}, and the statement is then classified UNKNOWN.
 *
 * <p>With {@code standard_conforming_strings} off the server reads backslashes in plain {@code '..'}
 * literals as escapes; {@link #lex(String, boolean)} can lex either way so that the classifier can check
 * that a text means the same thing under both settings.
 */
final class SqlLexer {

    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated by the server. */
    static final int MAX_IDENTIFIER_BYTES = 63;

    /**
     * What a token is. For names this lexer is the one place that computes their PostgreSQL value (what
     * the server's scanner hands its grammar): an unquoted word folded as {@code downcase_identifier}
     * folds it (ASCII letters only), a quoted one with {@code ""} undoubled and {@code U&"..."} escapes
     * (with {@code UESCAPE}) decoded, keeping its case; all truncated to 63 bytes. Readers compare names
     * through {@link Token#isNamed} and keywords through {@link Token#isWord}.
     */
    enum TokenType {
        /** An unquoted identifier or keyword; {@code value} is folded to lower case. */
        WORD,
        /** A {@code "quoted"} or {@code U&"quoted"} identifier; {@code value} is the decoded name. */
        QUOTED_IDENTIFIER,
        /** A string literal of any form; {@code value} is the decoded content. */
        STRING,
        /** A numeric literal; {@code value} is its plain decimal form. */
        NUMBER,
        /** {@code $1}. */
        PARAMETER,
        /** An operator such as {@code =}, {@code <>}, {@code ->>}. */
        OPERATOR,
        /** One of {@code ( ) [ ] , . : :: := =>}. */
        PUNCTUATION,
        SEMICOLON,
        /** A character PostgreSQL's scanner does not accept in that place. */
        OTHER
    }

    enum StringForm { STANDARD, ESCAPE, UNICODE, NATIONAL, BIT, HEX, DOLLAR }

    /**
     * One token.
     *
     * @param type what it is
     * @param form for strings, which literal form; null otherwise
     * @param text the exact source text
     * @param value the meaning: folded word, decoded identifier or string, decimal number
     * @param start offset in the source
     * @param end offset after the token
     * @param spaceBefore whether whitespace or a comment separates it from the previous token
     */
    record Token(TokenType type, StringForm form, String text, String value, int start, int end,
            boolean spaceBefore) {

        Token {
            requireNonNull(type, "type is null");
            requireNonNull(text, "text is null");
            requireNonNull(value, "value is null");
        }

        boolean isWord(String word) {
            return type == TokenType.WORD && value.equals(word);
        }

        boolean is(TokenType expected, String tokenText) {
            return type == expected && text.equals(tokenText);
        }

        boolean isName() {
            return type == TokenType.WORD || type == TokenType.QUOTED_IDENTIFIER;
        }

        /**
         * Whether this token is a name whose PostgreSQL value is {@code name}: an unquoted word folded to
         * lower case, or a {@code "quoted"} / {@code U&"..."} name as decoded. Use it wherever the server
         * compares a name by its value (EXPLAIN and COPY options, setting names, function and role
         * names); use {@link #isWord} where the grammar wants a keyword, which a quoted name never is.
         */
        boolean isNamed(String name) {
            return isName() && value.equals(name);
        }

        /** Same token, different meaning (used when UESCAPE changes how a literal decodes). */
        Token withValue(String newValue, int newEnd, String newText) {
            return new Token(type, form, newText, newValue, start, newEnd, spaceBefore);
        }
    }

    /**
     * @param tokens every token, comments and whitespace dropped
     * @param error why lexing stopped early, if it did
     * @param backslashInPlainString whether a plain {@code '..'} literal contains a backslash (so the text
     *        may mean something else with {@code standard_conforming_strings} off)
     */
    record Result(List<Token> tokens, Optional<String> error, boolean backslashInPlainString) {
        Result {
            tokens = List.copyOf(tokens);
            requireNonNull(error, "error is null");
        }
    }

    private static final String OPERATOR_CHARS = "~!@#^&|`?+-*/%<>=";
    /** Characters that let a multi-character operator end in + or -. */
    private static final String OPERATOR_SPECIAL = "~!@#^&|`?%";

    private final String sql;
    private final boolean standardConformingStrings;
    private final List<Token> tokens = new ArrayList<>();
    private boolean backslashInPlainString;
    private boolean spaceBefore;
    private int position;

    private SqlLexer(String sql, boolean standardConformingStrings) {
        this.sql = sql;
        this.standardConformingStrings = standardConformingStrings;
    }

    static Result lex(String sql) {
        return lex(sql, true);
    }

    static Result lex(String sql, boolean standardConformingStrings) {
        SqlLexer lexer = new SqlLexer(requireNonNull(sql, "sql is null"), standardConformingStrings);
        try {
            lexer.run();
            List<Token> tokens = applyUescape(lexer.tokens);
            return new Result(tokens, Optional.empty(), lexer.backslashInPlainString);
        } catch (LexException e) {
            return new Result(lexer.tokens, Optional.of(e.getMessage()), lexer.backslashInPlainString);
        } catch (RuntimeException e) {
            // A bug here must not let a statement through unread: report it as unlexable.
            return new Result(lexer.tokens, Optional.of("could not read the statement text (" + e + ")"),
                    lexer.backslashInPlainString);
        }
    }

    private void run() {
        int length = sql.length();
        while (position < length) {
            char c = sql.charAt(position);
            if (isSpace(c)) {
                spaceBefore = true;
                position++;
            } else if (c == '-' && peek(1) == '-') {
                skipLineComment();
            } else if (c == '/' && peek(1) == '*') {
                skipBlockComment();
            } else {
                readToken(c);
                spaceBefore = false;
            }
        }
    }

    private void readToken(char c) {
        int start = position;
        char next = peek(1);
        if (c == '\'') {
            readQuoted(start, start, StringForm.STANDARD);
        } else if ((c == 'e' || c == 'E') && next == '\'') {
            readQuoted(start, start + 1, StringForm.ESCAPE);
        } else if ((c == 'n' || c == 'N') && next == '\'') {
            readQuoted(start, start + 1, StringForm.NATIONAL);
        } else if ((c == 'b' || c == 'B') && next == '\'') {
            readQuoted(start, start + 1, StringForm.BIT);
        } else if ((c == 'x' || c == 'X') && next == '\'') {
            readQuoted(start, start + 1, StringForm.HEX);
        } else if ((c == 'u' || c == 'U') && next == '&' && peek(2) == '\'') {
            readQuoted(start, start + 2, StringForm.UNICODE);
        } else if ((c == 'u' || c == 'U') && next == '&' && peek(2) == '"') {
            readQuotedIdentifier(start, start + 2, true);
        } else if (c == '"') {
            readQuotedIdentifier(start, start, false);
        } else if (c == '$') {
            readDollar(start);
        } else if (isIdentifierStart(c)) {
            readWord(start);
        } else if (isDigit(c) || (c == '.' && isDigit(next))) {
            readNumber(start);
        } else if (c == ';') {
            position++;
            add(TokenType.SEMICOLON, null, start, ";");
        } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
            position++;
            add(TokenType.PUNCTUATION, null, start, String.valueOf(c));
        } else if (c == '.') {
            position += next == '.' ? 2 : 1;
            add(TokenType.PUNCTUATION, null, start, sql.substring(start, position));
        } else if (c == ':') {
            position += (next == ':' || next == '=') ? 2 : 1;
            add(TokenType.PUNCTUATION, null, start, sql.substring(start, position));
        } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
            readOperator(start);
        } else {
            position++;
            add(TokenType.OTHER, null, start, String.valueOf(c));
        }
    }

    private void skipLineComment() {
        while (position < sql.length() && sql.charAt(position) != '\n' && sql.charAt(position) != '\r') {
            position++;
        }
        spaceBefore = true;
    }

    private void skipBlockComment() {
        int depth = 0;
        int start = position;
        while (position < sql.length()) {
            if (sql.charAt(position) == '/' && peek(1) == '*') {
                depth++;
                position += 2;
            } else if (sql.charAt(position) == '*' && peek(1) == '/') {
                depth--;
                position += 2;
                if (depth == 0) {
                    spaceBefore = true;
                    return;
                }
            } else {
                position++;
            }
        }
        throw new LexException("unterminated /* comment at offset " + start);
    }

    /**
     * Reads a single-quoted literal whose opening quote is at {@code quote}; {@code start} is where the
     * token begins (before any E, N, B, X or U& prefix).
     */
    private void readQuoted(int start, int quote, StringForm form) {
        boolean backslashEscapes = form == StringForm.ESCAPE
                || (form == StringForm.STANDARD || form == StringForm.NATIONAL) && !standardConformingStrings;
        StringBuilder value = new StringBuilder();
        int index = quote + 1;
        while (true) {
            if (index >= sql.length()) {
                throw new LexException("unterminated quoted string at offset " + start);
            }
            char c = sql.charAt(index);
            if (c == '\'') {
                if (index + 1 < sql.length() && sql.charAt(index + 1) == '\'') {
                    value.append('\'');
                    index += 2;
                    continue;
                }
                index++;
                break;
            }
            if (c == '\\') {
                if (form == StringForm.STANDARD || form == StringForm.NATIONAL) {
                    backslashInPlainString = true;
                }
                if (backslashEscapes) {
                    index = readBackslashEscape(index, value, start);
                    continue;
                }
            }
            value.append(c);
            index++;
        }
        position = index;
        // U&'..' escapes are decoded once the whole text is lexed: a UESCAPE clause may follow.
        add(TokenType.STRING, form, start, value.toString());
    }

    /** Decodes one backslash escape of an E'' literal starting at {@code index}; returns the next index. */
    private int readBackslashEscape(int index, StringBuilder value, int start) {
        if (index + 1 >= sql.length()) {
            throw new LexException("unterminated quoted string at offset " + start);
        }
        char c = sql.charAt(index + 1);
        switch (c) {
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case 'n' -> value.append('\n');
            case 'r' -> value.append('\r');
            case 't' -> value.append('\t');
            case 'x' -> {
                int end = index + 2;
                while (end < sql.length() && end < index + 4 && isHexDigit(sql.charAt(end))) {
                    end++;
                }
                if (end == index + 2) {
                    value.append('x');
                    return index + 2;
                }
                value.append((char) Integer.parseInt(sql.substring(index + 2, end), 16));
                return end;
            }
            case 'u', 'U' -> {
                int digits = c == 'u' ? 4 : 8;
                int end = index + 2 + digits;
                if (end > sql.length() || !allHex(sql, index + 2, end)) {
                    throw new LexException("invalid Unicode escape at offset " + index);
                }
                appendCodePoint(value, Integer.parseUnsignedInt(sql.substring(index + 2, end), 16), index);
                return end;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int end = index + 1;
                    while (end < sql.length() && end < index + 4 && sql.charAt(end) >= '0' && sql.charAt(end) <= '7') {
                        end++;
                    }
                    value.append((char) Integer.parseInt(sql.substring(index + 1, end), 8));
                    return end;
                }
                value.append(c);
            }
        }
        return index + 2;
    }

    private void readQuotedIdentifier(int start, int quote, boolean unicode) {
        StringBuilder value = new StringBuilder();
        int index = quote + 1;
        while (true) {
            if (index >= sql.length()) {
                throw new LexException("unterminated quoted identifier at offset " + start);
            }
            char c = sql.charAt(index);
            if (c == '"') {
                if (index + 1 < sql.length() && sql.charAt(index + 1) == '"') {
                    value.append('"');
                    index += 2;
                    continue;
                }
                index++;
                break;
            }
            value.append(c);
            index++;
        }
        position = index;
        // U&".." escapes (and the truncation after them) wait for a possible UESCAPE clause.
        String name = unicode ? value.toString() : truncateIdentifier(value.toString());
        add(TokenType.QUOTED_IDENTIFIER, unicode ? StringForm.UNICODE : null, start, name);
    }

    private void readDollar(int start) {
        char next = peek(1);
        if (isDigit(next)) {
            int index = start + 1;
            while (index < sql.length() && isDigit(sql.charAt(index))) {
                index++;
            }
            position = index;
            add(TokenType.PARAMETER, null, start, sql.substring(start, index));
            return;
        }
        // $tag$: the tag is an identifier without '$'; $$ has an empty tag.
        int index = start + 1;
        if (index < sql.length() && isIdentifierStart(sql.charAt(index))) {
            while (index < sql.length() && isIdentifierPart(sql.charAt(index)) && sql.charAt(index) != '$') {
                index++;
            }
        }
        if (index < sql.length() && sql.charAt(index) == '$') {
            String tag = sql.substring(start, index + 1);
            int bodyStart = index + 1;
            int close = sql.indexOf(tag, bodyStart);
            if (close < 0) {
                throw new LexException("unterminated dollar-quoted string at offset " + start);
            }
            position = close + tag.length();
            add(TokenType.STRING, StringForm.DOLLAR, start, sql.substring(bodyStart, close));
            return;
        }
        position = start + 1;
        add(TokenType.OTHER, null, start, "$");
    }

    private void readWord(int start) {
        int index = start + 1;
        while (index < sql.length() && isIdentifierPart(sql.charAt(index))) {
            index++;
        }
        position = index;
        String text = sql.substring(start, index);
        add(TokenType.WORD, null, start, truncateIdentifier(asciiLowerCase(text)));
    }

    private void readNumber(int start) {
        int index = start;
        String value;
        char next = peek(1);
        if (sql.charAt(start) == '0' && (next == 'x' || next == 'X' || next == 'o' || next == 'O'
                || next == 'b' || next == 'B')) {
            int radix = switch (next) {
                case 'x', 'X' -> 16;
                case 'o', 'O' -> 8;
                default -> 2;
            };
            index = start + 2;
            StringBuilder digits = new StringBuilder();
            while (index < sql.length() && (Character.digit(sql.charAt(index), radix) >= 0 || sql.charAt(index) == '_')) {
                if (sql.charAt(index) != '_') {
                    digits.append(sql.charAt(index));
                }
                index++;
            }
            if (digits.isEmpty()) {
                throw new LexException("trailing junk after numeric literal at offset " + start);
            }
            value = new BigInteger(digits.toString(), radix).toString();
        } else {
            while (index < sql.length() && (isDigit(sql.charAt(index)) || sql.charAt(index) == '_')) {
                index++;
            }
            // "1..2" is 1 followed by "..": only take the dot when another dot does not follow.
            if (index < sql.length() && sql.charAt(index) == '.'
                    && !(index + 1 < sql.length() && sql.charAt(index + 1) == '.')) {
                index++;
                while (index < sql.length() && (isDigit(sql.charAt(index)) || sql.charAt(index) == '_')) {
                    index++;
                }
            }
            if (index < sql.length() && (sql.charAt(index) == 'e' || sql.charAt(index) == 'E')) {
                int exponent = index + 1;
                if (exponent < sql.length() && (sql.charAt(exponent) == '+' || sql.charAt(exponent) == '-')) {
                    exponent++;
                }
                if (exponent < sql.length() && isDigit(sql.charAt(exponent))) {
                    index = exponent;
                    while (index < sql.length() && isDigit(sql.charAt(index))) {
                        index++;
                    }
                }
            }
            value = sql.substring(start, index).replace("_", "");
        }
        if (index < sql.length() && isIdentifierStart(sql.charAt(index))) {
            throw new LexException("trailing junk after numeric literal at offset " + start);
        }
        position = index;
        add(TokenType.NUMBER, null, start, value);
    }

    private void readOperator(int start) {
        int index = start;
        while (index < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(index)) >= 0) {
            // A comment start ends the operator, as in the server's scanner.
            if (index > start && ((sql.charAt(index) == '-' && peekAt(index + 1) == '-')
                    || (sql.charAt(index) == '/' && peekAt(index + 1) == '*'))) {
                break;
            }
            index++;
        }
        int length = index - start;
        if (length > 1 && (sql.charAt(index - 1) == '+' || sql.charAt(index - 1) == '-')) {
            boolean special = false;
            for (int i = start; i < index - 1; i++) {
                if (OPERATOR_SPECIAL.indexOf(sql.charAt(i)) >= 0) {
                    special = true;
                    break;
                }
            }
            if (!special) {
                do {
                    length--;
                } while (length > 1 && (sql.charAt(start + length - 1) == '+' || sql.charAt(start + length - 1) == '-'));
            }
        }
        position = start + length;
        String text = sql.substring(start, position);
        if (text.equals("=>")) {
            add(TokenType.PUNCTUATION, null, start, text);
        } else {
            add(TokenType.OPERATOR, null, start, text.equals("!=") ? "<>" : text);
        }
    }

    private void add(TokenType type, StringForm form, int start, String value) {
        tokens.add(new Token(type, form, sql.substring(start, position), value, start, position, spaceBefore));
    }

    /**
     * Decodes the escapes of U&amp; literals and identifiers, with the character a following
     * {@code UESCAPE 'c'} names (and drops those two tokens) or with the default backslash.
     */
    private static List<Token> applyUescape(List<Token> tokens) {
        boolean any = false;
        for (Token token : tokens) {
            if (token.form() == StringForm.UNICODE) {
                any = true;
                break;
            }
        }
        if (!any) {
            return tokens;
        }
        List<Token> result = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.form() != StringForm.UNICODE) {
                result.add(token);
                continue;
            }
            char escape = '\\';
            int end = token.end();
            if (i + 2 < tokens.size() && tokens.get(i + 1).isWord("uescape")
                    && tokens.get(i + 2).type() == TokenType.STRING && tokens.get(i + 2).form() == StringForm.STANDARD) {
                String chosen = tokens.get(i + 2).value();
                if (chosen.length() != 1 || "0123456789abcdefABCDEF+'\" \t\n\r".indexOf(chosen.charAt(0)) >= 0) {
                    throw new LexException("invalid Unicode escape character at offset " + tokens.get(i + 2).start());
                }
                escape = chosen.charAt(0);
                end = tokens.get(i + 2).end();
                i += 2;
            }
            String decoded = decodeUnicodeEscapes(token.value(), escape, token.start());
            if (token.type() == TokenType.QUOTED_IDENTIFIER) {
                decoded = truncateIdentifier(decoded);
            }
            result.add(token.withValue(decoded, end, token.text()));
        }
        return result;
    }

    /** Decodes {@code \XXXX} and {@code \+XXXXXX} escapes (with the given escape character). */
    static String decodeUnicodeEscapes(String raw, char escape, int offset) {
        if (raw.indexOf(escape) < 0) {
            return raw;
        }
        StringBuilder value = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != escape) {
                value.append(c);
                continue;
            }
            if (i + 1 < raw.length() && raw.charAt(i + 1) == escape) {
                value.append(escape);
                i++;
            } else if (i + 5 <= raw.length() && allHex(raw, i + 1, i + 5)) {
                appendCodePoint(value, Integer.parseInt(raw.substring(i + 1, i + 5), 16), offset);
                i += 4;
            } else if (i + 8 <= raw.length() && raw.charAt(i + 1) == '+' && allHex(raw, i + 2, i + 8)) {
                appendCodePoint(value, Integer.parseInt(raw.substring(i + 2, i + 8), 16), offset);
                i += 7;
            } else {
                throw new LexException("invalid Unicode escape at offset " + offset);
            }
        }
        return value.toString();
    }

    private static void appendCodePoint(StringBuilder value, int codePoint, int offset) {
        if (codePoint == 0 || !Character.isValidCodePoint(codePoint)) {
            throw new LexException("invalid Unicode escape value at offset " + offset);
        }
        // Surrogate halves written as two escapes combine in the Java string as they do in the server.
        value.appendCodePoint(codePoint);
    }

    /** Truncates to 63 UTF-8 bytes without splitting a character, as the server truncates names. */
    static String truncateIdentifier(String name) {
        if (name.length() <= MAX_IDENTIFIER_BYTES / 4) {
            return name;
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_IDENTIFIER_BYTES) {
            return name;
        }
        int bytesSoFar = 0;
        int index = 0;
        while (index < name.length()) {
            int codePoint = name.codePointAt(index);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytesSoFar + size > MAX_IDENTIFIER_BYTES) {
                break;
            }
            bytesSoFar += size;
            index += Character.charCount(codePoint);
        }
        return name.substring(0, index);
    }

    /** PostgreSQL folds only ASCII letters of unquoted identifiers when the encoding is UTF8. */
    static String asciiLowerCase(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = text.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return text;
    }

    private static boolean allHex(String text, int from, int to) {
        if (to > text.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isHexDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private char peek(int ahead) {
        return peekAt(position + ahead);
    }

    private char peekAt(int index) {
        return index < sql.length() ? sql.charAt(index) : '\0';
    }

    /** The server's whitespace: space, tab, newline, carriage return, form feed, vertical tab. Not NBSP. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** Letters, underscore and every non-ASCII character, as in the server's {@code ident_start}. */
    static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Stops lexing; the message says where and why. */
    private static final class LexException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LexException(String message) {
            super(message, null, false, false);
        }
    }
}
