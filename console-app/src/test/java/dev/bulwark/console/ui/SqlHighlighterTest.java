package dev.bulwark.console.ui;

import dev.bulwark.console.ui.SqlHighlighter.Kind;
import dev.bulwark.console.ui.SqlHighlighter.Token;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlHighlighterTest {

    private static String kinds(String sql) {
        return SqlHighlighter.tokenize(sql).stream()
                .filter(token -> token.kind() != Kind.PLAIN)
                .map(token -> token.kind().name().charAt(0) + ":" + token.text())
                .collect(Collectors.joining(" "));
    }

    @Test
    void keywordsStringsNumbersAndParameters() {
        assertEquals("K:select I:id I:email K:from I:customers K:where I:id O:= P:$1 K:and I:city O:= S:'Lyon' "
                + "K:limit N:10", kinds("select id, email from customers where id = $1 and city = 'Lyon' limit 10"));
    }

    @Test
    void commentsNestAndRunToTheEndOfTheLine() {
        assertEquals("C:/* a /* nested */ comment */ K:SELECT N:1 C:-- trailing", kinds("/* a /* nested */ comment */ SELECT 1 -- trailing"));
    }

    @Test
    void quotingOfEveryKind() {
        assertEquals("K:SELECT S:'it''s' S:E'a\\'b' S:$$ body; 'x' $$ S:$fn$ x $fn$ Q:\"Mixed Case\"",
                kinds("SELECT 'it''s', E'a\\'b', $$ body; 'x' $$, $fn$ x $fn$, \"Mixed Case\""));
    }

    @Test
    void numbersInNamesAreNames() {
        assertEquals("K:SELECT I:col1 I:t2 I:x N:1.5e-3 N:.5", kinds("SELECT col1, t2.x, 1.5e-3, .5"));
    }

    @Test
    void unterminatedTextIsHighlightedToTheEnd() {
        assertEquals("K:SELECT S:'oops", kinds("SELECT 'oops"));
        assertEquals("C:/* never closed", kinds("/* never closed"));
    }

    @Test
    void tokensJoinBackToTheInput() {
        String sql = "WITH d AS (DELETE FROM t RETURNING *)\n SELECT count(*)::int FROM d; -- ✓ done\r\n";
        List<Token> tokens = SqlHighlighter.tokenize(sql);
        assertEquals(sql, tokens.stream().map(Token::text).collect(Collectors.joining()));
    }
}
