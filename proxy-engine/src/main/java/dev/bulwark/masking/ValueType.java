package dev.bulwark.masking;

import static java.util.Objects.requireNonNull;

/**
 * The type of one value to mask: its family plus the OID and modifier that bound it
 * (varchar(n), bpchar(n), numeric(p,s)).
 */
record ValueType(PgType kind, int typeOid, int typeModifier) {

    static final ValueType TEXT = new ValueType(PgType.TEXT, PgType.OID_TEXT, -1);

    ValueType {
        requireNonNull(kind, "kind is null");
    }

    static ValueType of(int typeOid, int typeModifier) {
        return new ValueType(PgType.of(typeOid), typeOid, typeModifier);
    }

    /** The declared length of varchar(n)/bpchar(n) in characters, or -1 when unbounded. */
    int maxChars() {
        if (typeOid == PgType.OID_CHAR) {
            return 1;
        }
        if ((typeOid == PgType.OID_VARCHAR || typeOid == PgType.OID_BPCHAR) && typeModifier >= 4) {
            return typeModifier - 4;
        }
        return -1;
    }

    /** numeric(p,s) precision, or -1 when unconstrained. */
    int numericPrecision() {
        return typeModifier >= 4 ? ((typeModifier - 4) >> 16) & 0xffff : -1;
    }

    /** numeric(p,s) scale (negative scales exist since PostgreSQL 15), 0 when unconstrained. */
    int numericScale() {
        return typeModifier >= 4 ? ((((typeModifier - 4) & 0x7ff) ^ 1024) - 1024) : 0;
    }
}
