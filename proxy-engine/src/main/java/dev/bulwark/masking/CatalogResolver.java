package dev.bulwark.masking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Resolves the table OIDs and attribute numbers of RowDescription to schema, table and column
 * names for one target, through a side JDBC connection, and traces view columns to the base table
 * columns they show (through {@code pg_rewrite}: each view output column records the table and
 * column it comes from; expressions are tied to the base columns the view reads, from
 * {@code pg_depend}). Results are cached until {@link #invalidate()} (the engine calls it after DDL).
 *
 * <p>Threading: {@link #cached}, {@link #cachedTable} and {@link #invalidate} never block and may
 * be called on an event loop. {@link #resolve} and {@link #resolveTable} return at once and do
 * their JDBC work on the executor given here (one query at a time on the side connection).
 * {@link #close} may block briefly. Needs PostgreSQL 12 or later (pg_attribute.attgenerated).
 */
public final class CatalogResolver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogResolver.class);

    /** Views of views are followed this deep; deeper is "unknown" (masked fail closed). */
    static final int MAX_VIEW_DEPTH = 8;
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private static final String RELATIONS = """
            SELECT c.oid, n.nspname, c.relname, c.relkind
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = ANY(?::pg_catalog.oid[])""";
    private static final String ATTRIBUTES = """
            SELECT a.attrelid, a.attnum, a.attname, a.atttypid,
                   CASE WHEN t.typtype <> 'd' THEN a.atttypid
                        WHEN b.typtype = 'd' THEN b.typbasetype
                        ELSE t.typbasetype END,
                   a.atttypmod, a.attgenerated <> ''
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
            WHERE a.attrelid = ANY(?::pg_catalog.oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum""";
    private static final String VIEW_QUERIES = """
            SELECT r.ev_class, r.ev_action
            FROM pg_catalog.pg_rewrite r
            WHERE r.ev_class = ANY(?::pg_catalog.oid[]) AND r.rulename = '_RETURN'""";
    private static final String VIEW_DEPENDENCIES = """
            SELECT r.ev_class, d.refobjid, d.refobjsubid
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
            WHERE r.ev_class = ANY(?::pg_catalog.oid[]) AND r.rulename = '_RETURN'
              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid <> r.ev_class""";
    private static final String ANCESTORS = """
            WITH RECURSIVE up(child, parent) AS (
                SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = ANY(?::pg_catalog.oid[])
                UNION
                SELECT up.child, i.inhparent FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.parent)
            SELECT up.child, n.nspname, c.relname
            FROM up JOIN pg_catalog.pg_class c ON c.oid = up.parent
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace""";
    private static final String REGCLASS = "SELECT pg_catalog.to_regclass(?)::pg_catalog.oid";
    /** Every relation of a name, in any schema unless one is given (search_path is the client's, unknown here). */
    private static final String NAMED = """
            SELECT c.oid
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = ? AND (? = '' OR n.nspname = ?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')""";

    private final Supplier<Connection> connections;
    private final Executor executor;
    private final Map<Integer, CatalogTable> byOid = new ConcurrentHashMap<>();
    private final Map<TableName, CatalogTable> byName = new ConcurrentHashMap<>();
    /** Relations by the name SQL gave them (schema empty: every schema), for access: masked_only. */
    private final Map<TableName, List<CatalogTable>> bySqlName = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Object lock = new Object();
    private Connection connection; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param connections opens a new side connection to the target (called on the executor, again
     *     after a connection failed)
     * @param executor where the blocking JDBC work runs (never an event loop)
     */
    public CatalogResolver(Supplier<Connection> connections, Executor executor) {
        this.connections = requireNonNull(connections, "connections is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** The snapshot for these OIDs when all are cached; never blocks. */
    public Optional<CatalogSnapshot> cached(Set<Integer> tableOids) {
        Map<Integer, CatalogTable> tables = new HashMap<>();
        for (int oid : tableOids) {
            CatalogTable table = byOid.get(oid);
            if (table == null) {
                return Optional.empty();
            }
            tables.put(oid, table);
        }
        return Optional.of(new CatalogSnapshot(tables));
    }

    /** A table already resolved (by OID or name), by its catalog name; never blocks. */
    public Optional<CatalogTable> cachedTable(TableName name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Resolves the OIDs on the executor. Always completes normally: an OID that could not be
     * resolved (dropped meanwhile, or the side connection failed) is absent from the snapshot, and
     * masking treats its columns as of unknown origin (fail closed). Failures are not cached.
     */
    public CompletableFuture<CatalogSnapshot> resolve(Set<Integer> tableOids) {
        Set<Integer> wanted = Set.copyOf(tableOids);
        Optional<CatalogSnapshot> cached = cached(wanted);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(cached.get());
        }
        return CompletableFuture.supplyAsync(() -> {
            synchronized (lock) {
                Set<Integer> missing = new HashSet<>();
                for (int oid : wanted) {
                    if (!byOid.containsKey(oid)) {
                        missing.add(oid);
                    }
                }
                Map<Integer, CatalogTable> loaded = missing.isEmpty() ? Map.of() : loadLocked(missing);
                Map<Integer, CatalogTable> tables = new HashMap<>();
                for (int oid : wanted) {
                    CatalogTable table = loaded.containsKey(oid) ? loaded.get(oid) : byOid.get(oid);
                    if (table != null) {
                        tables.put(oid, table);
                    }
                }
                return new CatalogSnapshot(tables);
            }
        }, executor);
    }

    /**
     * Resolves a table named as in SQL ({@code customers}, {@code public."Orders"}) with
     * {@code to_regclass} on the side connection, for COPY. Unqualified names are found through the
     * side connection's search_path, which may differ from the client session's. Empty when the
     * table does not exist or the catalog is unreachable.
     */
    public CompletableFuture<Optional<CatalogTable>> resolveTable(String sqlName) {
        requireNonNull(sqlName, "sqlName is null");
        return CompletableFuture.supplyAsync(() -> {
            synchronized (lock) {
                try {
                    Connection conn = connectionLocked();
                    int oid;
                    try (PreparedStatement statement = conn.prepareStatement(REGCLASS)) {
                        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                        statement.setString(1, sqlName);
                        try (ResultSet rows = statement.executeQuery()) {
                            if (!rows.next() || rows.getObject(1) == null) {
                                return Optional.<CatalogTable>empty();
                            }
                            oid = (int) rows.getLong(1);
                        }
                    }
                    CatalogTable table = byOid.get(oid);
                    return Optional.ofNullable(table != null ? table : loadLocked(Set.of(oid)).get(oid));
                } catch (SQLException | RuntimeException e) {
                    failedLocked(e);
                    return Optional.<CatalogTable>empty();
                }
            }
        }, executor);
    }

    /**
     * Every relation (table, view, materialized view, foreign table) a name written in SQL may mean,
     * when already looked up: in any schema when {@code name} is unqualified (the client's search_path is
     * not known here), an empty list when there is none. Never blocks.
     */
    public Optional<List<CatalogTable>> cachedRelationsNamed(TableName name) {
        return Optional.ofNullable(bySqlName.get(requireNonNull(name, "name is null")));
    }

    /**
     * Looks the names up on the executor (see {@link #cachedRelationsNamed}), views traced as for
     * {@link #resolve}. Always completes normally; a name that could not be looked up (the side
     * connection failed) is absent from the map and not cached.
     */
    public CompletableFuture<Map<TableName, List<CatalogTable>>> resolveRelationsNamed(Set<TableName> names) {
        Set<TableName> wanted = Set.copyOf(names);
        return CompletableFuture.supplyAsync(() -> {
            synchronized (lock) {
                long startGeneration = generation.get();
                Map<TableName, List<CatalogTable>> found = new HashMap<>();
                try {
                    Connection conn = connectionLocked();
                    for (TableName name : wanted) {
                        List<CatalogTable> cached = bySqlName.get(name);
                        if (cached != null) {
                            found.put(name, cached);
                            continue;
                        }
                        Set<Integer> oids = new LinkedHashSet<>();
                        try (PreparedStatement statement = conn.prepareStatement(NAMED)) {
                            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                            statement.setString(1, name.table());
                            statement.setString(2, name.schema());
                            statement.setString(3, name.schema());
                            try (ResultSet rows = statement.executeQuery()) {
                                while (rows.next()) {
                                    oids.add((int) rows.getLong(1));
                                }
                            }
                        }
                        Set<Integer> missing = new HashSet<>(oids);
                        missing.removeIf(byOid::containsKey);
                        Map<Integer, CatalogTable> loaded = missing.isEmpty() ? Map.of() : loadLocked(missing);
                        List<CatalogTable> tables = new ArrayList<>();
                        for (int oid : oids) {
                            CatalogTable table = loaded.containsKey(oid) ? loaded.get(oid) : byOid.get(oid);
                            if (table == null) {
                                tables = null; // not loaded (failure or dropped meanwhile): unknown, fail closed
                                break;
                            }
                            tables.add(table);
                        }
                        if (tables == null) {
                            continue;
                        }
                        found.put(name, List.copyOf(tables));
                        if (generation.get() == startGeneration) {
                            bySqlName.put(name, List.copyOf(tables));
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failedLocked(e);
                }
                return found;
            }
        }, executor);
    }

    /** Forgets everything (after DDL: OIDs are reused, columns renamed, views replaced). Never blocks. */
    public void invalidate() {
        generation.incrementAndGet();
        byOid.clear();
        byName.clear();
        bySqlName.clear();
    }

    /** Closes the side connection; may block briefly. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            closeConnectionLocked();
        }
    }

    // ---- loading (on the executor, holding lock) ----------------------------------------------

    private record Relation(int oid, TableName name, char kind, List<RawColumn> columns, List<TableName> ancestors) {
    }

    private record RawColumn(int attnum, String name, int typeOid, int baseTypeOid, int typeModifier,
            boolean generated) {
    }

    private record Reference(int table, int column) {
    }

    /** Loads the relations, following views; caches and returns the tables built (empty on failure). */
    private Map<Integer, CatalogTable> loadLocked(Set<Integer> oids) {
        long startGeneration = generation.get();
        Map<Integer, Relation> relations = new HashMap<>();
        Map<Integer, List<ViewQueryTree.Target>> viewTargets = new HashMap<>();
        Map<Integer, Set<Reference>> viewReads = new HashMap<>();
        try {
            Connection conn = connectionLocked();
            Set<Integer> pending = new LinkedHashSet<>(oids);
            for (int depth = 0; depth <= MAX_VIEW_DEPTH && !pending.isEmpty(); depth++) {
                loadRelations(conn, pending, relations);
                Set<Integer> views = pending.stream()
                        .filter(oid -> relations.containsKey(oid) && isView(relations.get(oid).kind()))
                        .collect(Collectors.toSet());
                Set<Integer> next = new LinkedHashSet<>();
                if (!views.isEmpty()) {
                    loadViews(conn, views, viewTargets, viewReads);
                    for (int view : views) {
                        for (ViewQueryTree.Target target : viewTargets.getOrDefault(view, List.of())) {
                            if (target.originTable() != 0) {
                                next.add(target.originTable());
                            }
                        }
                        for (Reference read : viewReads.getOrDefault(view, Set.of())) {
                            next.add(read.table());
                        }
                    }
                }
                next.removeAll(relations.keySet());
                next.removeIf(byOid::containsKey);
                pending = next;
            }
        } catch (SQLException | RuntimeException e) {
            failedLocked(e);
            return Map.of();
        }
        Tracer tracer = new Tracer(relations, viewTargets, viewReads);
        Map<Integer, CatalogTable> built = new HashMap<>();
        for (Relation relation : relations.values()) {
            List<CatalogColumn> columns = new ArrayList<>();
            for (RawColumn column : relation.columns()) {
                columns.add(new CatalogColumn(column.attnum(), column.name(), column.typeOid(), column.baseTypeOid(),
                        column.typeModifier(), column.generated(), tracer.source(relation.oid(), column.attnum(), 0)));
            }
            built.put(relation.oid(), new CatalogTable(relation.oid(), relation.name(), relation.kind(), columns));
        }
        if (generation.get() == startGeneration) {
            for (CatalogTable table : built.values()) {
                byOid.put(table.oid(), table);
                byName.put(table.name(), table);
            }
        }
        return built; // also when the cache refused it (invalidated meanwhile): fresh facts for this caller
    }

    /** Traces columns to their sources, with the cache as a second source of facts. */
    private final class Tracer {
        private final Map<Integer, Relation> relations;
        private final Map<Integer, List<ViewQueryTree.Target>> viewTargets;
        private final Map<Integer, Set<Reference>> viewReads;

        Tracer(Map<Integer, Relation> relations, Map<Integer, List<ViewQueryTree.Target>> viewTargets,
                Map<Integer, Set<Reference>> viewReads) {
            this.relations = relations;
            this.viewTargets = viewTargets;
            this.viewReads = viewReads;
        }

        ColumnSource source(int oid, int attnum, int depth) {
            if (depth > MAX_VIEW_DEPTH) {
                return new ColumnSource.Unknown("views nested deeper than " + MAX_VIEW_DEPTH);
            }
            Relation relation = relations.get(oid);
            if (relation == null) {
                CatalogTable cached = byOid.get(oid);
                if (cached == null) {
                    return new ColumnSource.Unknown("relation " + Integer.toUnsignedString(oid) + " not found");
                }
                return cached.column(attnum).map(CatalogColumn::source)
                        .orElse(new ColumnSource.Unknown("column not found"));
            }
            Optional<RawColumn> column = relation.columns().stream().filter(c -> c.attnum() == attnum).findFirst();
            if (column.isEmpty()) {
                return new ColumnSource.Unknown("column not found");
            }
            if (!isView(relation.kind())) {
                String name = column.get().name();
                return new ColumnSource.Base(new ColumnName(relation.name(), name),
                        relation.ancestors().stream().map(ancestor -> new ColumnName(ancestor, name)).toList());
            }
            List<ViewQueryTree.Target> targets = viewTargets.get(oid);
            if (targets == null) {
                return new ColumnSource.Unknown("view query not readable");
            }
            ViewQueryTree.Target target = targets.stream()
                    .filter(t -> t.resultNumber() == attnum && !t.junk()).findFirst().orElse(null);
            if (target == null) {
                return new ColumnSource.Unknown("view column not in its query");
            }
            if (target.originTable() != 0 && target.originColumn() > 0) {
                return source(target.originTable(), target.originColumn(), depth + 1);
            }
            // An expression (or a whole-row value): it may read any column the view reads.
            Set<Reference> reads = new HashSet<>(viewReads.getOrDefault(oid, Set.of()));
            if (target.originTable() != 0) {
                reads.add(new Reference(target.originTable(), 0));
            }
            return derived(reads, depth);
        }

        private ColumnSource derived(Collection<Reference> reads, int depth) {
            Set<ColumnName> columns = new HashSet<>();
            for (Reference read : reads) {
                List<Integer> attnums = new ArrayList<>();
                if (read.column() > 0) {
                    attnums.add(read.column());
                } else {
                    Relation relation = relations.get(read.table());
                    if (relation != null) {
                        relation.columns().forEach(c -> attnums.add(c.attnum()));
                    } else {
                        CatalogTable cached = byOid.get(read.table());
                        if (cached == null) {
                            return new ColumnSource.Unknown("relation read by a view not found");
                        }
                        cached.columns().forEach(c -> attnums.add(c.attributeNumber()));
                    }
                }
                for (int attnum : attnums) {
                    switch (source(read.table(), attnum, depth + 1)) {
                        case ColumnSource.Base base -> {
                            columns.add(base.column());
                            columns.addAll(base.ancestors());
                        }
                        case ColumnSource.Derived inner -> columns.addAll(inner.readsFrom());
                        case ColumnSource.Unknown unknown -> {
                            return unknown;
                        }
                    }
                }
            }
            return new ColumnSource.Derived(columns);
        }
    }

    private static boolean isView(char kind) {
        return kind == 'v' || kind == 'm';
    }

    private static void loadRelations(Connection conn, Set<Integer> oids, Map<Integer, Relation> out)
            throws SQLException {
        Map<Integer, Relation> found = new HashMap<>();
        try (PreparedStatement statement = conn.prepareStatement(RELATIONS)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oidArray(oids));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int oid = (int) rows.getLong(1);
                    String kind = rows.getString(4);
                    found.put(oid, new Relation(oid, new TableName(rows.getString(2), rows.getString(3)),
                            kind.isEmpty() ? '?' : kind.charAt(0), new ArrayList<>(), new ArrayList<>()));
                }
            }
        }
        if (found.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = conn.prepareStatement(ATTRIBUTES)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oidArray(found.keySet()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Relation relation = found.get((int) rows.getLong(1));
                    relation.columns().add(new RawColumn(rows.getInt(2), rows.getString(3), (int) rows.getLong(4),
                            (int) rows.getLong(5), rows.getInt(6), rows.getBoolean(7)));
                }
            }
        }
        // Partitions and inheritance children: the parents' names, so rules on a parent apply.
        try (PreparedStatement statement = conn.prepareStatement(ANCESTORS)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oidArray(found.keySet()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.get((int) rows.getLong(1)).ancestors().add(new TableName(rows.getString(2), rows.getString(3)));
                }
            }
        }
        out.putAll(found);
    }

    private static void loadViews(Connection conn, Set<Integer> views, Map<Integer, List<ViewQueryTree.Target>> targets,
            Map<Integer, Set<Reference>> reads) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement(VIEW_QUERIES)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oidArray(views));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int view = (int) rows.getLong(1);
                    try {
                        targets.put(view, ViewQueryTree.targets(rows.getString(2)));
                    } catch (RuntimeException e) {
                        LOG.warn("masking catalog: cannot read the query of view {}: {}",
                                Integer.toUnsignedString(view), e.getMessage());
                    }
                }
            }
        }
        try (PreparedStatement statement = conn.prepareStatement(VIEW_DEPENDENCIES)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oidArray(views));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reads.computeIfAbsent((int) rows.getLong(1), key -> new HashSet<>())
                            .add(new Reference((int) rows.getLong(2), rows.getInt(3)));
                }
            }
        }
    }

    /** OIDs are unsigned on the wire and in the catalog; a Java int holds their bits. */
    private static String oidArray(Collection<Integer> oids) {
        return oids.stream().map(Integer::toUnsignedString).collect(Collectors.joining(",", "{", "}"));
    }

    private Connection connectionLocked() throws SQLException {
        if (closed) {
            throw new SQLException("catalog resolver closed");
        }
        if (connection == null || connection.isClosed()) {
            connection = requireNonNull(connections.get(), "connection supplier returned null");
            connection.setAutoCommit(true);
            connection.setReadOnly(true);
        }
        return connection;
    }

    private void failedLocked(Exception e) {
        // The message of a catalog failure never carries data values; the SQLSTATE helps operators.
        String state = e instanceof SQLException sql ? sql.getSQLState() : e.getClass().getSimpleName();
        LOG.warn("masking catalog lookup failed ({}): {}; affected columns are masked fail closed", state,
                e.getMessage());
        closeConnectionLocked();
    }

    private void closeConnectionLocked() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
            connection = null;
        }
    }
}
