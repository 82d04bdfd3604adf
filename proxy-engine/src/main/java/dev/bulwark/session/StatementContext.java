package dev.bulwark.session;

/** The session's number for one executed statement: replies, rows and errors are reported under it. */
record StatementContext(long sequence) {}
