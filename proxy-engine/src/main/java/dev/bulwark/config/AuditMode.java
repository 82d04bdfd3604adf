package dev.bulwark.config;

/** Whether a statement's frame must be durable before the statement is forwarded. */
public enum AuditMode {
    STRICT, ASYNC
}
