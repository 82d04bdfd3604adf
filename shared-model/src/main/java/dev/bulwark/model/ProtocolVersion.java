package dev.bulwark.model;

/** The management protocol version this build speaks. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;

    private ProtocolVersion() {}
}
