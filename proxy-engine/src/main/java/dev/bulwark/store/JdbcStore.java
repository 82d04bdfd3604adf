package dev.bulwark.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;

import static java.util.Objects.requireNonNull;

/**
 * The JDBC store over embedded H2 or PostgreSQL. The SQL is the same for both; what differs lives in
 * {@link Dialect}. Writes go through one dedicated writer connection (the recorder's single writer
 * thread), queries through a few pooled connections.
 *
 * <p>Embedded H2 lives in {@code <data>/store/bulwark.mv.db} and is opened with AUTO_SERVER=TRUE: the
 * first process to open it (the engine) serves it on a loopback port so {@code bulwark audit} can read
 * it while the engine runs. Its password is generated on first start into
 * {@code <data>/store/h2.password} (0600, in a 0700 directory). H2 starts that server with
 * {@code -tcpAllowOthers} on a random port of every interface, guarded by the random key in
 * {@code bulwark.lock.db} and by the password: keep the port closed to other hosts (host firewall).
 *
 * <p>All methods block (see {@link Store}).
 */
public final class JdbcStore implements Store {
    private static final String H2_USER = "bulwark";

    private final Dialect dialect;
    private final String nodeId;
    private final ConnectionPool.Factory factory;
    private final ConnectionPool pool;
    private final Path writerLockFile;
    private final Object ruleLock = new Object();
    private final Object writerMonitor = new Object();
    private Connection writerConnection;
    private boolean writerLeased;
    private final WriteApplier applier = new WriteApplier();

    private JdbcStore(Dialect dialect, String nodeId, ConnectionPool.Factory factory, int poolSize, Path writerLockFile) {
        this.dialect = dialect;
        this.nodeId = nodeId;
        this.factory = factory;
        this.pool = new ConnectionPool(factory, poolSize);
        this.writerLockFile = writerLockFile;
    }

    /**
     * Opens the configured store for the engine, creating the H2 database on first start and applying
     * pending schema migrations.
     */
    public static JdbcStore open(StoreConfig config, Path dataDir) {
        JdbcStore store = create(config, dataDir, false);
        try {
            store.migrate();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Opens an existing store for reading (the {@code bulwark audit} CLI): never creates a database,
     * never migrates. Works while the engine has the H2 file open.
     */
    public static JdbcStore openExisting(StoreConfig config, Path dataDir) {
        JdbcStore store = create(config, dataDir, true);
        try {
            int version = store.withConnection("read schema version", Migrations::currentVersion);
            if (version == 0) {
                throw new StoreException("no Bulwark audit store found (no schema) for " + describe(config, dataDir));
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Opens a PostgreSQL store directly (tests, tools); migrates when asked. */
    static JdbcStore postgres(String url, String user, String password, String nodeId, boolean migrate) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "bulwark-store");
        JdbcStore store = new JdbcStore(Dialect.POSTGRESQL, nodeId, () -> DriverManager.getConnection(url, properties), 4, null);
        if (migrate) {
            store.migrate();
        }
        return store;
    }

    private static JdbcStore create(StoreConfig config, Path dataDir, boolean mustExist) {
        requireNonNull(config, "config is null");
        return switch (config.dialect()) {
            case H2 -> {
                requireNonNull(dataDir, "dataDir is null");
                Path storeDir = dataDir.resolve("store");
                String password = h2Password(storeDir, mustExist);
                String url = Dialect.h2Url(storeDir.resolve("bulwark"), mustExist);
                yield new JdbcStore(Dialect.H2, config.nodeId(), () -> DriverManager.getConnection(url, H2_USER, password),
                        config.poolSize(), storeDir.resolve("writer.lock"));
            }
            case POSTGRESQL -> {
                Properties properties = new Properties();
                properties.setProperty("user", config.user());
                String password = postgresPassword(config);
                if (password != null) {
                    properties.setProperty("password", password);
                }
                properties.setProperty("ApplicationName", "bulwark-store");
                String url = config.url();
                yield new JdbcStore(Dialect.POSTGRESQL, config.nodeId(), () -> DriverManager.getConnection(url, properties),
                        config.poolSize(), null);
            }
        };
    }

    private static String describe(StoreConfig config, Path dataDir) {
        return config.dialect() == Dialect.H2 ? dataDir.resolve("store").toString() : config.url();
    }

    private static String h2Password(Path storeDir, boolean mustExist) {
        Path file = storeDir.resolve("h2.password");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            if (mustExist) {
                throw new StoreException("no Bulwark audit store in " + storeDir);
            }
            if (!Files.isDirectory(storeDir)) {
                try {
                    Files.createDirectories(storeDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(storeDir);
                }
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            Files.writeString(file, password + "\n", StandardCharsets.US_ASCII);
            return password;
        } catch (IOException e) {
            throw new StoreException("cannot read or create the H2 store password in " + storeDir + ": " + e.getMessage(), e);
        }
    }

    private static String postgresPassword(StoreConfig config) {
        if (config.passwordFile() != null) {
            try {
                return Files.readAllLines(Path.of(config.passwordFile()), StandardCharsets.UTF_8).stream()
                        .findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new StoreException("cannot read store.password_file " + config.passwordFile() + ": " + e.getMessage(), e);
            }
        }
        if (config.passwordEnv() != null) {
            String value = System.getenv(config.passwordEnv());
            if (value == null) {
                throw new StoreException("store.password_env names " + config.passwordEnv() + ", which is not set");
            }
            return value;
        }
        return null; // pgjdbc then tries ~/.pgpass, or the server trusts the connection
    }

    /** Applies pending migrations; returns how many were applied. */
    int migrate() {
        return withConnection("migrate the audit store schema", connection -> Migrations.apply(connection, dialect));
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    // ---------------------------------------------------------------- writing

    @Override
    public AutoCloseable acquireWriter() {
        synchronized (writerMonitor) {
            if (writerLeased) {
                throw new StoreException("this store already has a writer");
            }
            FileLock fileLock = null;
            FileChannel channel = null;
            if (writerLockFile != null) {
                try {
                    channel = FileChannel.open(writerLockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    fileLock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    fileLock = null;
                } catch (IOException e) {
                    ConnectionPool.closeQuietly(channel);
                    throw new StoreException("cannot lock " + writerLockFile + ": " + e.getMessage(), e);
                }
                if (fileLock == null) {
                    ConnectionPool.closeQuietly(channel);
                    throw new StoreException("another engine is writing the audit store (" + writerLockFile + " is locked)");
                }
            }
            writerLeased = true;
            try {
                writer(); // PostgreSQL: takes the node's advisory lock now, so a second node with the same id fails at start
            } catch (RuntimeException e) {
                writerLeased = false;
                ConnectionPool.closeQuietly(fileLock);
                ConnectionPool.closeQuietly(channel);
                throw e;
            }
            FileLock heldLock = fileLock;
            FileChannel heldChannel = channel;
            return () -> {
                synchronized (writerMonitor) {
                    writerLeased = false;
                    applier.reset();
                    ConnectionPool.closeQuietly(writerConnection);
                    writerConnection = null;
                    ConnectionPool.closeQuietly(heldLock);
                    ConnectionPool.closeQuietly(heldChannel);
                }
            };
        }
    }

    /** The writer connection, (re)opened on demand; holds the node's lock on PostgreSQL while leased. */
    private Connection writer() {
        synchronized (writerMonitor) {
            try {
                if (writerConnection != null && !writerConnection.isClosed()) {
                    return writerConnection;
                }
                applier.reset();
                Connection connection = factory.open();
                if (writerLeased && !dialect.tryLockWriter(connection, nodeId)) {
                    connection.close();
                    throw new StoreException("another engine with node id '" + nodeId + "' is writing the audit store");
                }
                connection.setAutoCommit(false);
                writerConnection = connection;
                return connection;
            } catch (SQLException e) {
                throw StoreException.wrap("open the audit store writer connection", e);
            }
        }
    }

    @Override
    public Optional<ChainTail> chainTail(String node) {
        return withConnection("read the chain tail", connection -> {
            ChainTail frame = null;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT seq, epoch, hash FROM frames WHERE node_id = ? ORDER BY seq DESC LIMIT 1")) {
                statement.setString(1, node);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        frame = new ChainTail(rows.getLong(1), rows.getInt(2), rows.getString(3).strip(), false);
                    }
                }
            }
            ChainTail admin = null;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT seq, epoch, hash, action FROM admin_actions WHERE node_id = ? ORDER BY seq DESC LIMIT 1")) {
                statement.setString(1, node);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        admin = new ChainTail(rows.getLong(1), rows.getInt(2), rows.getString(3).strip(),
                                AdminRecord.KEY_ROLL.equals(rows.getString(4)));
                    }
                }
            }
            if (frame == null) {
                return Optional.ofNullable(admin);
            }
            return Optional.of(admin != null && admin.seq() > frame.seq() ? admin : frame);
        });
    }

    @Override
    public void write(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        synchronized (writerMonitor) {
            Connection connection = writer();
            try {
                applier.apply(connection, writes);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is likely broken; it is replaced below
                }
                applier.reset();
                ConnectionPool.closeQuietly(connection);
                writerConnection = null;
                if (e instanceof SQLException sql) {
                    throw StoreException.wrap("write " + writes.size() + " audit records", sql);
                }
                throw (RuntimeException) e;
            }
        }
    }

    @Override
    public List<SessionRow> openSessions(String node) {
        return withConnection("list open sessions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions s WHERE s.node_id = ? AND s.ended_micros IS NULL"
                            + " ORDER BY s.started_micros")) {
                statement.setString(1, node);
                return Rows.sessions(statement);
            }
        });
    }

    @Override
    public int lastFrameNo(String sessionId) {
        return withConnection("read the last frame number", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT MAX(frame_no) FROM frames WHERE session_id = ?")) {
                statement.setString(1, sessionId);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    int value = rows.getInt(1);
                    return rows.wasNull() ? -1 : value;
                }
            }
        });
    }

    @Override
    public boolean ping() {
        try {
            return withConnection("ping", connection -> {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT 1")) {
                    return rows.next();
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- the chain

    @Override
    public List<String> chainNodes() {
        return withConnection("list chain nodes", connection -> {
            List<String> nodes = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT node_id FROM frames UNION SELECT node_id FROM admin_actions ORDER BY 1")) {
                while (rows.next()) {
                    nodes.add(rows.getString(1));
                }
            }
            return nodes;
        });
    }

    @Override
    public java.util.OptionalLong firstSeq(String node) {
        return withConnection("read the chain start", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT MIN(seq) FROM (SELECT MIN(seq) AS seq FROM frames WHERE node_id = ?"
                            + " UNION ALL SELECT MIN(seq) AS seq FROM admin_actions WHERE node_id = ?) m")) {
                statement.setString(1, node);
                statement.setString(2, node);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    long seq = rows.getLong(1);
                    return rows.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seq);
                }
            }
        });
    }

    @Override
    public ChainCursor chain(String node, long fromSeq, long sinceMicros) {
        Connection connection;
        try {
            connection = pool.borrow();
        } catch (SQLException e) {
            throw StoreException.wrap("read the audit chain", e);
        }
        try {
            PreparedStatement frames = connection.prepareStatement("SELECT " + Rows.FRAME_COLUMNS
                    + " FROM frames f WHERE f.node_id = ? AND f.seq >= ? AND f.at_micros >= ? ORDER BY f.seq");
            PreparedStatement admins = connection.prepareStatement("SELECT " + Rows.ADMIN_COLUMNS
                    + " FROM admin_actions a WHERE a.node_id = ? AND a.seq >= ? AND a.at_micros >= ? ORDER BY a.seq");
            dialect.prepareForStreaming(connection, frames);
            dialect.prepareForStreaming(connection, admins);
            for (PreparedStatement statement : List.of(frames, admins)) {
                statement.setString(1, node);
                statement.setLong(2, fromSeq);
                statement.setLong(3, sinceMicros);
            }
            return new MergingChainCursor(connection, frames.executeQuery(), admins.executeQuery(), pool);
        } catch (SQLException e) {
            pool.giveBack(connection, true);
            throw StoreException.wrap("read the audit chain", e);
        }
    }

    @Override
    public Optional<ChainRecord> record(String node, long seq) {
        return withConnection("read a chain record", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + Rows.FRAME_COLUMNS + " FROM frames f WHERE f.node_id = ? AND f.seq = ?")) {
                statement.setString(1, node);
                statement.setLong(2, seq);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return Optional.of(Rows.frame(rows));
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + Rows.ADMIN_COLUMNS + " FROM admin_actions a WHERE a.node_id = ? AND a.seq = ?")) {
                statement.setString(1, node);
                statement.setLong(2, seq);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(Rows.admin(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<AdminRecord> adminActions(String node, String action) {
        return withConnection("read admin actions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + Rows.ADMIN_COLUMNS
                    + " FROM admin_actions a WHERE a.node_id = ? AND a.action = ? ORDER BY a.seq")) {
                statement.setString(1, node);
                statement.setString(2, action);
                return Rows.admins(statement);
            }
        });
    }

    @Override
    public List<SessionSpan> sessionSpans(String node) {
        return withConnection("read session spans", connection -> {
            List<SessionSpan> spans = new ArrayList<>();
            // A frame without a session row counts as ended at its last frame, so it cannot hold retention back.
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT f.session_id, MIN(f.seq), MAX(f.seq), SUM(LENGTH(f.payload)), MAX(f.at_micros),"
                            + " MAX(s.ended_micros), COUNT(s.id)"
                            + " FROM frames f LEFT JOIN sessions s ON s.id = f.session_id"
                            + " WHERE f.node_id = ? GROUP BY f.session_id ORDER BY MIN(f.seq)")) {
                statement.setString(1, node);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long ended = rows.getLong(6);
                        Long endedMicros = rows.wasNull() ? null : ended;
                        if (rows.getLong(7) == 0) {
                            endedMicros = rows.getLong(5);
                        }
                        spans.add(new SessionSpan(rows.getString(1), rows.getLong(2), rows.getLong(3),
                                rows.getLong(4), endedMicros));
                    }
                }
            }
            return spans;
        });
    }

    @Override
    public Optional<Long> firstAdminSeqSince(String node, long micros) {
        return withConnection("read admin actions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT MIN(seq) FROM admin_actions WHERE node_id = ? AND at_micros >= ?")) {
                statement.setString(1, node);
                statement.setLong(2, micros);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    long seq = rows.getLong(1);
                    return rows.wasNull() ? Optional.empty() : Optional.of(seq);
                }
            }
        });
    }

    @Override
    public List<String> framesWithoutSession(String node, int limit) {
        return withConnection("check session rows", connection -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT DISTINCT f.session_id FROM frames f LEFT JOIN sessions s ON s.id = f.session_id"
                            + " WHERE f.node_id = ? AND s.id IS NULL ORDER BY f.session_id LIMIT ?")) {
                statement.setString(1, node);
                statement.setInt(2, limit);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    @Override
    public void forEachSessionStart(String node, BiConsumer<SessionRow, FrameRecord> consumer) {
        withConnection("read session starts", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + Rows.SESSION_COLUMNS + ", "
                    + Rows.FRAME_COLUMNS + " FROM sessions s LEFT JOIN frames f ON f.session_id = s.id AND f.frame_no = 0"
                    + " WHERE s.node_id = ? ORDER BY s.started_micros, s.id")) {
                dialect.prepareForStreaming(connection, statement);
                statement.setString(1, node);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        SessionRow session = Rows.session(rows);
                        rows.getString(16);
                        FrameRecord frame = rows.wasNull() ? null : Rows.frame(rows, 16);
                        consumer.accept(session, frame);
                    }
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- search and replay

    @Override
    public List<SessionRow> searchSessions(SessionQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(Rows.SESSION_COLUMNS).append(" FROM sessions s WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.subject() != null) {
            sql.append(" AND s.subject = ?");
            parameters.add(query.subject());
        }
        if (query.target() != null) {
            sql.append(" AND s.target = ?");
            parameters.add(query.target());
        }
        if (query.from() != null) {
            sql.append(" AND (s.ended_micros IS NULL OR s.ended_micros >= ?)");
            parameters.add(Micros.of(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND s.started_micros < ?");
            parameters.add(Micros.of(query.to()));
        }
        // Statement filters apply to one and the same statement ("a DENY on accounts").
        if (query.statementContains() != null || query.verdict() != null || query.table() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM frames f WHERE f.session_id = s.id AND f.kind = 'STATEMENT'");
            if (query.statementContains() != null) {
                sql.append(" AND LOWER(f.statement_text) LIKE ? ESCAPE '\\'");
                parameters.add("%" + likeEscape(query.statementContains().toLowerCase(java.util.Locale.ROOT)) + "%");
            }
            if (query.verdict() != null) {
                sql.append(" AND f.verdict = ?");
                parameters.add(query.verdict());
            }
            if (query.table() != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM statement_tables t WHERE t.session_id = f.session_id"
                        + " AND t.frame_no = f.frame_no AND (t.table_name = ? OR t.table_name LIKE ? ESCAPE '\\'))");
                parameters.add(query.table());
                parameters.add("%." + likeEscape(query.table()));
            }
            sql.append(')');
        }
        sql.append(" ORDER BY s.started_micros DESC, s.id DESC LIMIT ? OFFSET ?");
        parameters.add(query.limit());
        parameters.add(query.offset());
        return withConnection("search sessions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setObject(i + 1, parameters.get(i));
                }
                return Rows.sessions(statement);
            }
        });
    }

    static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public Optional<SessionRow> session(String sessionId) {
        return withConnection("read a session", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions s WHERE s.id = ?")) {
                statement.setString(1, sessionId);
                return Rows.sessions(statement).stream().findFirst();
            }
        });
    }

    @Override
    public List<FrameRecord> frames(String sessionId, int fromFrameNo, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000");
        }
        return withConnection("read frames", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + Rows.FRAME_COLUMNS
                    + " FROM frames f WHERE f.session_id = ? AND f.frame_no >= ? ORDER BY f.frame_no LIMIT ?")) {
                statement.setString(1, sessionId);
                statement.setInt(2, fromFrameNo);
                statement.setInt(3, limit);
                List<FrameRecord> frames = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        frames.add(Rows.frame(rows));
                    }
                }
                return frames;
            }
        });
    }

    @Override
    public List<AdminRecord> recentAdminActions(long sinceMicros, int limit) {
        return withConnection("read admin actions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + Rows.ADMIN_COLUMNS
                    + " FROM admin_actions a WHERE a.at_micros >= ? ORDER BY a.at_micros, a.node_id, a.seq LIMIT ?")) {
                statement.setLong(1, sinceMicros);
                statement.setInt(2, limit);
                return Rows.admins(statement);
            }
        });
    }

    // ---------------------------------------------------------------- rule sets

    @Override
    public int saveRuleSet(String kind, String json, String changedBy) {
        RuleVersion.checkKind(kind);
        requireNonNull(json, "json is null");
        requireNonNull(changedBy, "changedBy is null");
        synchronized (ruleLock) {
            return withConnection("save a " + kind + " rule set", connection -> TableSql.saveRuleSet(connection, dialect, kind, json, changedBy));
        }
    }

    @Override
    public Optional<RuleVersion> latestRuleSet(String kind) {
        RuleVersion.checkKind(kind);
        return withConnection("read the latest rule set", connection -> TableSql.ruleVersions(connection, kind, true).stream().findFirst());
    }

    @Override
    public List<RuleVersion> ruleSetHistory(String kind) {
        RuleVersion.checkKind(kind);
        return withConnection("read rule set history", connection -> TableSql.ruleVersions(connection, kind, false));
    }

    // ---------------------------------------------------------------- approvals

    @Override
    public void saveApproval(ApprovalRow approval) {
        withConnection("save an approval", connection -> {
            TableSql.saveApproval(connection, approval);
            return null;
        });
    }

    @Override
    public boolean decideApproval(String id, String status, String decidedBy, long decidedMicros, String decisionJson) {
        if (ApprovalRow.PENDING.equals(status)) {
            throw new IllegalArgumentException("a decision cannot set the status back to pending");
        }
        return withConnection("decide an approval",
                connection -> TableSql.decideApproval(connection, id, status, decidedBy, decidedMicros, decisionJson));
    }

    @Override
    public Optional<ApprovalRow> approval(String id) {
        return withConnection("read an approval", connection -> TableSql.approvals(connection, id, null, 1).stream().findFirst());
    }

    @Override
    public List<ApprovalRow> approvals(String status, int limit) {
        return withConnection("list approvals", connection -> TableSql.approvals(connection, null, status, limit));
    }

    // ---------------------------------------------------------------- engine state

    @Override
    public Optional<String> state(String key) {
        return withConnection("read engine state", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT v FROM engine_state WHERE k = ?")) {
                statement.setString(1, key);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void putState(String key, String value) {
        withConnection("write engine state", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(dialect.upsertStateSql())) {
                statement.setString(1, key);
                statement.setString(2, value);
                statement.setLong(3, Micros.of(Instant.now()));
                statement.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void close() {
        synchronized (writerMonitor) {
            applier.reset();
            ConnectionPool.closeQuietly(writerConnection);
            writerConnection = null;
        }
        pool.close();
    }

    // ---------------------------------------------------------------- helpers

    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs work on a pooled connection; a connection that failed is discarded. */
    <T> T withConnection(String operation, SqlWork<T> work) {
        Connection connection;
        try {
            connection = pool.borrow();
        } catch (SQLException e) {
            throw StoreException.wrap(operation, e);
        }
        boolean broken = false;
        try {
            return work.run(connection);
        } catch (SQLException e) {
            broken = true;
            throw StoreException.wrap(operation, e);
        } catch (RuntimeException e) {
            broken = true;
            throw e;
        } finally {
            pool.giveBack(connection, broken);
        }
    }
}
