package dev.bulwark.masking;

import java.util.Map;

/**
 * The families of PostgreSQL types masking knows how to write a valid replacement for. Everything
 * else is {@link #OTHER}: a text placeholder when the client reads text, NULL in binary.
 */
enum PgType {
    BOOL,
    INT2,
    INT4,
    INT8,
    NUMERIC,
    FLOAT4,
    FLOAT8,
    /** text, varchar, name, unknown: any UTF-8 string. */
    TEXT,
    /** xml: a string that must stay well-formed XML content. */
    XML,
    /** bpchar and "char": blank padded to a fixed length. */
    BPCHAR,
    JSON,
    JSONB,
    BYTEA,
    DATE,
    TIME,
    TIMETZ,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    UUID,
    INET,
    CIDR,
    /** Any array type. */
    ARRAY,
    /** record and table row types (only known by OID when the catalog supplied it). */
    RECORD,
    OTHER;

    static final int OID_BOOL = 16;
    static final int OID_BYTEA = 17;
    static final int OID_CHAR = 18;
    static final int OID_NAME = 19;
    static final int OID_INT8 = 20;
    static final int OID_INT2 = 21;
    static final int OID_INT4 = 23;
    static final int OID_TEXT = 25;
    static final int OID_JSON = 114;
    static final int OID_XML = 142;
    static final int OID_CIDR = 650;
    static final int OID_FLOAT4 = 700;
    static final int OID_FLOAT8 = 701;
    static final int OID_UNKNOWN = 705;
    static final int OID_INET = 869;
    static final int OID_BPCHAR = 1042;
    static final int OID_VARCHAR = 1043;
    static final int OID_DATE = 1082;
    static final int OID_TIME = 1083;
    static final int OID_TIMESTAMP = 1114;
    static final int OID_TIMESTAMPTZ = 1184;
    static final int OID_INTERVAL = 1186;
    static final int OID_TIMETZ = 1266;
    static final int OID_NUMERIC = 1700;
    static final int OID_RECORD = 2249;
    static final int OID_UUID = 2950;
    static final int OID_JSONB = 3802;

    private static final Map<Integer, PgType> BY_OID = Map.ofEntries(
            Map.entry(OID_BOOL, BOOL),
            Map.entry(OID_BYTEA, BYTEA),
            Map.entry(OID_CHAR, BPCHAR),
            Map.entry(OID_NAME, TEXT),
            Map.entry(OID_INT8, INT8),
            Map.entry(OID_INT2, INT2),
            Map.entry(OID_INT4, INT4),
            Map.entry(OID_TEXT, TEXT),
            Map.entry(OID_JSON, JSON),
            Map.entry(OID_XML, XML),
            Map.entry(OID_CIDR, CIDR),
            Map.entry(OID_FLOAT4, FLOAT4),
            Map.entry(OID_FLOAT8, FLOAT8),
            Map.entry(OID_UNKNOWN, TEXT),
            Map.entry(OID_INET, INET),
            Map.entry(OID_BPCHAR, BPCHAR),
            Map.entry(OID_VARCHAR, TEXT),
            Map.entry(OID_DATE, DATE),
            Map.entry(OID_TIME, TIME),
            Map.entry(OID_TIMESTAMP, TIMESTAMP),
            Map.entry(OID_TIMESTAMPTZ, TIMESTAMPTZ),
            Map.entry(OID_INTERVAL, INTERVAL),
            Map.entry(OID_TIMETZ, TIMETZ),
            Map.entry(OID_NUMERIC, NUMERIC),
            Map.entry(OID_RECORD, RECORD),
            Map.entry(OID_UUID, UUID),
            Map.entry(OID_JSONB, JSONB),
            // Built-in array types (pg_type.typarray of the types above and a few more).
            Map.entry(1000, ARRAY), Map.entry(1001, ARRAY), Map.entry(1002, ARRAY), Map.entry(1003, ARRAY),
            Map.entry(1005, ARRAY), Map.entry(1007, ARRAY), Map.entry(1009, ARRAY), Map.entry(1014, ARRAY),
            Map.entry(1015, ARRAY), Map.entry(1016, ARRAY), Map.entry(1021, ARRAY), Map.entry(1022, ARRAY),
            Map.entry(1028, ARRAY), Map.entry(1041, ARRAY), Map.entry(651, ARRAY), Map.entry(199, ARRAY),
            Map.entry(143, ARRAY), Map.entry(3807, ARRAY), Map.entry(2951, ARRAY), Map.entry(1182, ARRAY),
            Map.entry(1183, ARRAY), Map.entry(1115, ARRAY), Map.entry(1185, ARRAY), Map.entry(1187, ARRAY),
            Map.entry(1270, ARRAY), Map.entry(1231, ARRAY), Map.entry(2287, ARRAY), Map.entry(1263, ARRAY));

    static PgType of(int typeOid) {
        return BY_OID.getOrDefault(typeOid, OTHER);
    }
}
