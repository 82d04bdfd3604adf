package dev.bulwark.model;

/** Whether the recording store accepts writes, and a short human-readable detail. */
public record StoreHealth(boolean healthy, String detail) {
    public StoreHealth {
        java.util.Objects.requireNonNull(detail, "detail is null");
    }
}
