/**
 * The audit store: sessions, frames, admin actions, rule versions, approvals and engine state, in
 * embedded H2 (default, {@code <data>/store/bulwark.mv.db}) or a PostgreSQL shared by several engine
 * nodes. {@link dev.bulwark.store.Store} is the interface, {@link dev.bulwark.store.JdbcStore} the
 * implementation; the SQL is portable and what differs lives in {@link dev.bulwark.store.Dialect}.
 * Schema changes are versioned SQL resources under {@code dev/bulwark/store/migrations} applied by
 * {@code Migrations} (own runner, no Flyway: a schema_version table, one transaction per migration,
 * a PostgreSQL advisory lock so nodes starting together apply each once).
 *
 * <h2>Tamper evidence</h2>
 * Each node's frames and admin actions form one hash chain ordered by {@code seq}:
 * {@code hash[n] = HMAC-SHA256(key[epoch], hash[n-1] || canonical(record[n]))} (see
 * {@link dev.bulwark.store.AuditChain}). The key rolls forward,
 * {@code key[e+1] = HMAC-SHA256(key[e], "bulwark-roll")}, every {@code recording.key_roll_records}
 * records and at every engine start; each roll is announced by a {@code key_roll} record made with the
 * old key, and the engine then forgets the old key. So whoever steals the engine's current key (from
 * memory or {@code <data>/audit.key.state}) can rewrite records of the current epoch only: an earlier
 * record cannot get a valid HMAC, and it cannot be relabelled to the current epoch because epochs
 * change only right after a key_roll record of the previous epoch.
 *
 * <p>The seed ({@code <data>/audit.key}, epoch 0, created 0600 on first start) is what the verifier
 * derives every key from. <b>Production keeps a copy of the seed with the auditors</b> (offline, or in
 * their own vault) and may delete it from the engine host after the first start: the engine only
 * needs {@code audit.key.state}, and {@code bulwark audit verify --key FILE} takes the auditors' copy.
 * A seed left on the host lets a host intruder forge the whole chain.
 *
 * <h2>Retention</h2>
 * Only a prefix of a node's chain is ever deleted, and only whole sessions: the cut is placed before
 * the first session still open or too young and moved back until no session straddles it. Before
 * deleting, a {@code retention_cut} record is appended whose details hold the checkpoint (cut seq,
 * hash of the record before the cut, epoch at the cut); the verifier starts from that checkpoint and
 * requires the chain to confirm it. A session left open (e.g. a long-lived pool connection) holds back
 * retention of everything recorded after it started.
 *
 * <h2>What verification does not catch</h2>
 * <ul>
 *   <li>Deleting the newest records: the shorter chain is still valid. The engine's key state file
 *   catches it once the deletion crosses a key roll (the engine then refuses to start and verify
 *   fails); a SIEM receiving {@code bulwark audit export} keeps seq and hash outside the host.</li>
 *   <li>Records of the current epoch, by someone holding the current key (bounded by key_roll_records).</li>
 *   <li>Search columns ({@code statement_text}, {@code verdict}, {@code statement_tables}) are not
 *   covered; the payload they are copied from is. Session rows are checked against their
 *   SESSION_START frame (identity, origin, target, start time), not against the end frame.</li>
 * </ul>
 *
 * <h2>Concurrency and durability</h2>
 * Every method blocks; the engine reaches the store through the recorder's writer thread and
 * {@code AuditQueries}' executor. H2 is opened with AUTO_SERVER=TRUE so {@code bulwark audit} can read
 * it from another process while the engine runs, and WRITE_DELAY=0 so a commit reaches the file before
 * it returns (it survives an engine crash; H2 does not fsync each commit, so a power loss may lose the
 * last commits: use PostgreSQL where that matters). One writer per node is enforced (a file lock for
 * H2, an advisory lock for PostgreSQL). Node ids sharing a PostgreSQL store must be unique.
 */
package dev.bulwark.store;
