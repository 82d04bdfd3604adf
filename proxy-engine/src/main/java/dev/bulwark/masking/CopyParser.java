package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A tiny SQL tokenizer and recursive reader for COPY. */
final class CopyParser {

    private enum Kind { WORD, QUOTED_IDENTIFIER, STRING, SYMBOL, NUMBER, END }

    private record Token(Kind kind, String text, int start, int end) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean symbol(char c) {
            return kind == Kind.SYMBOL && text.charAt(0) == c;
        }
    }

    private final String sql;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    CopyParser(String sql) {
        this.sql = sql;
        tokenize();
    }

    CopyCommand parse() {
        if (!peek().is("copy")) {
            return new CopyCommand.NotCopyOut();
        }
        next++;
        boolean binary = false;
        if (peek().is("binary")) {
            binary = true;
            next++;
        }
        String query = null;
        TableName table = null;
        String sqlName = null;
        List<String> columns = List.of();
        if (peek().symbol('(')) {
            Token open = take();
            int depth = 1;
            Token token = open;
            while (depth > 0) {
                token = take();
                if (token.kind() == Kind.END) {
                    throw new IllegalArgumentException("COPY query is not closed");
                }
                if (token.symbol('(')) {
                    depth++;
                } else if (token.symbol(')')) {
                    depth--;
                }
            }
            query = sql.substring(open.end(), token.start()).trim();
        } else {
            Token first = take();
            int start = first.start();
            String name = identifier(first);
            String schema = "";
            if (peek().symbol('.')) {
                next++;
                schema = name;
                name = identifier(take());
                if (peek().symbol('.')) { // database.schema.table
                    next++;
                    schema = name;
                    name = identifier(take());
                }
            }
            sqlName = sql.substring(start, tokens.get(next - 1).end());
            table = new TableName(schema, name);
            if (peek().symbol('(')) {
                next++;
                columns = identifierList();
            }
        }
        if (peek().is("from")) {
            return new CopyCommand.NotCopyOut();
        }
        expectWord("to");
        if (!peek().is("stdout")) {
            return new CopyCommand.NotCopyOut(); // a file or PROGRAM: the data does not reach the client
        }
        next++;
        CopyOptions options = options(binary);
        if (peek().symbol(';')) {
            next++;
        }
        if (peek().kind() != Kind.END) {
            throw new IllegalArgumentException("unexpected text after the COPY options");
        }
        return query != null ? new CopyCommand.QueryCopy(query, options)
                : new CopyCommand.TableCopy(table, sqlName, columns, options);
    }

    private CopyOptions options(boolean binary) {
        Builder options = new Builder();
        if (binary) {
            options.format = CopyOptions.Format.BINARY;
        }
        if (peek().is("using") || peek().is("delimiters")) { // [USING] DELIMITERS 'x'
            if (peek().is("using")) {
                next++;
            }
            expectWord("delimiters");
            options.delimiter = character(string(take()), "DELIMITERS");
        }
        if (peek().is("with")) {
            next++;
        }
        if (peek().symbol('(')) {
            next++;
            while (true) {
                Token name = take();
                if (name.kind() != Kind.WORD) {
                    throw new IllegalArgumentException("expected a COPY option name");
                }
                newOption(options, name.text().toLowerCase(Locale.ROOT));
                if (peek().symbol(',')) {
                    next++;
                    continue;
                }
                if (!take().symbol(')')) {
                    throw new IllegalArgumentException("expected ',' or ')' in the COPY options");
                }
                break;
            }
        } else {
            legacyOptions(options);
        }
        return options.build();
    }

    private void newOption(Builder options, String name) {
        switch (name) {
            case "format" -> {
                String format = take().text().toLowerCase(Locale.ROOT);
                options.format = switch (format) {
                    case "text" -> CopyOptions.Format.TEXT;
                    case "csv" -> CopyOptions.Format.CSV;
                    case "binary" -> CopyOptions.Format.BINARY;
                    default -> throw new IllegalArgumentException("unknown COPY format " + format);
                };
            }
            case "delimiter" -> options.delimiter = character(string(take()), "DELIMITER");
            case "null" -> options.nullString = string(take());
            case "default" -> string(take());
            case "quote" -> options.quote = character(string(take()), "QUOTE");
            case "escape" -> options.escape = character(string(take()), "ESCAPE");
            case "encoding" -> options.encoding = string(take());
            case "header" -> options.header = optionalBoolean(true);
            case "freeze", "oids" -> optionalBoolean(true);
            case "force_quote" -> {
                if (peek().symbol('*')) {
                    next++;
                    options.forceQuoteAll = true;
                } else {
                    expectSymbol('(');
                    options.forceQuote = identifierList();
                }
            }
            case "force_not_null", "force_null" -> {
                if (peek().symbol('*')) {
                    next++;
                } else {
                    expectSymbol('(');
                    identifierList();
                }
            }
            case "on_error", "log_verbosity" -> take();
            default -> throw new IllegalArgumentException("unknown COPY option " + name);
        }
    }

    private void legacyOptions(Builder options) {
        while (peek().kind() == Kind.WORD) {
            Token word = take();
            switch (word.text().toLowerCase(Locale.ROOT)) {
                case "binary" -> options.format = CopyOptions.Format.BINARY;
                case "oids" -> {
                }
                case "csv" -> options.format = CopyOptions.Format.CSV;
                case "header" -> options.header = true;
                case "delimiter" -> options.delimiter = character(string(skipAs()), "DELIMITER");
                case "null" -> options.nullString = string(skipAs());
                case "quote" -> options.quote = character(string(skipAs()), "QUOTE");
                case "escape" -> options.escape = character(string(skipAs()), "ESCAPE");
                case "encoding" -> options.encoding = string(skipAs());
                case "force" -> {
                    Token what = take();
                    if (what.is("quote")) {
                        if (peek().symbol('*')) {
                            next++;
                            options.forceQuoteAll = true;
                        } else {
                            options.forceQuote = bareIdentifierList();
                        }
                    } else if (what.is("not")) {
                        expectWord("null");
                        bareIdentifierList();
                    } else {
                        throw new IllegalArgumentException("unknown COPY option FORCE " + what.text());
                    }
                }
                default -> throw new IllegalArgumentException("unknown COPY option " + word.text());
            }
        }
    }

    private Token skipAs() {
        if (peek().is("as")) {
            next++;
        }
        return take();
    }

    private boolean optionalBoolean(boolean absent) {
        Token token = peek();
        if (token.kind() == Kind.WORD || token.kind() == Kind.NUMBER || token.kind() == Kind.STRING) {
            String value = token.text().toLowerCase(Locale.ROOT);
            switch (value) {
                case "true", "on", "1" -> {
                    next++;
                    return true;
                }
                case "false", "off", "0" -> {
                    next++;
                    return false;
                }
                case "match" -> {
                    next++;
                    return true;
                }
                default -> {
                    return absent;
                }
            }
        }
        return absent;
    }

    /** ( a, "B", c ) after the opening parenthesis was taken. */
    private List<String> identifierList() {
        List<String> names = new ArrayList<>();
        while (true) {
            names.add(identifier(take()));
            Token separator = take();
            if (separator.symbol(')')) {
                return names;
            }
            if (!separator.symbol(',')) {
                throw new IllegalArgumentException("expected ',' or ')' in a column list");
            }
        }
    }

    /** a, b, c without parentheses (old FORCE QUOTE syntax). */
    private List<String> bareIdentifierList() {
        List<String> names = new ArrayList<>();
        names.add(identifier(take()));
        while (peek().symbol(',')) {
            next++;
            names.add(identifier(take()));
        }
        return names;
    }

    private static String identifier(Token token) {
        return switch (token.kind()) {
            case WORD -> token.text().toLowerCase(Locale.ROOT); // unquoted names fold to lower case
            case QUOTED_IDENTIFIER -> token.text();
            default -> throw new IllegalArgumentException("expected a name");
        };
    }

    private static String string(Token token) {
        if (token.kind() != Kind.STRING) {
            throw new IllegalArgumentException("expected a string literal");
        }
        return token.text();
    }

    private static char character(String value, String option) {
        if (value.length() != 1 || value.charAt(0) > 127) {
            throw new IllegalArgumentException("COPY " + option + " must be a single one-byte character");
        }
        return value.charAt(0);
    }

    private void expectWord(String word) {
        if (!take().is(word)) {
            throw new IllegalArgumentException("expected " + word.toUpperCase(Locale.ROOT));
        }
    }

    private void expectSymbol(char symbol) {
        if (!take().symbol(symbol)) {
            throw new IllegalArgumentException("expected '" + symbol + "'");
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token token = tokens.get(next);
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    private void tokenize() {
        int i = 0;
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                i = skipBlockComment(i);
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= length) {
                        throw new IllegalArgumentException("unterminated quoted identifier");
                    }
                    if (sql.charAt(j) == '"') {
                        if (j + 1 < length && sql.charAt(j + 1) == '"') {
                            text.append('"');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.append(sql.charAt(j++));
                }
                tokens.add(new Token(Kind.QUOTED_IDENTIFIER, text.toString(), i, j + 1));
                i = j + 1;
            } else if (c == '\'' || (c == 'E' || c == 'e') && i + 1 < length && sql.charAt(i + 1) == '\'') {
                boolean escapes = c != '\'';
                int j = escapes ? i + 2 : i + 1;
                StringBuilder text = new StringBuilder();
                while (true) {
                    if (j >= length) {
                        throw new IllegalArgumentException("unterminated string literal");
                    }
                    char d = sql.charAt(j);
                    if (d == '\'') {
                        if (j + 1 < length && sql.charAt(j + 1) == '\'') {
                            text.append('\'');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if (escapes && d == '\\' && j + 1 < length) {
                        j = unescape(text, j + 1);
                        continue;
                    }
                    text.append(d);
                    j++;
                }
                tokens.add(new Token(Kind.STRING, text.toString(), i, j + 1));
                i = j + 1;
            } else if (c == '$' && dollarTagEnd(i) > 0) {
                int tagEnd = dollarTagEnd(i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated dollar-quoted string");
                }
                tokens.add(new Token(Kind.STRING, sql.substring(tagEnd, close), i, close + tag.length()));
                i = close + tag.length();
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < length && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$')) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(i, j), i, j));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < length && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(i, j), i, j));
                i = j;
            } else {
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        tokens.add(new Token(Kind.END, "", length, length));
    }

    private int skipBlockComment(int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated comment");
    }

    /** The end of a $tag$ opening at i, or -1. */
    private int dollarTagEnd(int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(sql.charAt(j))) {
                return -1; // $1 is a parameter
            }
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
    }

    /** One escape of an E'' string starting after the backslash; returns the next index. */
    private int unescape(StringBuilder out, int i) {
        char c = sql.charAt(i);
        switch (c) {
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'x' -> {
                int j = i + 1;
                while (j < sql.length() && j < i + 3 && Character.digit(sql.charAt(j), 16) >= 0) {
                    j++;
                }
                if (j == i + 1) {
                    out.append('x');
                    return i + 1;
                }
                out.append((char) Integer.parseInt(sql.substring(i + 1, j), 16));
                return j;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int j = i;
                    while (j < sql.length() && j < i + 3 && sql.charAt(j) >= '0' && sql.charAt(j) <= '7') {
                        j++;
                    }
                    out.append((char) Integer.parseInt(sql.substring(i, j), 8));
                    return j;
                }
                out.append(c);
            }
        }
        return i + 1;
    }

    /** Option values as they are read; defaults depend on the format, so applied at the end. */
    private static final class Builder {
        CopyOptions.Format format = CopyOptions.Format.TEXT;
        Character delimiter;
        String nullString;
        Character quote;
        Character escape;
        boolean header;
        boolean forceQuoteAll;
        List<String> forceQuote = List.of();
        String encoding = "";

        CopyOptions build() {
            CopyOptions defaults = format == CopyOptions.Format.CSV ? CopyOptions.CSV_DEFAULTS : CopyOptions.TEXT_DEFAULTS;
            char quoteChar = quote != null ? quote : defaults.quote();
            return new CopyOptions(format,
                    delimiter != null ? delimiter : defaults.delimiter(),
                    nullString != null ? nullString : defaults.nullString(),
                    quoteChar,
                    escape != null ? escape : quoteChar,
                    header, forceQuoteAll, forceQuote, encoding);
        }
    }
}
