package dev.bulwark.model;

/** A result column: its name and its PostgreSQL type name (for example int4, text). */
public record ResultColumn(String name, String type) {
    public ResultColumn {
        java.util.Objects.requireNonNull(name, "name is null");
        Checks.text(type, "type");
    }
}
