package dev.bulwark.model;

/** A configured target: its name, its upstream address ({@code host:port}) and its live sessions. */
public record TargetStatus(String name, String address, int sessions) {
    public TargetStatus {
        Checks.text(name, "name");
        Checks.text(address, "address");
        Checks.notNegative(sessions, "sessions");
    }
}
