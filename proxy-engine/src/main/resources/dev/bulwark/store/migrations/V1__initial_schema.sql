-- Bulwark audit store, version 1.
-- Portable SQL: it runs unchanged on H2 (MODE=PostgreSQL, DATABASE_TO_LOWER=TRUE) and PostgreSQL 12+.
-- Times are microseconds since the epoch (UTC) in BIGINT columns: exact, portable and cheap to compare.
-- Hashes are lower-case hex of HMAC-SHA256 (64 characters).

-- One row per client session: who, from where, to which target, and how it ended. It is the search
-- index for sessions; the tamper-evident copy of the same facts is the session's SESSION_START frame.
CREATE TABLE sessions (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    node_id          VARCHAR(64)   NOT NULL,
    subject          VARCHAR(256)  NOT NULL,
    member_groups    TEXT          NOT NULL,
    issuer           VARCHAR(512)  NOT NULL,
    token_id         VARCHAR(256)  NOT NULL,
    client_address   VARCHAR(256)  NOT NULL,
    application_name VARCHAR(256)  NOT NULL,
    target           VARCHAR(128)  NOT NULL,
    database_role    VARCHAR(128)  NOT NULL,
    audit_mode       VARCHAR(16)   NOT NULL,
    started_micros   BIGINT        NOT NULL,
    ended_micros     BIGINT,
    end_reason       VARCHAR(64),
    end_detail       VARCHAR(1024)
);
CREATE INDEX sessions_started ON sessions (started_micros);
CREATE INDEX sessions_subject ON sessions (subject, started_micros);
CREATE INDEX sessions_target ON sessions (target, started_micros);
CREATE INDEX sessions_node_open ON sessions (node_id, ended_micros);

-- The frames of every session, in order. (node_id, seq) places the frame in its node's hash chain;
-- (session_id, frame_no) orders it within its session. statement_text and verdict copy searchable
-- parts of STATEMENT payloads; only payload is covered by the chain.
CREATE TABLE frames (
    node_id        VARCHAR(64)  NOT NULL,
    seq            BIGINT       NOT NULL,
    epoch          INT          NOT NULL,
    session_id     VARCHAR(64)  NOT NULL,
    frame_no       INT          NOT NULL,
    at_micros      BIGINT       NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    payload        TEXT         NOT NULL,
    hash           CHAR(64)     NOT NULL,
    statement_text TEXT,
    verdict        VARCHAR(16),
    PRIMARY KEY (node_id, seq)
);
CREATE UNIQUE INDEX frames_session ON frames (session_id, frame_no);
CREATE INDEX frames_at ON frames (at_micros);

-- Tables named by each statement (lower case, as given by the classifier), for "sessions that touched X".
CREATE TABLE statement_tables (
    session_id VARCHAR(64)  NOT NULL,
    frame_no   INT          NOT NULL,
    table_name VARCHAR(256) NOT NULL,
    PRIMARY KEY (session_id, frame_no, table_name)
);
CREATE INDEX statement_tables_name ON statement_tables (table_name);

-- Engine and operator actions: rule changes, approvals, kills, vault changes, management logins, and the
-- chain's own markers (key_roll, retention_cut, recording_gap). Part of the same chain as frames.
CREATE TABLE admin_actions (
    node_id   VARCHAR(64)  NOT NULL,
    seq       BIGINT       NOT NULL,
    epoch     INT          NOT NULL,
    at_micros BIGINT       NOT NULL,
    actor     VARCHAR(256) NOT NULL,
    action    VARCHAR(64)  NOT NULL,
    target    VARCHAR(512) NOT NULL,
    details   TEXT         NOT NULL,
    hash      CHAR(64)     NOT NULL,
    PRIMARY KEY (node_id, seq)
);
CREATE INDEX admin_actions_at ON admin_actions (at_micros);
CREATE INDEX admin_actions_action ON admin_actions (node_id, action);

-- Every version of every rule set (kind 'policy' or 'masking'), as the JSON document that was saved.
CREATE TABLE rule_versions (
    kind           VARCHAR(32)  NOT NULL,
    version        INT          NOT NULL,
    document       TEXT         NOT NULL,
    changed_by     VARCHAR(256) NOT NULL,
    changed_micros BIGINT       NOT NULL,
    PRIMARY KEY (kind, version)
);

-- Approval requests and their decisions; request and decision are JSON documents owned by the approvals part.
CREATE TABLE approvals (
    id               VARCHAR(64)  NOT NULL PRIMARY KEY,
    node_id          VARCHAR(64)  NOT NULL,
    session_id       VARCHAR(64)  NOT NULL,
    requested_by     VARCHAR(256) NOT NULL,
    requested_micros BIGINT       NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    request          TEXT         NOT NULL,
    decided_by       VARCHAR(256),
    decided_micros   BIGINT,
    decision         TEXT
);
CREATE INDEX approvals_status ON approvals (status, requested_micros);
CREATE INDEX approvals_session ON approvals (session_id);

-- Small engine-wide key/value state.
CREATE TABLE engine_state (
    k              VARCHAR(128) NOT NULL PRIMARY KEY,
    v              TEXT         NOT NULL,
    updated_micros BIGINT       NOT NULL
);
