package dev.bulwark.policy;

import dev.bulwark.policy.SqlLexer.Token;
import dev.bulwark.policy.SqlLexer.TokenType;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A statement rewritten from its tokens into the plainest text with the same meaning, for jsqlparser:
 * comments gone, every literal a plain {@code '...'} string (so jsqlparser never meets E'', U&amp;'',
 * dollar quotes or backslash escapes it might read differently), every identifier either as written or
 * {@code "quoted"} with its decoded name, numbers in decimal. A few PostgreSQL forms jsqlparser does not
 * know and that do not change what a statement touches are dropped or simplified: {@code ONLY},
 * {@code COLLATE x}, {@code OPERATOR(pg_catalog.op)}, {@code WHERE CURRENT OF cursor}.
 *
 * <p>Anything that cannot be rewritten faithfully (a character the server would reject, an operator that
 * is not built in and so may call any function) is reported as a problem instead.
 *
 * @param text the rewritten statement
 * @param problem why the statement cannot be handed to the parser, if it cannot
 */
record Canonical(String text, Optional<String> problem) {

    /** Words after which {@code ONLY} introduces a table name. */
    private static final Set<String> BEFORE_ONLY = Set.of("from", "join", "update", "into", "table", "using", "lock",
            "exists");
    /** SELECT ... INTO [TEMP | TEMPORARY | UNLOGGED] [TABLE] name: jsqlparser reads only INTO name. */
    private static final Set<String> SELECT_INTO_MODIFIERS = Set.of("temp", "temporary", "unlogged", "table");

    Canonical {
        requireNonNull(text, "text is null");
        requireNonNull(problem, "problem is null");
    }

    static Canonical of(List<Token> tokens, FunctionCatalog catalog) {
        StringBuilder out = new StringBuilder();
        Operands operands = new Operands();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            Token previous = i > 0 ? tokens.get(i - 1) : null;
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            boolean space = token.spaceBefore();
            operands.before(token, out);
            switch (token.type()) {
                case WORD -> {
                    if (token.value().equals("only") && previous != null
                            && (previous.type() == TokenType.WORD && BEFORE_ONLY.contains(previous.value())
                            || previous.is(TokenType.PUNCTUATION, ","))
                            && next != null && (next.isName() || next.is(TokenType.PUNCTUATION, "("))) {
                        continue;
                    }
                    if (SELECT_INTO_MODIFIERS.contains(token.value()) && previous != null && next != null
                            && next.isName() && isSelectInto(tokens, i)) {
                        continue;
                    }
                    if (token.value().equals("collate") && next != null && next.isName()) {
                        i = skipQualifiedName(tokens, i + 1);
                        continue;
                    }
                    if (token.value().equals("operator") && next != null && next.is(TokenType.PUNCTUATION, "(")) {
                        int close = i + 2;
                        while (close < tokens.size() && !tokens.get(close).is(TokenType.PUNCTUATION, ")")) {
                            close++;
                        }
                        if (close >= tokens.size() || close == i + 2
                                || tokens.get(close - 1).type() != TokenType.OPERATOR) {
                            return problem("OPERATOR(...) that is not a plain operator name");
                        }
                        Token operator = tokens.get(close - 1);
                        List<Token> schema = tokens.subList(i + 2, close - 1);
                        boolean builtInSchema = schema.isEmpty() || schema.size() == 2
                                && schema.get(0).isNamed("pg_catalog") && schema.get(1).is(TokenType.PUNCTUATION, ".");
                        if (!builtInSchema || !catalog.isBuiltInOperator(operator.value())) {
                            return problem("operator " + operator.text() + " is not a built-in operator");
                        }
                        appendSeparated(out, space, operator.value());
                        i = close;
                        continue;
                    }
                    if (token.value().equals("current") && next != null && next.isWord("of")
                            && previous != null && previous.isWord("where")) {
                        // WHERE CURRENT OF c updates the cursor's row: a real filter, which jsqlparser cannot read.
                        appendSeparated(out, space, "ctid = 'current-of'");
                        i = skipQualifiedName(tokens, i + 2);
                        continue;
                    }
                    appendSeparated(out, space, isAscii(token.text()) ? token.text() : quote(token.value()));
                }
                case QUOTED_IDENTIFIER -> appendSeparated(out, space, quote(token.value()));
                case STRING -> {
                    if (token.form() == SqlLexer.StringForm.BIT || token.form() == SqlLexer.StringForm.HEX) {
                        appendSeparated(out, space, token.text());
                    } else if (token.value().indexOf('\0') >= 0) {
                        return problem("a literal holds a NUL character");
                    } else {
                        appendSeparated(out, space, "'" + token.value().replace("'", "''") + "'");
                    }
                }
                case NUMBER -> appendSeparated(out, space, token.value());
                case PARAMETER, PUNCTUATION -> appendSeparated(out, space, token.text());
                case OPERATOR -> {
                    if (!catalog.isBuiltInOperator(token.value())) {
                        return problem("operator " + token.text() + " is not a built-in operator");
                    }
                    appendSeparated(out, space, token.value());
                }
                case SEMICOLON -> {
                    return problem("a semicolon inside the statement");
                }
                case OTHER -> {
                    return problem("\"" + token.text() + "\" is not valid here");
                }
            }
        }
        return new Canonical(out.toString(), Optional.empty());
    }

    /**
     * Words after which a new boolean-level operand starts. IS binds more loosely than these do not.
     */
    private static final Set<String> OPERAND_BOUNDARIES = Set.of("select", "where", "and", "or", "not", "when",
            "then", "else", "case", "on", "having", "by", "set", "returning", "using", "values", "distinct", "from",
            "as", "into", "limit", "offset", "filter", "check", "default");
    /** Words that compare, like operators: an IS after them applies to the whole comparison. */
    private static final Set<String> COMPARING_WORDS = Set.of("like", "ilike", "similar", "between", "in", "exists",
            "operator");

    /**
     * PostgreSQL's IS (IS TRUE, IS NULL, IS DISTINCT FROM ...) binds more loosely than comparisons:
     * {@code a > 0 IS TRUE} is {@code (a > 0) IS TRUE}. jsqlparser gives IS a tighter binding and then
     * cannot read the text at all, so the operand before such an IS is put in parentheses, which is what
     * the server reads anyway. Tracks, per parenthesis depth, where the current operand began and whether
     * a comparison has been seen in it since.
     */
    private static final class Operands {
        private int[] starts = new int[8];
        private boolean[] comparing = new boolean[8];
        private boolean[] pending = new boolean[8];
        private int depth;

        Operands() {
            pending[0] = true;
        }

        /** Called with each token before its text is appended to {@code out}. */
        void before(Token token, StringBuilder out) {
            if (pending[depth]) {
                starts[depth] = out.length();
                comparing[depth] = false;
                pending[depth] = false;
            }
            if (token.isWord("is") && comparing[depth]) {
                int start = starts[depth];
                if (start < out.length() && out.charAt(start) == ' ') {
                    start++;
                }
                out.insert(start, '(');
                out.append(')');
                comparing[depth] = false;
            }
            if (token.is(TokenType.PUNCTUATION, "(") || token.is(TokenType.PUNCTUATION, "[")) {
                depth++;
                if (depth == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, depth * 2);
                    comparing = java.util.Arrays.copyOf(comparing, depth * 2);
                    pending = java.util.Arrays.copyOf(pending, depth * 2);
                }
                pending[depth] = true;
            } else if (token.is(TokenType.PUNCTUATION, ")") || token.is(TokenType.PUNCTUATION, "]")) {
                depth = Math.max(0, depth - 1);
            } else if (token.is(TokenType.PUNCTUATION, ",")
                    || token.type() == TokenType.WORD && OPERAND_BOUNDARIES.contains(token.value())) {
                pending[depth] = true;
            } else if (token.type() == TokenType.OPERATOR
                    || token.type() == TokenType.WORD && COMPARING_WORDS.contains(token.value())) {
                comparing[depth] = true;
            }
        }
    }

    /**
     * Whether the word at {@code index} follows the INTO of a SELECT ... INTO (possibly after other
     * modifiers): not INSERT INTO or MERGE INTO, where {@code temp} would be a table's name.
     */
    private static boolean isSelectInto(List<Token> tokens, int index) {
        int at = index - 1;
        while (at >= 0 && tokens.get(at).type() == TokenType.WORD && SELECT_INTO_MODIFIERS.contains(tokens.get(at).value())) {
            at--;
        }
        return at >= 1 && tokens.get(at).isWord("into") && !tokens.get(at - 1).isWord("insert")
                && !tokens.get(at - 1).isWord("merge");
    }

    private static Canonical problem(String reason) {
        return new Canonical("", Optional.of(reason));
    }

    /** Returns the index of the last token of the (possibly qualified) name starting at {@code start}. */
    private static int skipQualifiedName(List<Token> tokens, int start) {
        int index = start;
        while (index + 2 < tokens.size() && tokens.get(index + 1).is(TokenType.PUNCTUATION, ".")
                && tokens.get(index + 2).isName()) {
            index += 2;
        }
        return Math.min(index, tokens.size() - 1);
    }

    private static void appendSeparated(StringBuilder out, boolean space, String text) {
        if (!out.isEmpty() && (space || needsSpace(out.charAt(out.length() - 1), text.charAt(0)))) {
            out.append(' ');
        }
        out.append(text);
    }

    /** After a rewrite two tokens that were adjacent may run together (a word and a quoted name do not). */
    private static boolean needsSpace(char last, char first) {
        return SqlLexer.isIdentifierPart(last) && SqlLexer.isIdentifierPart(first)
                || last == '\'' && first == '\''
                || isOperatorChar(last) && isOperatorChar(first);
    }

    private static boolean isOperatorChar(char c) {
        return "~!@#^&|`?+-*/%<>=".indexOf(c) >= 0;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
