package dev.bulwark.model;

/**
 * The outcome of verifying the audit chain.
 *
 * @param ok whether every record verified
 * @param recordsChecked records checked
 * @param firstBroken the first record that did not verify; present exactly when {@code ok} is false
 */
public record AuditVerification(boolean ok, long recordsChecked, BrokenRecord firstBroken) {
    public AuditVerification {
        Checks.notNegative(recordsChecked, "records_checked");
        if (ok != (firstBroken == null)) {
            throw new IllegalArgumentException("first_broken must be present exactly when ok is false");
        }
    }
}
