package dev.bulwark.policy;

import dev.bulwark.policy.SqlLexer.StringForm;
import dev.bulwark.policy.SqlLexer.Token;
import dev.bulwark.policy.SqlLexer.TokenType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SqlLexerTest {

    private static List<Token> tokens(String sql) {
        SqlLexer.Result result = SqlLexer.lex(sql);
        assertTrue(result.error().isEmpty(), () -> "unexpected error: " + result.error().get());
        return result.tokens();
    }

    private static List<String> values(String sql) {
        return tokens(sql).stream().map(Token::value).toList();
    }

    private static Token single(String sql) {
        List<Token> tokens = tokens(sql);
        assertEquals(1, tokens.size(), () -> "tokens: " + tokens);
        return tokens.get(0);
    }

    /** A name's value is what the server compares: folded unquoted, decoded quoted; keywords only unquoted. */
    @ParameterizedTest
    @ValueSource(strings = {"analyze", "ANALYZE", "AnAlYzE", "\"analyze\"", "U&\"an\\0061lyze\"",
            "U&\"an!0061lyze\" UESCAPE '!'", "u&\"\\+000061nalyze\""})
    void namesCompareByTheirValue(String spelling) {
        Token token = SqlLexer.lex(spelling).tokens().get(0);
        assertTrue(token.isNamed("analyze"), spelling);
        assertEquals(token.type() == TokenType.WORD, token.isWord("analyze"), spelling);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"ANALYZE\"", "\"Analyze\"", "'analyze'", "U&\"AN\\0041LYZE\"", "\"analyze \""})
    void quotedNamesKeepTheirCase(String spelling) {
        assertFalse(SqlLexer.lex(spelling).tokens().get(0).isNamed("analyze"), spelling);
    }

    @Test
    void lineCommentsRunToEndOfLine() {
        assertEquals(List.of("select", "1", "2"), values("SELECT 1 -- DROP TABLE t\n2"));
        assertEquals(List.of("select", "1"), values("SELECT 1 -- no newline at the end"));
        assertEquals(List.of("a", "b"), values("a--x\rb"));
    }

    @Test
    void blockCommentsNest() {
        assertEquals(List.of("select", "1"), values("SELECT /* a /* b */ DROP TABLE t; */ 1"));
        assertEquals(List.of("select", "1"), values("SELECT/**/1"));
        assertEquals(List.of("a", "b"), values("a/* /* /* */ */ */b"));
    }

    @Test
    void commentsMarkTheGapBetweenTokens() {
        List<Token> tokens = tokens("DROP/**/TABLE t");
        assertTrue(tokens.get(1).spaceBefore(), "a comment separates tokens like whitespace");
        assertFalse(tokens("a.b").get(1).spaceBefore());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT /* open", "SELECT /* /* */", "SELECT 'open", "SELECT E'open\\'",
            "SELECT \"open", "SELECT $$open", "SELECT $tag$ open $tga$", "SELECT U&'\\00'", "SELECT U&\"\\zzzz\"",
            "SELECT 1e", "SELECT 0x", "SELECT 12abc", "SELECT E'\\u12'"})
    void unterminatedOrInvalidInputIsAnErrorNotAnException(String sql) {
        SqlLexer.Result result = SqlLexer.lex(sql);
        assertTrue(result.error().isPresent(), () -> "expected an error for " + sql + ", got " + result.tokens());
    }

    @Test
    void standardStringsDoubleTheirQuotes() {
        Token token = single("'it''s'");
        assertEquals(TokenType.STRING, token.type());
        assertEquals(StringForm.STANDARD, token.form());
        assertEquals("it's", token.value());
        assertEquals("a;b", single("'a;b'").value());
    }

    @Test
    void standardStringsKeepBackslashesButReportThem() {
        SqlLexer.Result result = SqlLexer.lex("SELECT 'a\\'");
        assertTrue(result.error().isEmpty());
        assertEquals("a\\", result.tokens().get(1).value());
        assertTrue(result.backslashInPlainString());
        assertFalse(SqlLexer.lex("SELECT E'a\\\\'").backslashInPlainString(), "E'' strings are not ambiguous");
    }

    @Test
    void withStandardConformingStringsOffBackslashesEscape() {
        SqlLexer.Result on = SqlLexer.lex("SELECT 'x\\''; DROP TABLE t; --'", true);
        SqlLexer.Result off = SqlLexer.lex("SELECT 'x\\''; DROP TABLE t; --'", false);
        assertEquals(2, on.tokens().size(), "on: one literal running to the last quote");
        assertTrue(off.tokens().stream().anyMatch(token -> token.isWord("drop")), "off: the literal ends early");
    }

    @Test
    void escapeStringsDecodeEveryEscape() {
        assertEquals("'", single("E'\\''").value());
        assertEquals("a\nb\tc\\d", single("e'a\\nb\\tc\\\\d'").value());
        assertEquals("A", single("E'\\101'").value());
        assertEquals("'", single("E'\\x27'").value());
        assertEquals("é", single("E'\\u00e9'").value());
        assertEquals("😀", single("E'\\U0001F600'").value());
        assertEquals("q", single("E'\\q'").value());
        assertEquals(StringForm.ESCAPE, single("E'x'").form());
    }

    @Test
    void unicodeStringsAndIdentifiersDecode() {
        assertEquals("data", single("U&'d\\0061t\\+000061'").value());
        Token identifier = single("U&\"\\0063ustomers\"");
        assertEquals(TokenType.QUOTED_IDENTIFIER, identifier.type());
        assertEquals("customers", identifier.value());
        assertEquals("a\\b", single("U&'a\\\\b'").value());
    }

    @Test
    void uescapeChangesTheEscapeCharacterAndIsConsumed() {
        List<Token> tokens = tokens("SELECT U&'d!0061ta' UESCAPE '!', 1");
        assertEquals(List.of("select", "data", ",", "1"), tokens.stream().map(Token::value).toList());
        assertEquals("data", single("U&\"d!0061ta\" UESCAPE '!'").value());
        assertTrue(SqlLexer.lex("SELECT U&'x' UESCAPE '+'").error().isPresent(), "+ cannot be the escape");
    }

    @Test
    void bitHexAndNationalStrings() {
        assertEquals(StringForm.BIT, single("B'1010'").form());
        assertEquals(StringForm.HEX, single("x'ff'").form());
        Token national = single("N'abc'");
        assertEquals(StringForm.NATIONAL, national.form());
        assertEquals("abc", national.value());
    }

    @Test
    void dollarQuotesWithAndWithoutTags() {
        Token plain = single("$$;DROP TABLE t; 'x'$$");
        assertEquals(StringForm.DOLLAR, plain.form());
        assertEquals(";DROP TABLE t; 'x'", plain.value());
        assertEquals(" $$ nested ", single("$a$ $$ nested $a$").value());
        assertEquals("body", single("$Tag_1$body$Tag_1$").value());
        assertTrue(SqlLexer.lex("$a$ x $A$").error().isPresent(), "tags are case-sensitive");
    }

    @Test
    void dollarDigitsAreParametersAndDollarsInsideIdentifiersAreLetters() {
        List<Token> tokens = tokens("SELECT $1, a$b, $12");
        assertEquals(TokenType.PARAMETER, tokens.get(1).type());
        assertEquals("$1", tokens.get(1).text());
        assertEquals(TokenType.WORD, tokens.get(3).type());
        assertEquals("a$b", tokens.get(3).value());
        assertEquals("$12", tokens.get(5).text());
    }

    @Test
    void quotedIdentifiersDoubleTheirQuotesAndKeepCase() {
        Token token = single("\"a\"\"B\"");
        assertEquals(TokenType.QUOTED_IDENTIFIER, token.type());
        assertEquals("a\"B", token.value());
    }

    @Test
    void unquotedIdentifiersFoldOnlyAsciiLetters() {
        assertEquals("customers", single("CUSTOMERS").value());
        assertEquals("straße", single("STRAßE").value());
        assertEquals("Émile", single("Émile").value(), "non-ASCII letters are not folded, as in the server");
    }

    @Test
    void identifiersTruncateTo63BytesAsTheServerDoes() {
        String sixtyThree = "a".repeat(63);
        assertEquals(sixtyThree, single(sixtyThree + "zzz").value());
        assertEquals(sixtyThree, single("\"" + sixtyThree + "zzz\"").value());
        String multiByte = "é".repeat(40);
        assertEquals("é".repeat(31), single("\"" + multiByte + "\"").value(), "31 two-byte characters fit in 63 bytes");
    }

    @Test
    void nonBreakingSpaceIsPartOfAnIdentifierNotWhitespace() {
        List<Token> tokens = tokens("DROP\u00a0TABLE t");
        assertEquals(2, tokens.size());
        assertEquals("drop\u00a0table", tokens.get(0).value());
    }

    @Test
    void numbersInEveryForm() {
        assertEquals("31", single("0x1F").value());
        assertEquals("15", single("0o17").value());
        assertEquals("5", single("0b101").value());
        assertEquals("1000000", single("1_000_000").value());
        assertEquals(".5", single(".5").value());
        assertEquals("1.5e10", single("1.5e10").value());
        assertEquals(List.of("1", "..", "2"), values("1..2"));
    }

    @Test
    void operatorsFollowTheServersTrailingPlusMinusRule() {
        assertEquals(List.of("a", "+", "-", "1"), values("a+-1"), "+- is cut to + and -");
        assertEquals(List.of("a", "@-", "1"), values("a@-1"), "@ lets an operator end in -");
        assertEquals("<>", single("!=").value(), "!= is <>");
        assertEquals(List.of("a", "=", "b"), values("a=--comment\nb"));
        assertEquals(List.of("a", "*", "b"), values("a*/*c*/b"));
        assertEquals(TokenType.PUNCTUATION, single("=>").type());
        assertEquals("::", single("::").value());
    }

    @Test
    void otherCharactersAreReportedAsSuch() {
        assertEquals(TokenType.OTHER, single("{").type());
        assertEquals(TokenType.OTHER, single("\\").type());
        assertEquals(TokenType.OTHER, single("$").type());
    }

    @Test
    void semicolonsInsideLiteralsAndCommentsAreNotTokens() {
        List<Token> tokens = tokens("SELECT ';', \";\", $$;$$, E'\\;' /* ; */ -- ;\n;");
        assertEquals(1, tokens.stream().filter(token -> token.type() == TokenType.SEMICOLON).count());
    }

    @Test
    void offsetsPointIntoTheSource() {
        String sql = "  SELECT  'x'";
        Token literal = tokens(sql).get(1);
        assertEquals("'x'", sql.substring(literal.start(), literal.end()));
    }

    @Test
    void randomInputNeverThrows() {
        Random random = new Random(20261121);
        String alphabet = "sS eE uU&'\"$;-/*()[]:.,=<>!~@#%^|`?+{}\\\n\t0123456789abcxyzé\u00a0\u0000";
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                sql.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertNotNull(SqlLexer.lex(sql.toString(), random.nextBoolean()));
        }
    }
}
