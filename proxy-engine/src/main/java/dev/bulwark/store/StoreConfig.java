package dev.bulwark.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the audit store lives (YAML section {@code store:}).
 *
 * <pre>
 * store:
 *   kind: h2                  # h2 (default: a file under the data directory) or postgresql
 *   node_id: local            # this engine's name; one hash chain per node. Unique per engine sharing a store
 *   url: jdbc:postgresql://db:5432/bulwark   # postgresql only
 *   user: bulwark             # postgresql only
 *   password_file: /etc/bulwark/store.password   # postgresql: file holding the password (first line), or
 *   password_env: BULWARK_STORE_PASSWORD         #   the environment variable holding it
 *   pool_size: 4              # connections kept for queries (the writer has its own)
 * </pre>
 *
 * @param kind {@code h2} or {@code postgresql}
 * @param nodeId this engine node's id (letters, digits, '.', '_', '-'; at most 64)
 * @param url JDBC URL of the PostgreSQL store
 * @param user database user of the PostgreSQL store
 * @param passwordFile file with the PostgreSQL password
 * @param passwordEnv environment variable with the PostgreSQL password
 * @param poolSize idle query connections kept open
 */
public record StoreConfig(
        String kind,
        String nodeId,
        String url,
        String user,
        String passwordFile,
        String passwordEnv,
        Integer poolSize) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public StoreConfig {
        kind = kind == null ? "h2" : kind.trim().toLowerCase(Locale.ROOT);
        nodeId = nodeId == null ? "local" : nodeId.trim();
        user = user == null ? "bulwark" : user;
        poolSize = poolSize == null ? 4 : poolSize;
        if (!kind.equals("h2") && !kind.equals("postgresql")) {
            throw new IllegalArgumentException("store.kind must be h2 or postgresql, not '" + kind + "'");
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException(
                    "store.node_id must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        if (kind.equals("postgresql") && (url == null || !url.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("store.url must be a jdbc:postgresql: URL when store.kind is postgresql");
        }
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException("store.pool_size must be between 1 and 64");
        }
    }

    /** The default: embedded H2 under the data directory, node id {@code local}. */
    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null, null, null, null, null);
    }

    public Dialect dialect() {
        return kind.equals("h2") ? Dialect.H2 : Dialect.POSTGRESQL;
    }
}
