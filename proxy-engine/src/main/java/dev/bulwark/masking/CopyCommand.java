package dev.bulwark.masking;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A COPY statement, read far enough to mask its output. jsqlparser cannot read COPY, so this is a
 * small reader of its own for
 * <pre>
 *   COPY [BINARY] table [(col, ...)] TO STDOUT [[WITH] (option [value], ...)]
 *   COPY table [(col, ...)] TO STDOUT [WITH] [BINARY] [DELIMITER [AS] 'd'] [NULL [AS] 'n']
 *        [CSV [HEADER] [QUOTE [AS] 'q'] [ESCAPE [AS] 'e'] [FORCE QUOTE {col, ... | *}]]   -- pre-9.0 syntax
 *   COPY (query) TO STDOUT ...
 * </pre>
 */
public sealed interface CopyCommand {

    /** {@code COPY table [(columns)] TO STDOUT}. */
    record TableCopy(TableName table, String sqlName, List<String> columns, CopyOptions options)
            implements CopyCommand {
        public TableCopy {
            requireNonNull(table, "table is null");
            requireNonNull(sqlName, "sqlName is null");
            columns = List.copyOf(columns);
            requireNonNull(options, "options is null");
        }
    }

    /** {@code COPY (query) TO STDOUT}: the query text, for the engine's own parser. */
    record QueryCopy(String query, CopyOptions options) implements CopyCommand {
        public QueryCopy {
            requireNonNull(query, "query is null");
            requireNonNull(options, "options is null");
        }
    }

    /** Not a COPY that sends data to the client (COPY FROM, COPY TO a file or program, not COPY). */
    record NotCopyOut() implements CopyCommand {
    }

    /** A COPY TO STDOUT whose options cannot be read: the engine must refuse it (fail closed). */
    record Unreadable(String reason) implements CopyCommand {
        public Unreadable {
            requireNonNull(reason, "reason is null");
        }
    }

    /** Reads one statement. Never throws for bad input: it answers {@link Unreadable}. */
    static CopyCommand parse(String sql) {
        requireNonNull(sql, "sql is null");
        try {
            return new CopyParser(sql).parse();
        } catch (IllegalArgumentException e) {
            return new Unreadable(e.getMessage());
        }
    }
}
