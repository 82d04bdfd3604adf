package dev.bulwark.model;

/** The first audit record whose chain does not verify: its sequence number and what is wrong. */
public record BrokenRecord(long sequence, String reason) {
    public BrokenRecord {
        Checks.notNegative(sequence, "sequence");
        Checks.text(reason, "reason");
    }
}
