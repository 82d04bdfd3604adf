package dev.bulwark.console.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Splits PostgreSQL text into tokens for highlighting: keywords, string literals (including
 * {@code E'...'} and dollar quoting), comments (line and nested block), numbers, quoted identifiers
 * and {@code $n} parameters. It never fails: whatever it does not recognise is plain text, and the
 * tokens always join back to the input exactly. Pure, so it is tested without the FX toolkit.
 */
public final class SqlHighlighter {
    /** What a token is; each maps to one style class. */
    public enum Kind {
        KEYWORD(Css.SQL_KEYWORD),
        STRING(Css.SQL_STRING),
        COMMENT(Css.SQL_COMMENT),
        NUMBER(Css.SQL_NUMBER),
        IDENTIFIER(Css.SQL_IDENTIFIER),
        QUOTED_IDENTIFIER(Css.SQL_QUOTED),
        PARAMETER(Css.SQL_PARAMETER),
        OPERATOR(Css.SQL_OPERATOR),
        PLAIN(Css.SQL_PLAIN);

        private final String styleClass;

        Kind(String styleClass) {
            this.styleClass = styleClass;
        }

        public String styleClass() {
            return styleClass;
        }
    }

    /** A run of text of one kind. */
    public record Token(Kind kind, String text) {
        public Token {
            requireNonNull(kind, "kind is null");
            requireNonNull(text, "text is null");
        }
    }

    private static final Set<String> KEYWORDS = Set.of(
            "ABORT", "ALL", "ALTER", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "BEGIN", "BETWEEN", "BY",
            "CASCADE", "CASE", "CAST", "CHECK", "CHECKPOINT", "CLOSE", "CLUSTER", "COLUMN", "COMMENT", "COMMIT",
            "CONCURRENTLY", "CONFLICT", "CONSTRAINT", "COPY", "CREATE", "CROSS", "CURRENT", "CURSOR", "DATABASE",
            "DEALLOCATE", "DECLARE", "DEFAULT", "DELETE", "DESC", "DISCARD", "DISTINCT", "DO", "DROP", "ELSE",
            "END", "EXCEPT", "EXECUTE", "EXISTS", "EXPLAIN", "FALSE", "FETCH", "FILTER", "FOR", "FOREIGN", "FROM",
            "FULL", "FUNCTION", "GRANT", "GROUP", "HAVING", "IF", "ILIKE", "IN", "INDEX", "INNER", "INSERT",
            "INTERSECT", "INTO", "IS", "JOIN", "KEY", "LATERAL", "LEFT", "LIKE", "LIMIT", "LISTEN", "LOCK",
            "MATERIALIZED", "MERGE", "NATURAL", "NOT", "NOTHING", "NOTIFY", "NULL", "NULLS", "OFFSET", "ON",
            "ONLY", "OR", "ORDER", "OUTER", "OVER", "OWNED", "PARTITION", "PREPARE", "PRIMARY", "PROCEDURE",
            "REASSIGN", "RECURSIVE", "REFERENCES", "REFRESH", "REINDEX", "RELEASE", "RENAME", "REPLACE", "RESET",
            "RETURNING", "REVOKE", "RIGHT", "ROLE", "ROLLBACK", "ROW", "ROWS", "SAVEPOINT", "SCHEMA", "SELECT",
            "SEQUENCE", "SET", "SHOW", "SIMILAR", "SKIP", "LOCKED", "START", "STDIN", "STDOUT", "TABLE", "TEMP",
            "TEMPORARY", "THEN", "TO", "TRANSACTION", "TRIGGER", "TRUE", "TRUNCATE", "UNION", "UNIQUE", "UNLISTEN",
            "UPDATE", "USING", "VACUUM", "VALUES", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN", "WORK");

    private SqlHighlighter() {}

    /** Whether {@code word} is highlighted as a keyword (case-insensitive). */
    public static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toUpperCase(Locale.ROOT));
    }

    /** The tokens of {@code sql}; adjacent plain runs are merged, so the list stays short. */
    public static List<Token> tokenize(String sql) {
        requireNonNull(sql, "sql is null");
        List<Token> tokens = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int end;
            Kind kind;
            if (c == '-' && next(sql, i) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? length : end;
                kind = Kind.COMMENT;
            } else if (c == '/' && next(sql, i) == '*') {
                end = blockCommentEnd(sql, i);
                kind = Kind.COMMENT;
            } else if (c == '\'') {
                end = quotedEnd(sql, i, '\'', false);
                kind = Kind.STRING;
            } else if ((c == 'E' || c == 'e') && next(sql, i) == '\'' && !wordCharBefore(sql, i)) {
                end = quotedEnd(sql, i + 1, '\'', true);
                kind = Kind.STRING;
            } else if (c == '"') {
                end = quotedEnd(sql, i, '"', false);
                kind = Kind.QUOTED_IDENTIFIER;
            } else if (c == '$' && Character.isDigit(next(sql, i))) {
                end = i + 1;
                while (end < length && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                kind = Kind.PARAMETER;
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                end = close < 0 ? length : close + tag.length();
                kind = Kind.STRING;
            } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(next(sql, i)))) {
                if (wordCharBefore(sql, i)) {
                    end = wordEnd(sql, i);
                    kind = Kind.IDENTIFIER;
                } else {
                    end = numberEnd(sql, i);
                    kind = Kind.NUMBER;
                }
            } else if (Character.isLetter(c) || c == '_') {
                end = wordEnd(sql, i);
                kind = isKeyword(sql.substring(i, end)) ? Kind.KEYWORD : Kind.IDENTIFIER;
            } else if ("+-*/<>=~!@#%^&|`?:".indexOf(c) >= 0) {
                end = i + 1;
                kind = Kind.OPERATOR;
            } else {
                plain.append(c);
                i++;
                continue;
            }
            if (!plain.isEmpty()) {
                tokens.add(new Token(Kind.PLAIN, plain.toString()));
                plain.setLength(0);
            }
            tokens.add(new Token(kind, sql.substring(i, end)));
            i = end;
        }
        if (!plain.isEmpty()) {
            tokens.add(new Token(Kind.PLAIN, plain.toString()));
        }
        return tokens;
    }

    private static char next(String sql, int i) {
        return i + 1 < sql.length() ? sql.charAt(i + 1) : '\0';
    }

    private static boolean wordCharBefore(String sql, int i) {
        if (i == 0) {
            return false;
        }
        char before = sql.charAt(i - 1);
        return Character.isLetterOrDigit(before) || before == '_' || before == '$';
    }

    private static int wordEnd(String sql, int i) {
        int end = i;
        while (end < sql.length()) {
            char c = sql.charAt(end);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                break;
            }
            end++;
        }
        return end;
    }

    private static int numberEnd(String sql, int i) {
        int end = i;
        boolean exponent = false;
        while (end < sql.length()) {
            char c = sql.charAt(end);
            if (Character.isDigit(c) || c == '.' || c == '_') {
                end++;
            } else if ((c == 'e' || c == 'E') && !exponent) {
                exponent = true;
                end++;
                if (end < sql.length() && (sql.charAt(end) == '+' || sql.charAt(end) == '-')) {
                    end++;
                }
            } else {
                break;
            }
        }
        return end;
    }

    /** The end of a quoted run starting at {@code open}; a doubled quote continues it; unterminated runs to the end. */
    private static int quotedEnd(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** Block comments nest in PostgreSQL. */
    private static int blockCommentEnd(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length() - 1) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** The end of a {@code $tag$} opener at {@code i}, or -1 when there is none. */
    private static int dollarTagEnd(String sql, int i) {
        if (wordCharBefore(sql, i)) {
            return -1;
        }
        int j = i + 1;
        while (j < sql.length()) {
            char c = sql.charAt(j);
            if (c == '$') {
                return j + 1;
            }
            if (!(Character.isLetterOrDigit(c) || c == '_') || (j == i + 1 && Character.isDigit(c))) {
                return -1;
            }
            j++;
        }
        return -1;
    }
}
