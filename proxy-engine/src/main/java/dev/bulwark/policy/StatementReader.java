package dev.bulwark.policy;

import dev.bulwark.policy.SqlLexer.Token;
import dev.bulwark.policy.SqlLexer.TokenType;
import dev.bulwark.policy.StatementClassification.Prepared;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Turns a query text into statement classifications. It lexes the text (see {@link SqlLexer}), splits it
 * at the semicolons the server splits at, and reads each statement: the statements jsqlparser
 * understands go through {@link AstReader}; the rest (COPY, BEGIN, VACUUM, SET ... TO, DO, PREPARE ...)
 * are read here from their keywords. Whatever cannot be read is UNKNOWN. Thread-safe; never throws for
 * any input.
 */
final class StatementReader {

    /** PREPARE of EXPLAIN of ...: deeper nesting than this is not real SQL. */
    private static final int MAX_NESTING = 6;

    /** Object types of CREATE/ALTER/DROP/COMMENT, longest first so that a prefix never wins. */
    private static final List<List<String>> OBJECT_TYPES = objectTypes(
            "text search configuration", "text search dictionary", "text search parser", "text search template",
            "foreign data wrapper", "materialized view", "default privileges", "event trigger", "foreign table",
            "operator class", "operator family", "procedural language", "access method", "user mapping",
            "large object", "aggregate", "cast", "collation", "column", "constraint", "conversion", "database",
            "domain", "extension", "function", "group", "index", "language", "operator", "owned", "policy",
            "procedure", "publication", "role", "routine", "rule", "schema", "sequence", "server", "statistics",
            "subscription", "system", "table", "tablespace", "transform", "trigger", "type", "user", "view");

    /** CREATE object types whose creation evaluates no expression on existing data. */
    private static final Set<String> CREATE_WITHOUT_EVALUATION = Set.of(
            "schema", "database", "tablespace", "extension", "sequence", "collation", "type", "domain", "view",
            "rule", "trigger", "event trigger", "policy", "function", "procedure", "aggregate", "operator",
            "operator class", "operator family", "cast", "language", "procedural language", "conversion",
            "text search configuration", "text search dictionary", "text search parser", "text search template",
            "foreign data wrapper", "server", "user mapping", "publication", "subscription", "statistics",
            "access method", "transform", "table", "foreign table");

    /** Words that may precede the object type in CREATE. */
    private static final Set<String> CREATE_MODIFIERS = Set.of(
            "or", "replace", "temp", "temporary", "unlogged", "global", "local", "unique", "trusted", "recursive",
            "default", "constraint");

    private final FunctionCatalog catalog;
    private final AstReader ast;

    StatementReader(FunctionCatalog catalog, Duration parseBudget) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.ast = new AstReader(catalog, parseBudget);
    }

    /**
     * @param statements one per statement of the text
     * @param cacheable false when some parse ran out of time (the same text may read fine later)
     */
    record Reading(List<StatementClassification> statements, boolean cacheable) {
        Reading {
            statements = List.copyOf(statements);
        }
    }

    Reading read(String sql) {
        Context context = new Context(sql);
        SqlLexer.Result lexed = SqlLexer.lex(sql, true);
        if (lexed.error().isPresent()) {
            return new Reading(List.of(StatementClassification.unknown(sql.strip(), normalizeRaw(sql),
                    "cannot read the text: " + lexed.error().get())), true);
        }
        if (lexed.backslashInPlainString()) {
            SqlLexer.Result other = SqlLexer.lex(sql, false);
            if (other.error().isPresent() || !sameBoundaries(lexed.tokens(), other.tokens())) {
                return new Reading(List.of(StatementClassification.unknown(sql.strip(), normalizeRaw(sql),
                        "a backslash in a '...' literal makes the text read differently when"
                                + " standard_conforming_strings is off; write E'...' instead")), true);
            }
        }
        List<StatementClassification> statements = new ArrayList<>();
        for (List<Token> segment : split(lexed.tokens())) {
            statements.add(classify(segment, context, 0));
        }
        return new Reading(statements, context.cacheable);
    }

    /** Mutable state of one read. */
    private static final class Context {
        final String source;
        boolean cacheable = true;

        Context(String source) {
            this.source = source;
        }
    }

    // ---------------------------------------------------------------- splitting

    /**
     * Splits at top-level semicolons, as the server's grammar does. Inside {@code CREATE FUNCTION ...
     * BEGIN ATOMIC ... END} semicolons belong to the body, as psql also knows.
     */
    static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> segments = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int parentheses = 0;
        int atomicDepth = 0;
        for (Token token : tokens) {
            if (token.type() == TokenType.SEMICOLON && parentheses == 0 && atomicDepth == 0) {
                if (!current.isEmpty()) {
                    segments.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            current.add(token);
            if (token.is(TokenType.PUNCTUATION, "(") || token.is(TokenType.PUNCTUATION, "[")) {
                parentheses++;
            } else if (token.is(TokenType.PUNCTUATION, ")") || token.is(TokenType.PUNCTUATION, "]")) {
                parentheses = Math.max(0, parentheses - 1);
            } else if (token.type() == TokenType.WORD && isRoutineDefinition(current)) {
                if (atomicDepth == 0) {
                    if (token.value().equals("atomic") && current.size() >= 2
                            && current.get(current.size() - 2).isWord("begin")) {
                        atomicDepth = 1;
                    }
                } else if (token.value().equals("begin") || token.value().equals("case")) {
                    atomicDepth++;
                } else if (token.value().equals("end")) {
                    atomicDepth--;
                }
            }
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return segments;
    }

    private static boolean isRoutineDefinition(List<Token> statement) {
        if (statement.size() < 3 || !statement.get(0).isWord("create")) {
            return false;
        }
        int index = 1;
        if (statement.get(1).isWord("or") && statement.size() > 3 && statement.get(2).isWord("replace")) {
            index = 3;
        }
        return statement.get(index).isWord("function") || statement.get(index).isWord("procedure");
    }

    private static boolean sameBoundaries(List<Token> first, List<Token> second) {
        if (first.size() != second.size()) {
            return false;
        }
        for (int i = 0; i < first.size(); i++) {
            Token a = first.get(i);
            Token b = second.get(i);
            if (a.type() != b.type() || a.start() != b.start() || a.end() != b.end()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- one statement

    private StatementClassification classify(List<Token> tokens, Context context, int depth) {
        String text = context.source.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
        String normalized = normalize(tokens);
        Builder builder = new Builder();
        if (depth > MAX_NESTING) {
            builder.add(Operation.unknown("statements nest too deeply"));
            builder.uses(ColumnUses.untraced("statements nest too deeply"));
        } else {
            try {
                route(tokens, builder, context, depth);
            } catch (RuntimeException e) {
                // A bug in a reader must not let the statement through unread.
                builder.add(Operation.unknown("Bulwark could not read the statement (" + e.getClass().getSimpleName()
                        + ")"));
                builder.uses(ColumnUses.untraced("Bulwark could not read the statement"));
            }
        }
        return builder.build(text, normalized);
    }

    private void route(List<Token> tokens, Builder builder, Context context, int depth) {
        Token first = tokens.get(0);
        if (first.is(TokenType.PUNCTUATION, "(")) {
            readWithParser(tokens, builder, context, depth, Family.QUERY);
            return;
        }
        if (first.type() != TokenType.WORD) {
            builder.add(Operation.unknown("the statement does not start with a keyword"));
            return;
        }
        Cursor cursor = new Cursor(tokens);
        cursor.next();
        switch (first.value()) {
            case "select", "with", "values", "table" -> readWithParser(tokens, builder, context, depth, Family.QUERY);
            case "insert" -> readWithParser(tokens, builder, context, depth, Family.INSERT);
            case "update" -> readWithParser(tokens, builder, context, depth, Family.UPDATE);
            case "delete" -> readWithParser(tokens, builder, context, depth, Family.DELETE);
            case "merge" -> readWithParser(tokens, builder, context, depth, Family.MERGE);
            case "create" -> readCreate(tokens, cursor, builder, context, depth);
            case "alter" -> readAlter(tokens, cursor, builder, context, depth);
            case "drop" -> readDrop(cursor, builder);
            case "truncate" -> readTruncate(cursor, builder);
            case "grant", "revoke" -> readGrant(first.value(), cursor, builder);
            case "comment" -> readComment(cursor, builder);
            case "security" -> simple(cursor, builder, cursor.acceptWord("label") ? Verb.SECURITY_LABEL : null);
            case "import" -> simple(cursor, builder, cursor.acceptWord("foreign") ? Verb.CREATE : null);
            case "reassign" -> simple(cursor, builder, cursor.acceptWord("owned") ? Verb.REASSIGN_OWNED : null);
            case "refresh" -> readRefresh(cursor, builder);
            case "begin" -> simple(cursor, builder, Verb.BEGIN);
            case "start" -> simple(cursor, builder, cursor.acceptWord("transaction") ? Verb.BEGIN : null);
            case "commit" -> simple(cursor, builder, cursor.peekWord("prepared") ? Verb.COMMIT_PREPARED : Verb.COMMIT);
            case "end" -> simple(cursor, builder, Verb.COMMIT);
            case "rollback" -> simple(cursor, builder,
                    cursor.peekWord("prepared") ? Verb.ROLLBACK_PREPARED : Verb.ROLLBACK);
            case "abort" -> simple(cursor, builder, Verb.ROLLBACK);
            case "savepoint" -> simple(cursor, builder, Verb.SAVEPOINT);
            case "release" -> simple(cursor, builder, Verb.RELEASE_SAVEPOINT);
            case "set" -> readSet(cursor, builder);
            case "reset" -> readReset(cursor, builder);
            case "show" -> simple(cursor, builder, Verb.SHOW);
            case "discard" -> simple(cursor, builder, Verb.DISCARD, cursor.peek() == null ? "" : cursor.peek().value());
            case "listen" -> simple(cursor, builder, Verb.LISTEN);
            case "unlisten" -> simple(cursor, builder, Verb.UNLISTEN);
            case "notify" -> simple(cursor, builder, Verb.NOTIFY);
            case "checkpoint" -> simple(cursor, builder, Verb.CHECKPOINT);
            case "load" -> simple(cursor, builder, Verb.LOAD);
            case "vacuum" -> readMaintenance(cursor, builder, Verb.VACUUM);
            case "analyze", "analyse" -> readMaintenance(cursor, builder, Verb.ANALYZE);
            case "cluster" -> readMaintenance(cursor, builder, Verb.CLUSTER);
            case "reindex" -> readReindex(cursor, builder);
            case "lock" -> readLock(cursor, builder);
            case "prepare" -> readPrepare(cursor, builder, context, depth);
            case "execute" -> readExecute(cursor, builder, context);
            case "deallocate" -> readDeallocate(cursor, builder);
            case "declare" -> readDeclare(cursor, builder, context, depth);
            case "fetch", "move" -> readFetch(cursor, builder);
            case "close" -> simple(cursor, builder, Verb.CLOSE_CURSOR, cursorName(cursor.peek()));
            case "copy" -> readCopy(cursor, builder, context, depth);
            case "explain" -> readExplain(cursor, builder, context, depth);
            case "do" -> builder.add(Operation.of(Verb.DO));
            case "call" -> readCall(cursor, builder, context);
            default -> builder.add(Operation.unknown("\"" + first.text() + "\" is not a statement Bulwark reads"));
        }
    }

    // ---------------------------------------------------------------- statements read from keywords

    /**
     * A statement whose grammar holds no expression: the verb alone says what it does, provided the rest
     * is plain words, names, literals and list punctuation (anything else the server would reject).
     */
    private void simple(Cursor cursor, Builder builder, Verb verb) {
        simple(cursor, builder, verb, "");
    }

    private void simple(Cursor cursor, Builder builder, Verb verb, String detail) {
        if (verb == null) {
            builder.add(Operation.unknown("the statement is not one Bulwark reads"));
            return;
        }
        builder.add(new Operation(verb, List.of(), false, detail));
        checkPlainTail(cursor.rest(), builder);
    }

    /** Flags anything in a keyword-read statement that could be an expression. */
    private static void checkPlainTail(List<Token> tokens, Builder builder) {
        for (Token token : tokens) {
            boolean plain = switch (token.type()) {
                case WORD, QUOTED_IDENTIFIER, STRING, NUMBER -> true;
                case PUNCTUATION -> token.text().equals(",") || token.text().equals(".") || token.text().equals("(")
                        || token.text().equals(")");
                case OPERATOR -> token.text().equals("=") || token.text().equals("-") || token.text().equals("+")
                        || token.text().equals("*");
                case PARAMETER, SEMICOLON, OTHER -> false;
            };
            if (!plain) {
                builder.add(Operation.unknown("unexpected \"" + token.text() + "\" in a statement that takes no"
                        + " expressions"));
                return;
            }
        }
    }

    private void readSet(Cursor cursor, Builder builder) {
        if (cursor.acceptWords("session", "authorization")) {
            simple(cursor, builder, Verb.SET_ROLE);
            return;
        }
        if (cursor.acceptWords("session", "characteristics")) {
            simple(cursor, builder, Verb.SET);
            return;
        }
        if (!cursor.acceptWord("session")) {
            cursor.acceptWord("local");
        }
        Token name = cursor.peek();
        if (name == null) {
            builder.add(Operation.unknown("SET without a setting"));
            return;
        }
        switch (name.type() == TokenType.WORD ? name.value() : "") {
            case "role" -> {
                simple(cursor, builder, Verb.SET_ROLE);
                return;
            }
            case "transaction" -> {
                simple(cursor, builder, Verb.SET_TRANSACTION);
                return;
            }
            case "constraints" -> {
                simple(cursor, builder, Verb.SET_CONSTRAINTS);
                return;
            }
            case "names" -> {
                cursor.next();
                List<String> values = cursor.valuesUntilEnd();
                builder.add(Settings.check("client_encoding", values, Verb.SET, "client_encoding"));
                checkPlainTail(cursor.rest(), builder);
                return;
            }
            case "schema" -> {
                cursor.next();
                builder.add(Settings.check("search_path", cursor.valuesUntilEnd(), Verb.SET, "search_path"));
                checkPlainTail(cursor.rest(), builder);
                return;
            }
            default -> {
            }
        }
        List<String> parts = cursor.qualifiedName();
        if (parts.isEmpty()) {
            builder.add(Operation.unknown("SET of something that is not a setting name"));
            return;
        }
        // Setting names are case-insensitive, quoted or not: SET "ROLE" TO x is SET ROLE.
        String setting = Settings.normalizeName(String.join(".", parts));
        if (!(cursor.acceptWord("to") || cursor.acceptOperator("="))) {
            // SET TIME ZONE ... and similar fixed forms.
            simple(cursor, builder, Verb.SET, setting);
            return;
        }
        List<Token> valueTokens = cursor.rest();
        List<String> values = cursor.valuesUntilEnd();
        builder.add(Settings.check(setting, values, Verb.SET, setting));
        checkPlainTail(valueTokens, builder);
    }

    /**
     * RESET name, RESET ALL, RESET SESSION AUTHORIZATION ... The detail is the setting as the server reads
     * it (setting names are case-insensitive, quoted or not), with the two that change who the session is
     * named as {@code EngineSession.changesRole} reads them: {@code role} and {@code session} (SESSION
     * AUTHORIZATION and session_authorization). RESET ALL's detail is {@code all}; it resets neither of
     * those (both are GUC_NO_RESET_ALL in PostgreSQL; PostgresAgreementTest checks it), unlike DISCARD ALL.
     */
    private void readReset(Cursor cursor, Builder builder) {
        String detail;
        if (cursor.acceptWords("session", "authorization")) {
            detail = "session";
        } else if (cursor.acceptWords("time", "zone")) {
            detail = "timezone";
        } else if (cursor.acceptWords("transaction", "isolation", "level")) {
            detail = "transaction_isolation";
        } else if (cursor.acceptWord("all")) {
            detail = "all";
        } else {
            List<String> name = cursor.qualifiedName();
            detail = Settings.normalizeName(String.join(".", name));
            if (detail.equals("session_authorization")) {
                detail = "session";
            }
        }
        simple(cursor, builder, Verb.RESET, detail);
    }

    private void readCreate(List<Token> tokens, Cursor cursor, Builder builder, Context context, int depth) {
        int afterCreate = cursor.index;
        while (cursor.peek() != null && cursor.peek().type() == TokenType.WORD
                && CREATE_MODIFIERS.contains(cursor.peek().value()) && objectTypeAt(cursor).isEmpty()) {
            cursor.next();
        }
        String type = objectTypeAt(cursor).orElse("");
        switch (type) {
            case "role", "user", "group" -> {
                cursor.skipWords(type.split(" ").length);
                simple(cursor, builder, Verb.CREATE_ROLE);
                return;
            }
            case "function", "procedure" -> {
                readRoutine(tokens, cursor, builder, context, depth);
                return;
            }
            case "table" -> {
                int executeAt = indexOfWords(tokens, "as", "execute");
                if (executeAt >= 0) {
                    // CREATE TABLE t AS EXECUTE p: runs the prepared statement.
                    builder.add(Operation.of(Verb.CREATE, objectNames(tokens, afterCreate)));
                    Cursor execute = new Cursor(tokens);
                    execute.index = executeAt + 2;
                    readExecute(execute, builder, context);
                    return;
                }
            }
            default -> {
            }
        }
        boolean evaluates = !CREATE_WITHOUT_EVALUATION.contains(type)
                || (type.equals("table") || type.equals("foreign table")) && indexOfWord(tokens, "as") >= 0
                || type.equals("schema") && indexOfWord(tokens.subList(1, tokens.size()), "create") >= 0;
        readDdlWithParser(tokens, builder, context, depth, Verb.CREATE, objectNames(tokens, afterCreate), evaluates);
    }

    /**
     * CREATE FUNCTION/PROCEDURE. The body is not run, so the statement is plain DDL; a SQL-standard
     * {@code BEGIN ATOMIC} body is also read statement by statement and its operations added, so that a
     * body the splitter joined by mistake cannot hide a statement.
     */
    private void readRoutine(List<Token> tokens, Cursor cursor, Builder builder, Context context, int depth) {
        cursor.skipWords(1);
        List<String> name = cursor.qualifiedName();
        builder.add(Operation.of(Verb.CREATE, name.isEmpty() ? List.of() : List.of(AstReader.tableName(name))));
        int atomic = indexOfWords(tokens, "begin", "atomic");
        if (atomic < 0) {
            return;
        }
        List<Token> body = tokens.subList(atomic + 2, tokens.size());
        List<Token> piece = new ArrayList<>();
        for (Token token : body) {
            if (token.type() == TokenType.SEMICOLON) {
                addBodyPiece(piece, builder, context, depth);
                piece = new ArrayList<>();
            } else {
                piece.add(token);
            }
        }
        addBodyPiece(piece, builder, context, depth);
    }

    private void addBodyPiece(List<Token> piece, Builder builder, Context context, int depth) {
        if (piece.isEmpty() || (piece.size() == 1 && piece.get(0).isWord("end"))) {
            return;
        }
        builder.addAll(classify(piece, context, depth + 1).operations());
    }

    private void readAlter(List<Token> tokens, Cursor cursor, Builder builder, Context context, int depth) {
        String type = objectTypeAt(cursor).orElse("");
        switch (type) {
            case "role", "user", "group" -> {
                cursor.skipWords(type.split(" ").length);
                simple(cursor, builder, Verb.ALTER_ROLE);
                return;
            }
            case "system" -> {
                cursor.skipWords(1);
                simple(cursor, builder, Verb.ALTER_SYSTEM);
                return;
            }
            case "default privileges" -> {
                cursor.skipWords(2);
                readGrantBody(cursor, builder, Verb.GRANT);
                return;
            }
            default -> {
            }
        }
        // Renames, owner and schema changes evaluate nothing; other ALTERs may (DEFAULT, USING, CHECK ...).
        boolean evaluates = indexOfWord(tokens, "rename") < 0 && indexOfWords(tokens, "owner", "to") < 0
                && indexOfWords(tokens, "set", "schema") < 0;
        readDdlWithParser(tokens, builder, context, depth, Verb.ALTER, objectNames(tokens, 1), evaluates);
    }

    private void readDrop(Cursor cursor, Builder builder) {
        String type = objectTypeAt(cursor).orElse("");
        cursor.skipWords(type.isEmpty() ? 0 : type.split(" ").length);
        Verb verb = switch (type) {
            case "role", "user", "group" -> Verb.DROP_ROLE;
            case "owned" -> Verb.DROP_OWNED;
            default -> Verb.DROP;
        };
        if (type.isEmpty()) {
            builder.add(Operation.unknown("DROP of an object type Bulwark does not know"));
        }
        cursor.acceptWord("concurrently");
        cursor.acceptWords("if", "exists");
        List<TableName> names = new ArrayList<>();
        if (verb == Verb.DROP) {
            do {
                List<String> name = cursor.qualifiedName();
                if (name.isEmpty()) {
                    break;
                }
                names.add(type.equals("schema") ? new TableName(name.get(name.size() - 1), TableName.WILDCARD)
                        : AstReader.tableName(name));
                cursor.skipParentheses();
            } while (cursor.acceptPunctuation(","));
            // DROP POLICY/TRIGGER/RULE name ON table
            if (cursor.acceptWord("on")) {
                List<String> table = cursor.qualifiedName();
                if (!table.isEmpty()) {
                    names.add(AstReader.tableName(table));
                }
            }
        }
        builder.add(Operation.of(verb, names));
        checkPlainTail(cursor.rest(), builder);
    }

    private void readTruncate(Cursor cursor, Builder builder) {
        cursor.acceptWord("table");
        List<TableName> names = new ArrayList<>();
        do {
            cursor.acceptWord("only");
            List<String> name = cursor.qualifiedName();
            if (name.isEmpty()) {
                break;
            }
            names.add(AstReader.tableName(name));
            cursor.acceptOperator("*");
        } while (cursor.acceptPunctuation(","));
        List<Token> rest = cursor.rest();
        if (rest.stream().anyMatch(token -> token.isWord("cascade"))) {
            // CASCADE also empties every table with a foreign key to these: which ones, only the catalog knows.
            names.add(TableName.ANY);
        }
        builder.add(Operation.of(Verb.TRUNCATE, names));
        if (names.isEmpty()) {
            builder.add(Operation.unknown("TRUNCATE without a table"));
        }
        checkPlainTail(rest, builder);
    }

    private void readGrant(String keyword, Cursor cursor, Builder builder) {
        readGrantBody(cursor, builder, keyword.equals("grant") ? Verb.GRANT : Verb.REVOKE);
    }

    private void readGrantBody(Cursor cursor, Builder builder, Verb verb) {
        List<Token> tokens = cursor.rest();
        List<TableName> names = new ArrayList<>();
        int on = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("on")) {
                on = i;
                break;
            }
        }
        if (on >= 0) {
            Cursor objects = new Cursor(tokens);
            objects.index = on + 1;
            if (objects.acceptWords("all", "tables", "in", "schema") || objects.acceptWords("all", "sequences", "in", "schema")) {
                do {
                    List<String> schema = objects.qualifiedName();
                    if (!schema.isEmpty()) {
                        names.add(new TableName(schema.get(schema.size() - 1), TableName.WILDCARD));
                    }
                } while (objects.acceptPunctuation(","));
            } else if (objects.acceptWord("table") || objects.acceptWord("sequence") || startsWithName(objects)) {
                do {
                    List<String> name = objects.qualifiedName();
                    if (name.isEmpty()) {
                        break;
                    }
                    names.add(AstReader.tableName(name));
                } while (objects.acceptPunctuation(","));
            }
        }
        builder.add(Operation.of(verb, names));
        checkPlainTail(tokens, builder);
    }

    /** After GRANT ... ON: a name that is not an object-type keyword means a table. */
    private static boolean startsWithName(Cursor cursor) {
        Token token = cursor.peek();
        if (token == null || !token.isName()) {
            return false;
        }
        return token.type() == TokenType.QUOTED_IDENTIFIER || objectTypeAt(cursor).isEmpty()
                && !Set.of("all", "foreign", "large", "parameter", "tables", "sequences", "functions", "routines",
                        "types", "schemas").contains(token.value());
    }

    private void readComment(Cursor cursor, Builder builder) {
        if (!cursor.acceptWord("on")) {
            builder.add(Operation.unknown("COMMENT without ON"));
            return;
        }
        String type = objectTypeAt(cursor).orElse("");
        cursor.skipWords(type.isEmpty() ? 0 : type.split(" ").length);
        List<TableName> names = new ArrayList<>();
        List<String> name = cursor.qualifiedName();
        if (!name.isEmpty()) {
            if (type.equals("column") && name.size() > 1) {
                names.add(AstReader.tableName(name.subList(0, name.size() - 1)));
            } else if (Set.of("table", "view", "materialized view", "foreign table", "sequence", "index").contains(type)) {
                names.add(AstReader.tableName(name));
            }
        }
        if (cursor.acceptWord("on")) {
            List<String> table = cursor.qualifiedName();
            if (!table.isEmpty()) {
                names.add(AstReader.tableName(table));
            }
        }
        builder.add(Operation.of(Verb.COMMENT, names));
        cursor.skipParentheses();
        checkPlainTail(cursor.rest(), builder);
    }

    private void readRefresh(Cursor cursor, Builder builder) {
        if (!cursor.acceptWords("materialized", "view")) {
            builder.add(Operation.unknown("REFRESH of something other than a materialized view"));
            return;
        }
        cursor.acceptWord("concurrently");
        List<String> name = cursor.qualifiedName();
        builder.add(Operation.of(Verb.REFRESH, name.isEmpty() ? List.of() : List.of(AstReader.tableName(name))));
        checkPlainTail(cursor.rest(), builder);
    }

    /** VACUUM, ANALYZE, CLUSTER: options, then tables (none means every table). */
    private void readMaintenance(Cursor cursor, Builder builder, Verb verb) {
        List<Token> all = cursor.rest();
        cursor.skipParentheses();
        while (cursor.acceptWord("full") || cursor.acceptWord("freeze") || cursor.acceptWord("verbose")
                || cursor.acceptWord("analyze") || cursor.acceptWord("analyse")) {
            // legacy option words
        }
        List<TableName> names = new ArrayList<>();
        do {
            List<String> name = cursor.qualifiedName();
            if (name.isEmpty()) {
                break;
            }
            names.add(AstReader.tableName(name));
            cursor.skipParentheses();
            if (cursor.acceptWord("using")) {
                cursor.qualifiedName();
            } else if (verb == Verb.CLUSTER && cursor.acceptWord("on")) {
                // CLUSTER index ON table (pre-8.3 syntax still accepted)
                List<String> table = cursor.qualifiedName();
                names.set(names.size() - 1, table.isEmpty() ? names.get(names.size() - 1) : AstReader.tableName(table));
            }
        } while (cursor.acceptPunctuation(","));
        builder.add(Operation.of(verb, names.isEmpty() ? List.of(TableName.ANY) : names));
        checkPlainTail(all, builder);
    }

    private void readReindex(Cursor cursor, Builder builder) {
        List<Token> all = cursor.rest();
        cursor.skipParentheses();
        String target = cursor.peek() == null ? "" : cursor.next().value();
        cursor.acceptWord("concurrently");
        List<String> name = cursor.qualifiedName();
        List<TableName> names = switch (target) {
            case "schema" -> name.isEmpty() ? List.of(TableName.ANY)
                    : List.of(new TableName(name.get(name.size() - 1), TableName.WILDCARD));
            case "table", "index" -> name.isEmpty() ? List.of(TableName.ANY) : List.of(AstReader.tableName(name));
            default -> List.of(TableName.ANY);
        };
        builder.add(Operation.of(Verb.REINDEX, names));
        checkPlainTail(all, builder);
    }

    private void readLock(Cursor cursor, Builder builder) {
        cursor.acceptWord("table");
        List<TableName> names = new ArrayList<>();
        do {
            cursor.acceptWord("only");
            List<String> name = cursor.qualifiedName();
            if (name.isEmpty()) {
                break;
            }
            names.add(AstReader.tableName(name));
            cursor.acceptOperator("*");
        } while (cursor.acceptPunctuation(","));
        builder.add(Operation.of(Verb.LOCK, names));
        checkPlainTail(cursor.rest(), builder);
    }

    private void readPrepare(Cursor cursor, Builder builder, Context context, int depth) {
        if (cursor.peekWord("transaction")) {
            simple(cursor, builder, Verb.PREPARE_TRANSACTION);
            return;
        }
        Token name = cursor.peek();
        if (name == null || !name.isName()) {
            builder.add(Operation.unknown("PREPARE without a name"));
            return;
        }
        cursor.next();
        cursor.skipParentheses();
        if (!cursor.acceptWord("as") || cursor.atEnd()) {
            builder.add(Operation.unknown("PREPARE without AS and a statement"));
            return;
        }
        StatementClassification body = classify(cursor.rest(), context, depth + 1);
        builder.add(new Operation(Verb.PREPARE, List.of(), false, name.value()));
        // Judged when prepared: the body's uses are this statement's (EXECUTE then runs only what passed).
        builder.uses(body.columnUses());
        builder.prepared = Optional.of(new Prepared(name.value(), body));
    }

    private void readExecute(Cursor cursor, Builder builder, Context context) {
        Token name = cursor.peek();
        if (name == null || !name.isName()) {
            builder.add(Operation.unknown("EXECUTE without a name"));
            return;
        }
        cursor.next();
        builder.add(new Operation(Verb.EXECUTE, List.of(), false, name.value()));
        if (cursor.peekPunctuation("(")) {
            // The parameters are expressions: read them as a SELECT list for their functions and tables.
            List<Token> arguments = cursor.parenthesized();
            readExpressions(arguments, builder, context);
        }
        checkPlainTail(cursor.rest(), builder);
    }

    private void readDeallocate(Cursor cursor, Builder builder) {
        cursor.acceptWord("prepare");
        Token name = cursor.peek();
        if (name == null || !name.isName()) {
            builder.add(Operation.unknown("DEALLOCATE without a name"));
            return;
        }
        cursor.next();
        // An empty detail means ALL; a statement literally named "all" must be written quoted.
        String detail = name.isWord("all") ? "" : name.value();
        builder.add(new Operation(Verb.DEALLOCATE, List.of(), false, detail));
        checkPlainTail(cursor.rest(), builder);
    }

    /**
     * FETCH or MOVE [direction] [FROM | IN] cursor: the cursor's name (the last token) is the detail, so
     * that the session can tell which portal it reads (a portal bound by the protocol and not yet run
     * runs its statement at the first FETCH).
     */
    private void readFetch(Cursor cursor, Builder builder) {
        List<Token> rest = cursor.rest();
        builder.add(new Operation(Verb.FETCH, List.of(), false, rest.isEmpty() ? "" : cursorName(rest.get(rest.size() - 1))));
        checkPlainTail(rest, builder);
    }

    /** A cursor's name as PostgreSQL folds it; empty for ALL or anything that is not a name. */
    private static String cursorName(Token token) {
        return token == null || !token.isName() || token.isWord("all") ? "" : token.value();
    }

    private void readDeclare(Cursor cursor, Builder builder, Context context, int depth) {
        List<Token> tokens = cursor.rest();
        int cursorWord = indexOfWord(tokens, "cursor");
        int forWord = -1;
        for (int i = cursorWord + 1; cursorWord >= 0 && i < tokens.size(); i++) {
            if (tokens.get(i).isWord("for")) {
                forWord = i;
                break;
            }
        }
        if (forWord < 0 || forWord + 1 >= tokens.size()) {
            builder.add(Operation.unknown("DECLARE without CURSOR ... FOR and a query"));
            return;
        }
        builder.add(new Operation(Verb.DECLARE_CURSOR, List.of(), false, cursorName(tokens.get(0))));
        StatementClassification query = classify(tokens.subList(forWord + 1, tokens.size()), context, depth + 1);
        builder.addAll(query.operations());
        builder.uses(query.columnUses());
    }

    /**
     * COPY table [(columns)] FROM {'file' | PROGRAM 'command' | STDIN} [options] [WHERE condition], and
     * COPY {table [(columns)] | (query)} TO {'file' | PROGRAM 'command' | STDOUT} [options].
     */
    private void readCopy(Cursor cursor, Builder builder, Context context, int depth) {
        cursor.acceptWord("binary");
        StatementClassification query = null;
        List<TableName> table = List.of();
        if (cursor.peekPunctuation("(")) {
            List<Token> inner = cursor.parenthesized();
            if (inner.isEmpty()) {
                builder.add(Operation.unknown("COPY of an empty query"));
                return;
            }
            query = classify(inner, context, depth + 1);
        } else {
            List<String> name = cursor.qualifiedName();
            if (name.isEmpty()) {
                builder.add(Operation.unknown("COPY without a table"));
                return;
            }
            table = List.of(AstReader.tableName(name));
            cursor.skipParentheses();
        }
        boolean from;
        if (cursor.acceptWord("from")) {
            from = true;
        } else if (cursor.acceptWord("to")) {
            from = false;
        } else {
            builder.add(Operation.unknown("COPY without FROM or TO"));
            return;
        }
        if (from && query != null) {
            builder.add(Operation.unknown("COPY (query) FROM is not valid"));
            return;
        }
        builder.add(Operation.of(from ? Verb.COPY_FROM : Verb.COPY_TO, table));
        if (query != null) {
            builder.addAll(query.operations());
            query.functions().forEach(builder::function);
            builder.uses(query.columnUses());
        }
        if (cursor.acceptWord("program")) {
            builder.add(Operation.of(Verb.PROGRAM_EXECUTE));
            cursor.next();
        } else if (cursor.peek() != null && cursor.peek().type() == TokenType.STRING) {
            builder.add(Operation.of(from ? Verb.FILE_READ : Verb.FILE_WRITE));
            cursor.next();
        } else if (!(cursor.acceptWord("stdin") || cursor.acceptWord("stdout"))) {
            builder.add(Operation.unknown("COPY to or from something Bulwark does not know"));
            return;
        }
        List<Token> options = new ArrayList<>();
        while (!cursor.atEnd() && !cursor.peekWord("where")) {
            options.add(cursor.next());
        }
        checkPlainTail(options, builder);
        checkCopyOptions(options, builder);
        if (cursor.acceptWord("where")) {
            readExpressions(cursor.rest(), builder, context);
        }
    }

    /** COPY options PostgreSQL 17 knows (ProcessCopyOptions), by value. */
    private static final Set<String> COPY_OPTIONS = Set.of("format", "freeze", "delimiter", "null", "default",
            "header", "quote", "escape", "force_quote", "force_not_null", "force_null", "convert_selectively",
            "encoding", "on_error", "log_verbosity");

    /**
     * The generic {@code [WITH] (name [value], ...)} option list: names compare by value, as the server
     * compares them ({@code "format"} is FORMAT, {@code "FORMAT"} is not an option). A name Bulwark does not
     * know is unknown: this server rejects it, a later one may give it a meaning Bulwark has not read. The
     * legacy keyword forms ({@code CSV HEADER}, {@code BINARY}) are keywords the grammar checks itself.
     */
    private static void checkCopyOptions(List<Token> options, Builder builder) {
        Cursor cursor = new Cursor(options);
        cursor.acceptWord("with");
        if (!cursor.peekPunctuation("(")) {
            return;
        }
        for (List<Token> option : splitAtCommas(cursor.parenthesized())) {
            if (option.isEmpty() || !option.get(0).isName() || !COPY_OPTIONS.contains(option.get(0).value())) {
                String shown = option.isEmpty() ? "" : option.get(0).text();
                builder.add(Operation.unknown("COPY option \"" + shown + "\" is not one Bulwark knows"));
                return;
            }
        }
    }

    /** EXPLAIN runs the statement only with ANALYZE; otherwise only planning happens (which may fold calls). */
    private void readExplain(Cursor cursor, Builder builder, Context context, int depth) {
        boolean analyze = false;
        if (cursor.peekPunctuation("(")) {
            List<Token> options = cursor.parenthesized();
            analyze = explainOptionsAnalyze(options);
        } else {
            if (cursor.acceptWord("analyze") || cursor.acceptWord("analyse")) {
                analyze = true;
            }
            cursor.acceptWord("verbose");
        }
        if (cursor.atEnd()) {
            builder.add(Operation.unknown("EXPLAIN without a statement"));
            return;
        }
        StatementClassification inner = classify(cursor.rest(), context, depth + 1);
        builder.add(Operation.of(Verb.EXPLAIN, inner.tables()));
        // Even without ANALYZE, a plan's row estimates answer questions about values: judged as the statement.
        builder.uses(inner.columnUses());
        inner.functions().forEach(builder::function);
        if (analyze) {
            builder.addAll(inner.operations());
        } else {
            // Planning folds IMMUTABLE calls, and an unknown function may be a user's IMMUTABLE one.
            for (Operation operation : inner.operations()) {
                if (operation.verb() == Verb.UNKNOWN || operation.verb() == Verb.UNKNOWN_FUNCTION) {
                    builder.add(operation);
                }
            }
        }
    }

    /**
     * Whether EXPLAIN (option [value], ...) may run the statement. PostgreSQL compares option names by
     * their value, so {@code "analyze"} and {@code U&"\0061nalyze"} are ANALYZE; the last ANALYZE wins. Read
     * the most dangerous way: a value other than the ones PostgreSQL reads as false, an option name it
     * does not know (a later server may run the statement for it; this one rejects it), a quoted
     * {@code "analyse"} (rejected today) or anything that is not {@code name [value]}.
     */
    static boolean explainOptionsAnalyze(List<Token> options) {
        boolean analyze = false;
        boolean unreadable = false;
        for (List<Token> option : splitAtCommas(options)) {
            if (option.isEmpty() || !option.get(0).isName()) {
                unreadable = true;
                continue;
            }
            String name = option.get(0).value();
            if (!EXPLAIN_OPTIONS.contains(name)) {
                unreadable = true;
                continue;
            }
            if (!name.equals("analyze") && !name.equals("analyse")) {
                continue;
            }
            analyze = option.size() != 2 || !readsAsFalse(option.get(1));
        }
        return analyze || unreadable;
    }

    /**
     * EXPLAIN options PostgreSQL 17 knows (ExplainQuery), by value. {@code analyse} is the grammar's
     * spelling of ANALYZE when unquoted; quoted the server rejects it, and reading it as ANALYZE is safe.
     */
    private static final Set<String> EXPLAIN_OPTIONS = Set.of("analyze", "analyse", "verbose", "costs", "settings",
            "generic_plan", "buffers", "serialize", "wal", "timing", "summary", "memory", "format");

    /** Whether PostgreSQL's defGetBoolean reads the value as false: 0, or false/off in any (ASCII) case. */
    private static boolean readsAsFalse(Token value) {
        return switch (value.type()) {
            case NUMBER -> value.value().equals("0");
            case WORD, QUOTED_IDENTIFIER, STRING -> {
                String text = SqlLexer.asciiLowerCase(value.value());
                yield text.equals("false") || text.equals("off");
            }
            default -> false;
        };
    }

    /** The items of a comma-separated list (commas inside parentheses do not split). */
    private static List<List<Token>> splitAtCommas(List<Token> tokens) {
        List<List<Token>> items = new ArrayList<>();
        List<Token> item = new ArrayList<>();
        int depth = 0;
        for (Token token : tokens) {
            if (token.is(TokenType.PUNCTUATION, "(")) {
                depth++;
            } else if (token.is(TokenType.PUNCTUATION, ")")) {
                depth--;
            }
            if (depth == 0 && token.is(TokenType.PUNCTUATION, ",")) {
                items.add(item);
                item = new ArrayList<>();
            } else {
                item.add(token);
            }
        }
        items.add(item);
        return items;
    }

    private void readCall(Cursor cursor, Builder builder, Context context) {
        List<String> name = cursor.qualifiedName();
        String display = String.join(".", name);
        builder.add(new Operation(Verb.CALL, List.of(), false, display));
        if (!display.isEmpty()) {
            builder.function(display);
        }
        if (cursor.peekPunctuation("(")) {
            readExpressions(cursor.parenthesized(), builder, context);
        }
        checkPlainTail(cursor.rest(), builder);
    }

    /** Reads a list of expressions (EXECUTE parameters, CALL arguments, COPY's WHERE) for what they call and read. */
    private void readExpressions(List<Token> expressions, Builder builder, Context context) {
        if (expressions.isEmpty()) {
            return;
        }
        Canonical canonical = Canonical.of(expressions, catalog);
        if (canonical.problem().isPresent()) {
            builder.add(Operation.unknown(canonical.problem().get()));
            builder.uses(ColumnUses.untraced(canonical.problem().get()));
            return;
        }
        AstReader.Parsed parsed = ast.parse("SELECT " + canonical.text(), nesting(expressions));
        switch (parsed) {
            case AstReader.Failure failure -> {
                if (failure.timedOut()) {
                    context.cacheable = false;
                }
                builder.add(Operation.unknown("cannot read the expressions: " + failure.reason()));
                builder.uses(ColumnUses.untraced("cannot read the expressions: " + failure.reason()));
            }
            case AstReader.Success success -> {
                AstReader.Findings findings = ast.walk(success.statement(), false, false);
                builder.uses(findings.columnUses);
                if (!findings.reads.isEmpty()) {
                    builder.add(Operation.of(Verb.SELECT, List.copyOf(findings.reads)));
                }
                addFindings(findings, builder);
            }
        }
    }

    // ---------------------------------------------------------------- statements read by jsqlparser

    /** Which statements jsqlparser may return for a first keyword. */
    enum Family {
        QUERY(Verb.SELECT),
        INSERT(Verb.INSERT),
        UPDATE(Verb.UPDATE),
        DELETE(Verb.DELETE),
        MERGE(Verb.MERGE),
        CREATE(Verb.CREATE),
        ALTER(Verb.ALTER);

        final Verb verb;

        Family(Verb verb) {
            this.verb = verb;
        }

        boolean accepts(Statement statement, boolean startsWithWith) {
            return switch (this) {
                case QUERY -> statement instanceof Select || startsWithWith && (statement instanceof Insert
                        || statement instanceof Update || statement instanceof Delete || statement instanceof Merge);
                case INSERT -> statement instanceof Insert;
                case UPDATE -> statement instanceof Update;
                case DELETE -> statement instanceof Delete;
                case MERGE -> statement instanceof Merge;
                case CREATE -> statement.getClass().getSimpleName().startsWith("Create");
                case ALTER -> statement.getClass().getSimpleName().startsWith("Alter")
                        || statement instanceof RenameTableStatement;
            };
        }
    }

    private void readWithParser(List<Token> tokens, Builder builder, Context context, int depth, Family family) {
        Canonical canonical = Canonical.of(tokens, catalog);
        if (canonical.problem().isPresent()) {
            fallback(tokens, builder, family, canonical.problem().get());
            return;
        }
        switch (ast.parse(canonical.text(), nesting(tokens))) {
            case AstReader.Failure failure -> {
                if (failure.timedOut()) {
                    context.cacheable = false;
                }
                fallback(tokens, builder, family, failure.reason());
            }
            case AstReader.Success success -> {
                if (!family.accepts(success.statement(), tokens.get(0).isWord("with"))) {
                    fallback(tokens, builder, family, "the parser read it as a different kind of statement");
                    return;
                }
                AstReader.Findings findings = ast.walk(success.statement(), false);
                builder.uses(findings.columnUses);
                if (family == Family.QUERY) {
                    builder.add(Operation.of(Verb.SELECT, List.copyOf(findings.reads)));
                    addFindings(findings, builder);
                } else {
                    addFindings(findings, builder);
                    if (!findings.reads.isEmpty()) {
                        builder.add(Operation.of(Verb.SELECT, List.copyOf(findings.reads)));
                    }
                }
            }
        }
    }

    private void readDdlWithParser(List<Token> tokens, Builder builder, Context context, int depth, Verb verb,
            List<TableName> lexedNames, boolean evaluates) {
        Family family = verb == Verb.CREATE ? Family.CREATE : Family.ALTER;
        Canonical canonical = Canonical.of(tokens, catalog);
        AstReader.Parsed parsed = canonical.problem().isPresent()
                ? new AstReader.Failure(canonical.problem().get(), false)
                : ast.parse(canonical.text(), nesting(tokens));
        if (parsed instanceof AstReader.Success success && family.accepts(success.statement(), false)) {
            AstReader.Findings findings = ast.walk(success.statement(), true);
            builder.uses(findings.columnUses);
            Set<TableName> names = new LinkedHashSet<>(lexedNames);
            names.addAll(findings.ddlTargets);
            builder.add(Operation.of(verb, List.copyOf(names)));
            addFindings(findings, builder);
            if (!findings.reads.isEmpty()) {
                builder.add(Operation.of(Verb.SELECT, List.copyOf(findings.reads)));
            }
            return;
        }
        if (parsed instanceof AstReader.Failure failure && failure.timedOut()) {
            context.cacheable = false;
        }
        builder.add(Operation.of(verb, lexedNames));
        if (evaluates) {
            String reason = parsed instanceof AstReader.Failure failure ? failure.reason()
                    : "the parser read it as a different kind of statement";
            builder.add(Operation.unknown("this " + verb.name() + " may evaluate expressions Bulwark cannot read ("
                    + reason + ")"));
            builder.uses(ColumnUses.untraced("this " + verb.name() + " may evaluate expressions Bulwark cannot read"));
        }
    }

    /**
     * When jsqlparser cannot read a statement, the keyword still says what it mostly is (so a DENY rule on
     * DELETE still names the right reason), and an UNKNOWN operation makes sure it is not allowed unread.
     */
    private static void fallback(List<Token> tokens, Builder builder, Family family, String reason) {
        Verb verb = family.verb;
        List<TableName> target = List.of();
        boolean missingWhere = false;
        Cursor cursor = new Cursor(tokens);
        switch (family) {
            case INSERT, MERGE -> {
                cursor.next();
                cursor.acceptWord("into");
                List<String> name = cursor.qualifiedName();
                target = name.isEmpty() ? List.of() : List.of(AstReader.tableName(name));
            }
            case UPDATE, DELETE -> {
                cursor.next();
                cursor.acceptWord("from");
                cursor.acceptWord("only");
                List<String> name = cursor.qualifiedName();
                target = name.isEmpty() ? List.of() : List.of(AstReader.tableName(name));
                missingWhere = indexOfWord(tokens, "where") < 0;
            }
            default -> {
            }
        }
        builder.add(new Operation(verb, target, missingWhere, ""));
        builder.add(Operation.unknown("Bulwark cannot read this statement fully: " + reason));
        builder.uses(ColumnUses.untraced("Bulwark cannot read this statement fully: " + reason));
    }

    private static void addFindings(AstReader.Findings findings, Builder builder) {
        builder.addAll(findings.operations);
        findings.functions.forEach(builder::function);
        findings.unknown.forEach(reason -> builder.add(Operation.unknown(reason)));
    }

    // ---------------------------------------------------------------- helpers

    private static int nesting(List<Token> tokens) {
        int depth = 0;
        int max = 0;
        for (Token token : tokens) {
            if (token.is(TokenType.PUNCTUATION, "(")) {
                max = Math.max(max, ++depth);
            } else if (token.is(TokenType.PUNCTUATION, ")")) {
                depth--;
            }
        }
        return max;
    }

    /** The object type phrase at the cursor (without consuming it), e.g. "materialized view". */
    private static Optional<String> objectTypeAt(Cursor cursor) {
        for (List<String> phrase : OBJECT_TYPES) {
            boolean matches = true;
            for (int i = 0; i < phrase.size(); i++) {
                Token token = cursor.peek(i);
                if (token == null || !token.isWord(phrase.get(i))) {
                    matches = false;
                    break;
                }
            }
            if (matches) {
                return Optional.of(String.join(" ", phrase));
            }
        }
        return Optional.empty();
    }

    /** The object a CREATE/ALTER names: the first name after the type (and IF [NOT] EXISTS, ONLY ...). */
    private static List<TableName> objectNames(List<Token> tokens, int afterKeyword) {
        Cursor cursor = new Cursor(tokens);
        cursor.index = afterKeyword;
        while (cursor.peek() != null && cursor.peek().type() == TokenType.WORD
                && CREATE_MODIFIERS.contains(cursor.peek().value()) && objectTypeAt(cursor).isEmpty()) {
            cursor.next();
        }
        String type = objectTypeAt(cursor).orElse("");
        if (type.isEmpty()) {
            return List.of();
        }
        cursor.skipWords(type.split(" ").length);
        cursor.acceptWord("concurrently");
        cursor.acceptWords("if", "not", "exists");
        cursor.acceptWords("if", "exists");
        cursor.acceptWord("only");
        List<TableName> names = new ArrayList<>();
        if (!cursor.peekWord("on")) {
            List<String> name = cursor.qualifiedName();
            if (!name.isEmpty()) {
                names.add(type.equals("schema") ? new TableName(name.get(name.size() - 1), TableName.WILDCARD)
                        : AstReader.tableName(name));
            }
        }
        // CREATE INDEX [name] ON table, CREATE TRIGGER/POLICY/RULE name ... ON table
        for (int i = cursor.index; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("on") && (type.equals("index") || type.equals("trigger")
                    || type.equals("policy") || type.equals("rule"))) {
                Cursor on = new Cursor(tokens);
                on.index = i + 1;
                on.acceptWord("only");
                List<String> table = on.qualifiedName();
                if (!table.isEmpty()) {
                    names.add(AstReader.tableName(table));
                }
                break;
            }
        }
        return names;
    }

    private static int indexOfWord(List<Token> tokens, String word) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord(word)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfWords(List<Token> tokens, String first, String second) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isWord(first) && tokens.get(i + 1).isWord(second)) {
                return i;
            }
        }
        return -1;
    }

    /** Comments stripped, whitespace collapsed, words lower-cased; literals and quoted names as written. */
    static String normalize(List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        for (Token token : tokens) {
            if (!text.isEmpty() && token.spaceBefore()) {
                text.append(' ');
            }
            text.append(token.type() == TokenType.WORD ? SqlLexer.asciiLowerCase(token.text()) : token.text());
        }
        return text.toString();
    }

    /** For text that does not even lex: whitespace collapsed, lower-cased. */
    private static String normalizeRaw(String sql) {
        return SqlLexer.asciiLowerCase(sql.strip().replaceAll("\\s+", " "));
    }

    private static List<List<String>> objectTypes(String... phrases) {
        List<List<String>> list = new ArrayList<>();
        for (String phrase : phrases) {
            list.add(List.of(phrase.split(" ")));
        }
        list.sort((a, b) -> Integer.compare(b.size(), a.size()));
        return List.copyOf(list);
    }

    /** Collects a statement's operations; repeats of the same verb on the same terms merge their tables. */
    static final class Builder {
        private final Map<String, Operation> operations = new LinkedHashMap<>();
        private final Set<String> functions = new LinkedHashSet<>();
        Optional<Prepared> prepared = Optional.empty();
        private ColumnUses uses = ColumnUses.NONE;

        void uses(ColumnUses added) {
            uses = uses.plus(added);
        }

        void add(Operation operation) {
            String key = operation.verb() + "\u0000" + operation.missingWhere() + "\u0000" + operation.detail();
            operations.merge(key, operation, (existing, added) -> {
                Set<TableName> tables = new LinkedHashSet<>(existing.tables());
                tables.addAll(added.tables());
                return new Operation(existing.verb(), List.copyOf(tables), existing.missingWhere(), existing.detail());
            });
        }

        void addAll(List<Operation> added) {
            added.forEach(this::add);
        }

        void function(String name) {
            functions.add(name);
        }

        /**
         * Whether a write names pg_catalog.pg_settings, whose UPDATE rule calls set_config(name, setting):
         * SET of a setting chosen by the row's data. Unqualified, the name is pg_catalog's (pg_catalog is
         * searched first unless search_path says otherwise, which is itself read as unknown).
         */
        private boolean writesSettingsView() {
            for (Operation operation : operations.values()) {
                if (operation.kind() != StatementKind.WRITE) {
                    continue;
                }
                for (TableName table : operation.tables()) {
                    if (table.name().equals("pg_settings")
                            && (table.schema().isEmpty() || table.schema().equals("pg_catalog"))) {
                        return true;
                    }
                }
            }
            return false;
        }

        StatementClassification build(String text, String normalized) {
            if (operations.isEmpty()) {
                add(Operation.unknown("nothing in the statement was read"));
            }
            if (writesSettingsView()) {
                add(Operation.unknown("writing pg_settings runs set_config() for the settings its rows name"
                        + " (search_path, client_encoding ...), which Bulwark cannot see"));
            }
            return new StatementClassification(text, normalized, List.copyOf(operations.values()),
                    List.copyOf(functions), prepared, uses);
        }
    }

    /** A position in a statement's tokens, with the small parsing steps the keyword readers need. */
    static final class Cursor {
        private final List<Token> tokens;
        int index;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        Token peek() {
            return peek(0);
        }

        Token peek(int ahead) {
            int at = index + ahead;
            return at < tokens.size() ? tokens.get(at) : null;
        }

        boolean atEnd() {
            return index >= tokens.size();
        }

        Token next() {
            return tokens.get(index++);
        }

        boolean peekWord(String word) {
            Token token = peek();
            return token != null && token.isWord(word);
        }

        boolean peekPunctuation(String text) {
            Token token = peek();
            return token != null && token.is(TokenType.PUNCTUATION, text);
        }

        boolean acceptWord(String word) {
            if (peekWord(word)) {
                index++;
                return true;
            }
            return false;
        }

        /** Consumes the words only when all of them follow, in order. */
        boolean acceptWords(String... words) {
            for (int i = 0; i < words.length; i++) {
                Token token = peek(i);
                if (token == null || !token.isWord(words[i])) {
                    return false;
                }
            }
            index += words.length;
            return true;
        }

        boolean acceptPunctuation(String text) {
            if (peekPunctuation(text)) {
                index++;
                return true;
            }
            return false;
        }

        boolean acceptOperator(String text) {
            Token token = peek();
            if (token != null && token.is(TokenType.OPERATOR, text)) {
                index++;
                return true;
            }
            return false;
        }

        void skipWords(int count) {
            index = Math.min(tokens.size(), index + count);
        }

        /** name(.name)*; empty when no name is at the cursor. */
        List<String> qualifiedName() {
            Token token = peek();
            if (token == null || !token.isName()) {
                return List.of();
            }
            List<String> parts = new ArrayList<>();
            parts.add(next().value());
            while (peekPunctuation(".") && peek(1) != null && peek(1).isName()) {
                index++;
                parts.add(next().value());
            }
            return parts;
        }

        /** Skips a balanced ( ... ) group at the cursor, if there is one. */
        void skipParentheses() {
            parenthesized();
        }

        /** The tokens inside a balanced ( ... ) group at the cursor (consumed); empty when none is there. */
        List<Token> parenthesized() {
            if (!peekPunctuation("(")) {
                return List.of();
            }
            int start = index + 1;
            int depth = 0;
            while (index < tokens.size()) {
                Token token = tokens.get(index++);
                if (token.is(TokenType.PUNCTUATION, "(")) {
                    depth++;
                } else if (token.is(TokenType.PUNCTUATION, ")") && --depth == 0) {
                    return tokens.subList(start, index - 1);
                }
            }
            return tokens.subList(start, tokens.size());
        }

        /** The values of a SET-like list from the cursor to the end: names, literals, numbers. */
        List<String> valuesUntilEnd() {
            List<String> values = new ArrayList<>();
            for (int i = index; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (token.isName() || token.type() == TokenType.STRING || token.type() == TokenType.NUMBER) {
                    values.add(token.value());
                }
            }
            return values;
        }

        List<Token> rest() {
            return tokens.subList(Math.min(index, tokens.size()), tokens.size());
        }
    }
}
