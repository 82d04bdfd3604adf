package dev.bulwark.session;

import static java.util.Objects.requireNonNull;

/**
 * What the client is told about a statement the engine refused. The engine sends a stand-in that
 * fails harmlessly upstream, so the server's transaction state follows exactly as if the client's
 * statement had failed there (an open transaction block is aborted, an implicit one rolled back),
 * and replaces the server's error with this one.
 */
record DeniedStatement(String sqlState, String message, String detail) {
    DeniedStatement {
        requireNonNull(sqlState, "sqlState is null");
        requireNonNull(message, "message is null");
    }

    /** A statement that cannot parse, so it has no effect but an error. */
    static final String STAND_IN_SQL = "/* bulwark: statement refused by policy */ BULWARK_REFUSED";
}
