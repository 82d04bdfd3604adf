package dev.bulwark.model;

/**
 * A result column: its name and its PostgreSQL type name (for example int4, text).
 *
 * @param maskedForRecord true when the recording holds this column's values masked for the record
 *     although the reader saw them unmasked (a masking rule the reader was exempt from keeps recordings
 *     masked); null (left out of the JSON) otherwise
 */
public record ResultColumn(String name, String type, Boolean maskedForRecord) {
    public ResultColumn {
        java.util.Objects.requireNonNull(name, "name is null");
        Checks.text(type, "type");
        maskedForRecord = Boolean.TRUE.equals(maskedForRecord) ? Boolean.TRUE : null;
    }

    /** A column recorded as the reader saw it. */
    public ResultColumn(String name, String type) {
        this(name, type, null);
    }

    /** Whether the recorded values differ from what the reader saw: masked for the record. */
    public boolean maskedInRecord() {
        return maskedForRecord != null;
    }
}
